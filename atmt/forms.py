from django import forms
from django.contrib.auth.forms import AuthenticationForm


class HdsFormMixin:
    """Give every widget the design system's input class and link errors to their field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.widgets.Input | forms.Textarea | forms.Select):
                field.widget.attrs.setdefault("class", "hds-text-input__input")
            if self.is_bound and name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class SignInForm(HdsFormMixin, AuthenticationForm):
    pass
