from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignInBlock(models.Model):
    """A spread throttle's block on an address or a user name, until a moment (throttle.py)."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("address")
        USERNAME = "username", _("user name")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("address or user name"), max_length=255)
    blocked_at = models.DateTimeField(_("blocked at"), default=timezone.now)
    until = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("sign-in block")
        verbose_name_plural = _("sign-in blocks")
        indexes = [models.Index(fields=["kind", "key", "until"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} until {self.until:%Y-%m-%d %H:%M}"
