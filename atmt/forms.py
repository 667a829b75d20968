from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
