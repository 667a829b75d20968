from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client


class Consent(models.Model):
    """A client's answer to one kind of consent. A withdrawal is recorded on it, never deleted."""

    class Kind(models.TextChoices):
        VIEWING = "viewing", _("viewing of data in the client system")

    class Status(models.TextChoices):
        GIVEN = "given", _("given")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="consents", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    status = models.CharField(_("status"), max_length=20, choices=Status)
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateTimeField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: valid until withdrawn.")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="withdrawn", withdrawn_at__isnull=False)
                | (~models.Q(status="withdrawn") & models.Q(withdrawn_at__isnull=True)),
                name="consent_withdrawal_has_a_time",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_status_display()} ({self.signed_on:%Y-%m-%d})"


auditlog.register(Consent)
