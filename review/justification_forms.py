"""The forms of a justification request: asking, answering, closing, and handling the report."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atmt.forms import DateBounds, HdsFormMixin, IsoDateInput, today
from review.justification import LONGEST_DUE
from review.models import JustificationRequest


def latest_due_on():
    return today() + LONGEST_DUE


class EventChoiceField(forms.ModelMultipleChoiceField):
    """One of the worker's recent events, named as the log names them: number, time, action."""

    def label_from_instance(self, obj):
        client = f"{obj.client.last_name}, {obj.client.first_names}" if obj.client else "-"
        when = timezone.localtime(obj.occurred_at)
        day = f"{when.day}.{when.month}.{when.year} {when:%H:%M}"
        return f"{obj.pk} · {day} · {obj.get_action_display()} · {client}"


class JustificationRequestForm(HdsFormMixin, forms.Form):
    """The question, the day the answer is due, and any more of the same worker's events."""

    more_events = EventChoiceField(
        label=_("Ask also about these events of the same worker (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    question = forms.CharField(
        label=_("Question to the worker"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ask about the need and the context of the views."),
    )
    due_on = forms.DateField(
        label=_("Answer by"),
        widget=IsoDateInput(),
        help_text=_("At most 60 days from today."),
    )

    # An answer is due from today on, within the time a justification is asked about recent work.
    date_bounds = {"due_on": DateBounds(today, latest_due_on)}

    def __init__(self, *args, events, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["more_events"].queryset = events  # type: ignore[attr-defined]
        if label is not None:
            self.fields["more_events"].label = label


class JustificationAnswerForm(HdsFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say why you needed to view the data and in what part of the service."),
    )


class JustificationCloseForm(HdsFormMixin, forms.Form):
    finding = forms.ChoiceField(
        label=_("Finding"),
        choices=JustificationRequest.Finding.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Closing note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class GroundsReportHandledForm(HdsFormMixin, forms.Form):
    note = forms.CharField(
        label=_("How the report was handled"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Such as: the access right was revoked on these grounds."),
    )
