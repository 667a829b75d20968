import datetime
import hashlib

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atmt.forms import SERVICE_RECORDS_BEGIN, DateBounds, HdsFormMixin, IsoDateInput, today
from entries.models import EntryVersion
from entries.quality import Finding, check
from entries.services import EntryText


class EntryForm(HdsFormMixin, forms.Form):
    """One version of a case entry, checked for quality before it is saved.

    The check is advisory: when it finds something the form is shown again with the findings,
    and the worker either rewrites or acknowledges them. An acknowledgement counts only for the
    findings it was given for (`acknowledged_for`): a rewrite with new findings shows them anew.
    """

    occurred_on = forms.DateField(label=_("Date of the event"), widget=IsoDateInput())
    occurred_time = forms.TimeField(
        label=_("Time of the event"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    contact_method = forms.ChoiceField(
        label=_("Contact method"), choices=EntryVersion.ContactMethod.choices
    )
    participants = forms.CharField(label=_("Who took part"), max_length=300)
    content = forms.CharField(
        label=_("What was agreed and done"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Write in plain language: no abbreviations that are not generally known, no "
            "belittling words. Health and work-ability data belongs in the health section."
        ),
    )
    source = forms.CharField(
        label=_("Source of the information (optional)"),
        required=False,
        max_length=200,
        help_text=_("Fill in when the information came from someone other than the client."),
    )
    language = forms.ChoiceField(
        label=_("Language of the entry"),
        choices=EntryVersion.Language.choices,
        help_text=_(
            "Entries in Finnish and Swedish are checked; entries in other languages are not."
        ),
    )
    acknowledged = forms.BooleanField(
        label=_("I have read the findings and save the entry as it is"), required=False
    )
    acknowledged_for = forms.CharField(required=False, widget=forms.HiddenInput)

    date_bounds = {"occurred_on": DateBounds(SERVICE_RECORDS_BEGIN, today)}

    def clean(self):
        cleaned = super().clean() or {}
        day, time = cleaned.get("occurred_on"), cleaned.get("occurred_time")
        if day is not None and time is not None:
            cleaned["occurred_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
            if cleaned["occurred_at"] > timezone.now():
                message = _("The event cannot be in the future.")
                self.add_error("occurred_time", forms.ValidationError(message, code="in_future"))
        return cleaned

    def text(self) -> EntryText:
        data = self.cleaned_data
        return EntryText(
            occurred_at=data["occurred_at"],
            contact_method=data["contact_method"],
            participants=data["participants"],
            content=data["content"],
            language=data["language"],
            source=data["source"],
        )

    def findings(self) -> list[Finding]:
        """The quality check's findings on the entry's text, in text order."""
        return check(self.cleaned_data["content"], self.cleaned_data["language"])

    def acknowledges(self, findings: list[Finding]) -> bool:
        """Whether the worker acknowledged exactly these findings."""
        return bool(self.cleaned_data.get("acknowledged")) and self.cleaned_data.get(
            "acknowledged_for"
        ) == findings_digest(findings)


class EntryCorrectionForm(EntryForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The earlier version is kept and shown in the entry's history."),
    )

    field_order = ["reason"]


def findings_digest(findings: list[Finding]) -> str:
    """Names one set of findings, for an acknowledgement to be tied to what it saw."""
    words = "\n".join(f"{finding.kind}:{finding.word}" for finding in findings)
    return hashlib.sha256(words.encode()).hexdigest()[:32]


def initial_from(version: EntryVersion) -> dict:
    """The correction form starts from the newest version."""
    local = timezone.localtime(version.occurred_at)
    return {
        "occurred_on": local.date(),
        "occurred_time": local.time().replace(second=0, microsecond=0),
        "contact_method": version.contact_method,
        "participants": version.participants,
        "content": version.content,
        "source": version.source,
        "language": version.language,
    }


# What the worker is told of each finding, by reason and suggestion code (entries.quality).
FINDING_PROBLEMS = {
    "unexplained_abbreviation": _(
        "“%(word)s” is an abbreviation that is not generally known and not explained in the entry."
    ),
    "belittling_word": _("“%(word)s” can be offensive or belittling."),
    "health_detail": _("“%(word)s” looks like a health or work-ability detail."),
}
FINDING_SUGGESTIONS = {
    "write_out_or_explain": _(
        "Write it out, or explain it where it is first used, as in “työkokeilu (TK)”."
    ),
    "describe_neutrally": _("Describe the person and the situation in neutral, factual words."),
    "move_to_health_section": _(
        "Record health and work-ability data that affects employment in the health section, "
        "not in an ordinary entry."
    ),
}


def explained(findings: list[Finding]) -> list[tuple[Finding, str, str]]:
    """Each finding with what is wrong and what to do instead, in the page's language."""
    return [
        (
            finding,
            FINDING_PROBLEMS[finding.reason_code] % {"word": finding.word},
            str(FINDING_SUGGESTIONS[finding.suggestion_code]),
        )
        for finding in findings
    ]
