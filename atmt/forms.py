from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class IsoDateInput(forms.DateInput):
    """A browser date field. It reads and writes ISO dates whatever the page's language, so the
    initial value must not be written in the Finnish format (the field would show it empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class HdsFormMixin:
    """Give every widget the design system's input class and link errors to their field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.widgets.Input | forms.Textarea | forms.Select):
                field.widget.attrs.setdefault("class", "hds-text-input__input")

    def full_clean(self):
        # After validation, not in __init__: a subclass may still set up its fields there.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class SignInForm(HdsFormMixin, AuthenticationForm):
    pass


class OneTimeCodeForm(HdsFormMixin, forms.Form):
    code = forms.CharField(
        label=_("One-time code"),
        max_length=32,
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
