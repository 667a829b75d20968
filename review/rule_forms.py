"""The forms of the detection rules and the cases: a rule's setting, its preview, a day to
screen now and a case's closing note; and the messages of the service's refusals."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from atmt.forms import SERVICE_RECORDS_BEGIN, DateBounds, HdsFormMixin, IsoDateInput, today
from review.rules import Rule
from review.screening import due_until
from review.services import ReviewRefused

# A preview reads every look of the period and the two months before it: a quarter at most.
LONGEST_PREVIEW = datetime.timedelta(days=92)
PREVIEW_DAYS = 30


def yesterday() -> datetime.date:
    return today() - datetime.timedelta(days=1)


def last_due_day() -> datetime.date:
    return due_until(today())


def preview_period() -> tuple[datetime.date, datetime.date]:
    """The period a preview opens with: the last PREVIEW_DAYS days that a screening has read."""
    last = last_due_day()
    return last - datetime.timedelta(days=PREVIEW_DAYS - 1), last


class ThresholdFields(forms.BaseForm):
    """A number field for each of the rule's thresholds, bounded as the rule bounds it: its
    bounds are the input's min and max, and are checked again when the form is cleaned.

    Listed after HdsFormMixin, so that the mixin finds these fields too.
    """

    def __init__(self, *args, rule: Rule, values: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        for threshold in rule.thresholds:
            self.fields[threshold.code] = forms.IntegerField(
                label=capfirst(str(threshold.label)),
                min_value=threshold.minimum,
                max_value=threshold.maximum,
                initial=values.get(threshold.code, threshold.default),
                help_text=_("From %(minimum)s to %(maximum)s.")
                % {"minimum": threshold.minimum, "maximum": threshold.maximum},
            )

    def threshold_values(self) -> dict[str, int]:
        return {t.code: self.cleaned_data[t.code] for t in self.rule.thresholds}


class RuleSettingForm(HdsFormMixin, ThresholdFields, forms.Form):
    """Switch one rule on or off, with its thresholds."""

    enabled = forms.BooleanField(label=_("Switched on: screens every worker's use"), required=False)


class RulePreviewForm(HdsFormMixin, ThresholdFields, forms.Form):
    """The period and the thresholds to preview a rule with."""

    first = forms.DateField(label=_("From"), widget=IsoDateInput())
    last = forms.DateField(
        label=_("To"),
        widget=IsoDateInput(),
        help_text=_(
            "At most yesterday. Yesterday's looks may still be explained by entries made today."
        ),
    )

    date_bounds = {
        "first": DateBounds(SERVICE_RECORDS_BEGIN, yesterday),
        "last": DateBounds(SERVICE_RECORDS_BEGIN, yesterday),
    }

    def clean(self):
        cleaned = super().clean() or {}
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and first > last:
            self.add_error(
                "last",
                ValidationError(_("The period ends before it begins."), code="period_reversed"),
            )
        elif first and last and last - first >= LONGEST_PREVIEW:
            self.add_error(
                "first",
                ValidationError(
                    _("A preview covers at most %(days)s days.") % {"days": LONGEST_PREVIEW.days},
                    code="period_too_long",
                ),
            )
        return cleaned

    def may_still_change(self) -> bool:
        """Whether the period reaches yesterday, whose looks today's entries may still explain."""
        return self.cleaned_data["last"] > last_due_day()


class ScreenDayForm(HdsFormMixin, forms.Form):
    day = forms.DateField(
        label=_("Day to screen"),
        widget=IsoDateInput(),
        help_text=_("A day is screened once the day after it has ended."),
    )

    date_bounds = {"day": DateBounds(SERVICE_RECORDS_BEGIN, last_due_day)}


class CaseCloseForm(HdsFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What the review found"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Such as: asked the worker, the looks were part of their service."),
    )


# Read when a refusal is shown, in the language of that page.
REFUSALS = {
    ReviewRefused.UNKNOWN_RULE: _("There is no such rule."),
    ReviewRefused.THRESHOLD_OUT_OF_BOUNDS: _("A threshold is outside its bounds."),
    ReviewRefused.NOTHING_CHANGED: _("The rule is already set so: nothing changed."),
    ReviewRefused.DAY_NOT_DUE: _("A day can be screened only once the day after it has ended."),
    ReviewRefused.CASE_NOT_OVERSEEN: _("You can close only the cases of workers you oversee."),
    ReviewRefused.CASE_CLOSED: _("The case has already been closed."),
    ReviewRefused.EMPTY_NOTE: _("Write what the review found first."),
}


def refusal(refused: ReviewRefused) -> ValidationError:
    return ValidationError(REFUSALS[refused.code], code=refused.code)
