"""The sign-in forms: password, one-time code, enrolment, confirming one's identity again."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from atmt.forms import HdsFormMixin


class SignInForm(HdsFormMixin, AuthenticationForm):
    pass


class OneTimeCodeForm(HdsFormMixin, forms.Form):
    code = forms.CharField(
        label=_("One-time code"),
        max_length=64,
        help_text=_("Six digits from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class IdentityConfirmationForm(OneTimeCodeForm):
    """The password and a code again, before a decision on access rights."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["password", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.pop("autofocus", None)


class EnrolmentCodeForm(OneTimeCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The six digits your app shows now.")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class OwnPasswordChangeForm(HdsFormMixin, PasswordChangeForm):
    """The old password, and the new one twice; Django's validators (AUTH_PASSWORD_VALIDATORS)."""


class FirstPasswordForm(HdsFormMixin, SetPasswordForm):
    """A new member of staff's first password, twice; Django's validators."""
