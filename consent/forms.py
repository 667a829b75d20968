import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atmt.forms import (
    SERVICE_RECORDS_BEGIN,
    DateBounds,
    HdsFormMixin,
    IsoDateInput,
    today,
    years_from_today,
)
from consent.models import Consent
from consent.scans import scan_content_type

ANSWERS = [
    (Consent.Status.GIVEN, _("The client gave the consent")),
    (Consent.Status.REFUSED, _("The client refused")),
]


class ScanUploadMixin(forms.BaseForm):
    """The scan field's checks: a safe name, the size limit met while streaming, the content."""

    def __init__(self, *args, upload_name_was_unsafe=False, upload_too_large=False, **kwargs):
        self.upload_name_was_unsafe = upload_name_was_unsafe
        self.upload_too_large = upload_too_large
        super().__init__(*args, **kwargs)

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if self.upload_name_was_unsafe:
            raise ValidationError(_("The file name must not contain folder names or “..”."))
        if self.upload_too_large:
            # The upload stopped at the limit (records/uploads.py): its size is not known.
            raise ValidationError(
                _("The file is too large: a scan may be at most %(limit)s."),
                code="too_large",
                params={"limit": filesizeformat(settings.CONSENT_SCAN_MAX_BYTES)},
            )
        if scan:
            self.cleaned_data["scan_content_type"] = scan_content_type(scan)
        return scan


class ConsentRecordForm(ScanUploadMixin, HdsFormMixin, forms.Form):
    """The client's answer on a signed form, with its evidence."""

    kind = forms.ChoiceField(label=_("Kind of consent"), choices=Consent.Kind.choices)
    status = forms.ChoiceField(label=_("Answer"), choices=ANSWERS, widget=forms.RadioSelect)
    signed_on = forms.DateField(label=_("Signed on"), widget=IsoDateInput())
    place = forms.ChoiceField(label=_("Where it was given"), choices=Consent.Place.choices)
    valid_until = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("The last day it is valid. Empty: valid until withdrawn."),
    )
    data_items = forms.CharField(
        label=_("Which data"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=300)
    disclosure_purpose = forms.CharField(
        label=_("For what purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    scan = forms.FileField(
        label=_("Scan of the signed form (PDF, PNG or JPEG, at most 10 MB)"), required=False
    )
    paper_held_confirmed = forms.BooleanField(
        label=_("No scan yet: I confirm that I hold the form signed by the client"),
        required=False,
    )

    # A consent is recorded once signed, never before 2000; it is valid for ten years at most.
    date_bounds = {
        "signed_on": DateBounds(SERVICE_RECORDS_BEGIN, today),
        "valid_until": DateBounds(SERVICE_RECORDS_BEGIN, years_from_today(10)),
    }

    def clean(self):
        cleaned = super().clean() or {}
        signed_on, valid_until = cleaned.get("signed_on"), cleaned.get("valid_until")
        if signed_on and valid_until and valid_until < signed_on:
            self.add_error("valid_until", _("The consent cannot end before it was signed."))
        if cleaned.get("kind") == Consent.Kind.HEALTH_DISCLOSURE:
            for name in ("data_items", "recipient", "disclosure_purpose"):
                if not cleaned.get(name, "").strip():
                    self.add_error(
                        name, _("A consent to disclose health data must say this specifically.")
                    )
        given = cleaned.get("status") == Consent.Status.GIVEN
        evidence = cleaned.get("scan") or cleaned.get("paper_held_confirmed")
        # A rejected scan already has its own error; asking for evidence too would repeat it.
        if given and not evidence and "scan" not in self.errors:
            self.add_error(
                "paper_held_confirmed",
                _("Attach the scan, or confirm that you hold the signed paper form."),
            )
        return cleaned

    def valid_until_instant(self) -> datetime.datetime | None:
        """The end of the last valid day, in Finnish time: the moment the consent stops counting."""
        last_day = self.cleaned_data.get("valid_until")
        if last_day is None:
            return None
        next_day = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time())
        return timezone.make_aware(next_day)


class ConsentWithdrawForm(HdsFormMixin, forms.Form):
    channel = forms.ChoiceField(
        label=_("How the client withdrew it"), choices=Consent.WithdrawalChannel.choices
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsentScanForm(ScanUploadMixin, HdsFormMixin, forms.Form):
    """The scan of the signed form, attached later to a consent that awaits it."""

    scan = forms.FileField(label=_("Scan of the signed form (PDF, PNG or JPEG, at most 10 MB)"))
