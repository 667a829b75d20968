from django import forms
from django.utils.translation import gettext_lazy as _

from atmt.forms import SERVICE_RECORDS_BEGIN, DateBounds, HdsFormMixin, IsoDateInput, today
from health.models import HealthItem


class HealthItemForm(HdsFormMixin, forms.Form):
    """One item of health or work-ability data: only what affects employment (004 §3; 003)."""

    kind = forms.ChoiceField(label=_("What the item is"), choices=HealthItem.Kind.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Only what affects the client's employment and is necessary: no diagnoses or "
            "other health details beyond that."
        ),
    )
    source = forms.ChoiceField(
        label=_("Where the information came from"), choices=HealthItem.Source.choices
    )
    source_detail = forms.CharField(
        label=_("Source in more detail (optional)"),
        required=False,
        max_length=200,
        help_text=_("Such as the unit or the professional who gave the information."),
    )
    information_date = forms.DateField(label=_("Date of the information"), widget=IsoDateInput())

    # Information is recorded once it exists: never dated in the future.
    date_bounds = {"information_date": DateBounds(SERVICE_RECORDS_BEGIN, today)}
