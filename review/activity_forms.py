"""The per-worker and per-client pages' input: a keyset page, and the worker page's period."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from atmt.forms import SERVICE_RECORDS_BEGIN, DateBounds, HdsFormMixin, IsoDateInput, today
from review.forms import LARGEST_ID
from review.worker_activity import DEFAULT_DAYS, LONGEST_DAYS, Period


class KeysetPageForm(HdsFormMixin, forms.Form):
    """Which page of events: just older than `before`, just newer than `after`, or the newest."""

    before = forms.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput
    )
    after = forms.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("before") and cleaned.get("after"):
            raise ValidationError(_("Ask for older or newer events, not both."), code="both_ways")
        return cleaned


class PeriodForm(KeysetPageForm):
    """The days to review, in Finland: the last DEFAULT_DAYS unless asked, LONGEST_DAYS at most."""

    period_from = forms.DateField(label=_("From"), widget=IsoDateInput())
    period_to = forms.DateField(label=_("To"), widget=IsoDateInput())

    date_bounds = {
        "period_from": DateBounds(SERVICE_RECORDS_BEGIN, today),
        "period_to": DateBounds(SERVICE_RECORDS_BEGIN, today),
    }

    @classmethod
    def of(cls, query: QueryDict) -> "PeriodForm":
        """The form over `query`, a missing end being today and a missing start the day that
        makes the period DEFAULT_DAYS long, so that the page shows the days it reviews."""
        data = query.copy()
        end = str(data.get("period_to") or "") or today().isoformat()
        data["period_to"] = end
        if not data.get("period_from"):
            start = (_date_or_none(end) or today()) - datetime.timedelta(days=DEFAULT_DAYS - 1)
            data["period_from"] = max(start, SERVICE_RECORDS_BEGIN).isoformat()
        return cls(data)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and start > end:
            self.add_error(
                "period_to",
                ValidationError(_("The period ends before it begins."), code="period_reversed"),
            )
        elif start and end and (end - start).days + 1 > LONGEST_DAYS:
            self.add_error(
                "period_from",
                ValidationError(
                    _("A period is at most %(days)s days long."),
                    code="period_too_long",
                    params={"days": LONGEST_DAYS},
                ),
            )
        return cleaned

    def period(self) -> Period:
        return Period(self.cleaned_data["period_from"], self.cleaned_data["period_to"])


def _date_or_none(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
