"""The labour authority's forms. They check the input; the services (clients.services) check the
rules, so that a page and the register import refuse the same things."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from atmt.forms import SERVICE_RECORDS_BEGIN, DateBounds, HdsFormMixin, IsoDateInput, today
from clients.identity_code import parse_identity_code
from clients.models import ClientGroup, Municipality, Referral, ServiceLanguage

SOURCE_HELP = _("Where the information came from, e.g. the labour authority's client system.")


def _past_date(label) -> forms.DateField:
    """A day that has come: the services record what has happened, not what is planned."""
    return forms.DateField(
        label=label,
        widget=IsoDateInput(),
        validators=[DateBounds(earliest=SERVICE_RECORDS_BEGIN, latest=today)],
    )


def _source() -> forms.CharField:
    return forms.CharField(
        label=_("Source of the information"), max_length=200, help_text=SOURCE_HELP
    )


class IdentityCodeField(forms.CharField):
    """A personal identity code, normalised; never echoed back in an error message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Personal identity code"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(max_length=20, **kwargs)

    def clean(self, value):
        return parse_identity_code(super().clean(value).strip())


class IntakeLookupForm(HdsFormMixin, forms.Form):
    """Is this identity code registered? Sent with POST: a code never goes into a URL."""

    identity_code = IdentityCodeField()


class ClientRegisterForm(HdsFormMixin, forms.Form):
    identity_code = IdentityCodeField()
    first_names = forms.CharField(label=_("First names"), max_length=200)
    last_name = forms.CharField(label=_("Last name"), max_length=200)
    home_municipality = forms.ModelChoiceField(
        label=_("Home municipality"), queryset=Municipality.objects.none()
    )
    mother_tongue = forms.CharField(
        label=_("Mother tongue"),
        max_length=8,
        help_text=_("ISO 639-1 code, e.g. fi, sv, ar."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    service_language = forms.ChoiceField(
        label=_("Language of service"), choices=ServiceLanguage.choices
    )
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"), regex=r"^\d{5}$", required=False, max_length=5
    )
    post_office = forms.CharField(label=_("Post office"), max_length=100, required=False)
    started_on = _past_date(_("Client relationship started on"))
    source = _source()

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the official's own municipalities: whom they serve is whom they register.
        field = cast(forms.ModelChoiceField, self.fields["home_municipality"])
        field.queryset = municipalities.filter(in_classification=True)

    def clean_mother_tongue(self):
        code = self.cleaned_data["mother_tongue"].strip().lower()
        if not (code.isascii() and code.isalpha() and len(code) in (2, 3)):
            raise ValidationError(_("Give a two- or three-letter language code."), code="language")
        return code


class ReferralForm(HdsFormMixin, forms.Form):
    group = forms.ModelChoiceField(label=_("Client group"), queryset=ClientGroup.objects.all())
    referring_authority = forms.CharField(label=_("Referring labour authority"), max_length=200)
    referred_on = forms.DateField(
        label=_("Referred on"),
        widget=IsoDateInput(),
        validators=[DateBounds(earliest=SERVICE_RECORDS_BEGIN)],
    )
    ended_on = forms.DateField(
        label=_("Ends on (optional)"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("The first day it is no longer in force."),
        validators=[DateBounds(earliest=SERVICE_RECORDS_BEGIN)],
    )
    source = _source()

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("referred_on"), cleaned.get("ended_on")
        if start and end and end <= start:
            self.add_error("ended_on", _("The end must be after the start."))
        return cleaned


class ReferralEndForm(HdsFormMixin, forms.Form):
    ended_on = forms.DateField(
        label=_("Ends on"),
        widget=IsoDateInput(),
        help_text=_("The first day it is no longer in force."),
        validators=[DateBounds(earliest=SERVICE_RECORDS_BEGIN)],
    )
    reason = forms.ChoiceField(label=_("Reason for ending"), choices=Referral.EndReason.choices)


class ServiceNeedForm(HdsFormMixin, forms.Form):
    assessment = forms.CharField(
        label=_("Assessment of the service need"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    assessed_on = _past_date(_("Assessed on"))
    assessed_by = forms.CharField(label=_("Assessed by"), max_length=200)
    source = _source()


class ClientMoveForm(HdsFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("New home municipality"),
        queryset=Municipality.objects.filter(in_classification=True),
    )
    moved_on = _past_date(_("Moved on"))
    source = _source()


class RelationshipEndForm(HdsFormMixin, forms.Form):
    ended_on = _past_date(_("Client relationship ended on"))


class RelationshipStartForm(HdsFormMixin, forms.Form):
    started_on = _past_date(_("New client relationship started on"))
    source = _source()
