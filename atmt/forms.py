from django import forms


class IsoDateInput(forms.DateInput):
    """A browser date field. It reads and writes ISO dates whatever the page's language, so the
    initial value must not be written in the Finnish format (the field would show it empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class HdsFormMixin(forms.BaseForm):
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
