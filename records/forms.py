from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from access.purposes import CASE_WORK_PURPOSES, Purpose
from atmt.forms import HdsFormMixin
from clients.identity_code import parse_identity_code
from clients.models import ClientGroup


class ClientSearchForm(HdsFormMixin, forms.Form):
    """Find a client by identity code, or by last name (and optionally first names)."""

    identity_code = forms.CharField(
        label=_("Personal identity code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=200)
    first_names = forms.CharField(label=_("First names"), required=False, max_length=200)

    def clean_identity_code(self):
        value = self.cleaned_data["identity_code"].strip()
        return parse_identity_code(value) if value else None

    def clean(self):
        cleaned = super().clean() or {}
        by_code = cleaned.get("identity_code") or "identity_code" in self.errors
        by_name = bool(cleaned.get("last_name", "").strip() or cleaned.get("first_names", ""))
        if by_code and by_name:
            raise ValidationError(_("Search by identity code or by name, not both."))
        if not by_code and not by_name:
            raise ValidationError(_("Give an identity code, or a last name."))
        if by_name and not cleaned.get("last_name", "").strip():
            self.add_error("last_name", _("Give the last name too."))
        return cleaned


class PurposeForm(HdsFormMixin, forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose of the view"),
        choices=[(p.value, p.label) for p in Purpose if p in CASE_WORK_PURPOSES],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not write anything about the client's health or other sensitive data."),
    )


class CaseloadFilterForm(HdsFormMixin, forms.Form):
    """Narrow and order the caseload, sent with GET so that a page can be linked and paged."""

    SORT_NAME = "name"
    SORT_CONSENT_END = "consent_end"

    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    client_group = forms.ModelChoiceField(
        label=_("Client group"),
        queryset=ClientGroup.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[(SORT_NAME, _("By name")), (SORT_CONSENT_END, _("Consent ending first"))],
    )
