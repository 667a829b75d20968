"""Case entries: what was agreed and done with a client, written as the AVI guidance asks.

An entry is never changed or deleted by its users (act 916/2012 §4; seed 003): a correction is
a new version with its reason, and the record shows the newest version with its history on
demand. The entry row holds only who the entry is about and when it was first made; every word
of it lives in its versions. Only the retention purge removes entries.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, RecordedRow


class CaseEntry(models.Model):
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="case_entries", verbose_name=_("client")
    )
    # When the entry was first made: what decides whether it was made late, whatever its
    # corrections later say about the event.
    created_at = models.DateTimeField(_("first recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("case entry")
        verbose_name_plural = _("case entries")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class EntryVersion(RecordedRow):
    """One version of an entry: the first as written, each later one a correction with a reason."""

    class ContactMethod(models.TextChoices):
        MEETING = "meeting", _("meeting")
        PHONE = "phone", _("phone")
        VIDEO = "video", _("video")
        MESSAGE = "message", _("message")
        LETTER = "letter", _("letter")
        OTHER = "other", _("other")

    class Language(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")
        OTHER = "other", _("another language (not checked)")

    entry = models.ForeignKey(
        CaseEntry, on_delete=models.CASCADE, related_name="versions", verbose_name=_("entry")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    occurred_at = models.DateTimeField(_("date and time of the event"))
    contact_method = models.CharField(_("contact method"), max_length=10, choices=ContactMethod)
    participants = models.CharField(_("who took part"), max_length=300)
    content = models.TextField(_("what was agreed and done"))
    source = models.CharField(
        _("source of the information"),
        max_length=200,
        blank=True,
        help_text=_("Fill in when the information came from someone other than the client."),
    )
    language = models.CharField(_("language of the entry"), max_length=5, choices=Language)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    late = models.BooleanField(_("recorded late"), default=False)
    # The quality check's findings shown before saving (kind, word, reason code), and whether
    # the worker saved anyway after acknowledging them.
    findings = models.JSONField(_("quality findings"), default=list, blank=True)
    findings_acknowledged = models.BooleanField(_("findings acknowledged"), default=False)

    class Meta:
        verbose_name = _("entry version")
        verbose_name_plural = _("entry versions")
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="one_version_number_each"),
            models.CheckConstraint(
                condition=models.Q(number=1) | ~models.Q(correction_reason=""),
                name="correction_has_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["entry", "-number"], name="entry_newest_version")]

    def __str__(self):
        return f"{self.entry} v{self.number}"

    def save(self, *args, **kwargs):
        # A version is written once: a correction is a new version, never an update.
        if not self._state.adding:
            raise ValueError("entry versions are never changed: record a correction")
        super().save(*args, **kwargs)

    @property
    def corrected(self) -> bool:
        return self.number > 1


def is_late(*, occurred_at: datetime.datetime, first_recorded_at: datetime.datetime) -> bool:
    """Made more than ENTRY_LATE_DAYS after the event: not "without undue delay" (seed 003)."""
    return first_recorded_at - occurred_at > datetime.timedelta(days=settings.ENTRY_LATE_DAYS)
