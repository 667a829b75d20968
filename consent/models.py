import os
import uuid

from auditlog.registry import auditlog
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from clients.models import Client, RecordedRow


class ScanStorage(FileSystemStorage):
    """Signed consent forms, outside the web root: no URL reaches them but the logged view.

    The folder is read from the settings on every use, so that a changed setting (as in tests)
    can never send a scan to the wrong place.
    """

    @property
    def base_location(self):
        return settings.CONSENT_SCAN_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("consent scans have no URL: serve them through the logged view")


def scan_file_name(consent, filename: str) -> str:
    """A generated name: the uploaded name is never used, on disk or anywhere else."""
    return f"{uuid.uuid4().hex}{consent.scan_extension}"


class Consent(RecordedRow):
    """A client's answer to one kind of consent. A withdrawal is recorded on it, never deleted.

    A given consent counts only with its evidence: the scanned signed form, or, while the scan
    is awaited, the recording worker's confirmation that they hold the signed paper form.
    """

    class Kind(models.TextChoices):
        VIEWING = "viewing", _("viewing of data in the client system")
        EMPLOYER_DISCLOSURE = "employer_disclosure", _("disclosure of data to an employer")
        HEALTH_DISCLOSURE = "health_disclosure", _("disclosure of health data")
        MULTI_AGENCY = "multi_agency", _("multi-agency data exchange")
        # To obtain social and health data for a work-ability assessment (001 §5; 002): what
        # health items from those services rest on, and are erased with when it is withdrawn.
        HEALTH_OBTAINING = (
            "health_obtaining",
            _("obtaining social and health data for a work-ability assessment"),
        )

    class Status(models.TextChoices):
        GIVEN = "given", _("given")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Place(models.TextChoices):
        OHJAAMO = "ohjaamo", _("at Ohjaamo")
        APPOINTMENT = "appointment", _("at an appointment")
        OTHER = "other", _("elsewhere")

    class WithdrawalChannel(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PHONE = "phone", _("by phone")
        WRITING = "writing", _("in writing")
        OTHER = "other", _("other")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="consents", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    status = models.CharField(_("status"), max_length=20, choices=Status)
    signed_on = models.DateField(_("signed on"))
    place = models.CharField(_("where given"), max_length=20, choices=Place, default=Place.OTHER)
    valid_until = models.DateTimeField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: valid until withdrawn.")
    )
    # What a disclosure covers; the health data consent must itemise all three (act 916/2012).
    data_items = models.TextField(_("which data"), blank=True)
    recipient = models.CharField(_("recipient"), max_length=300, blank=True)
    disclosure_purpose = models.TextField(_("for what purpose"), blank=True)
    scan = models.FileField(
        _("scan of the signed form"), storage=ScanStorage(), upload_to=scan_file_name, blank=True
    )
    scan_content_type = models.CharField(max_length=50, blank=True)
    # Until when a given consent without its scan counts on the recorder's word; empty once the
    # scan is attached, and for answers that need no scan.
    scan_due_at = models.DateTimeField(_("scan due by"), null=True, blank=True)
    paper_held_confirmed = models.BooleanField(
        _("I hold the signed paper form"),
        default=False,
        help_text=_("Needed while the scan is awaited: without it the consent does not count."),
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
    withdrawal_channel = models.CharField(
        _("withdrawn through"), max_length=20, choices=WithdrawalChannel, blank=True
    )
    withdrawal_note = models.TextField(_("note on the withdrawal"), blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="withdrawn", withdrawn_at__isnull=False)
                | (~models.Q(status="withdrawn") & models.Q(withdrawn_at__isnull=True)),
                name="consent_withdrawal_has_a_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="given")
                | ~models.Q(scan="")
                | models.Q(paper_held_confirmed=True),
                name="given_consent_has_evidence",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_status_display()} ({self.signed_on:%Y-%m-%d})"

    @property
    def awaiting_scan(self) -> bool:
        return self.status != self.Status.REFUSED and not self.scan

    @property
    def scan_attachable(self) -> bool:
        """A given consent whose signed form has not been scanned yet."""
        return self.status == self.Status.GIVEN and not self.scan

    @property
    def scan_extension(self) -> str:
        return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(
            self.scan_content_type, ""
        )


auditlog.register(Consent)
