"""Shared form parts: the date widget, the design system's classes, and the limits every field
keeps whatever the form (dates within 1900-2100, no control characters, a length limit)."""

import datetime
import unicodedata
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# No date anywhere lies outside these: beyond them date arithmetic overflows (year 1, 9999).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# Records of this service do not go further back: no agreement, consent or grant before 2000.
SERVICE_RECORDS_BEGIN = datetime.date(2000, 1, 1)

# Fields with no length of their own: a line, or a few paragraphs.
LINE_MAX_LENGTH = 255
TEXT_MAX_LENGTH = 4000

# Line breaks and tabs are text in a multi-line field; every other control character is not.
MULTI_LINE_ALLOWED = frozenset("\n\r\t")

type DateLimit = datetime.date | Callable[[], datetime.date]


def today() -> datetime.date:
    return timezone.localdate()


def years_from_today(years: int) -> Callable[[], datetime.date]:
    def limit() -> datetime.date:
        day = today()
        return day.replace(year=day.year + years, day=min(day.day, 28))

    return limit


class DateBounds:
    """A date field's own bounds; the error names them (codes date_too_early, date_too_late)."""

    def __init__(self, earliest: DateLimit = EARLIEST_DATE, latest: DateLimit = LATEST_DATE):
        self._earliest, self._latest = earliest, latest

    @property
    def earliest(self) -> datetime.date:
        value = self._earliest() if callable(self._earliest) else self._earliest
        return max(value, EARLIEST_DATE)

    @property
    def latest(self) -> datetime.date:
        value = self._latest() if callable(self._latest) else self._latest
        return min(value, LATEST_DATE)

    def __call__(self, value: datetime.date) -> None:
        if value < self.earliest:
            raise ValidationError(
                _("The date cannot be before %(earliest)s."),
                code="date_too_early",
                params={"earliest": date_format(self.earliest, "SHORT_DATE_FORMAT")},
            )
        if value > self.latest:
            if self.latest == today():
                raise ValidationError(_("The date cannot be in the future."), code="date_too_late")
            raise ValidationError(
                _("The date cannot be after %(latest)s."),
                code="date_too_late",
                params={"latest": date_format(self.latest, "SHORT_DATE_FORMAT")},
            )


def refuse_control_characters(value: str) -> None:
    """A single-line field: no control character at all."""
    _refuse_control(value, allowed=frozenset())


def refuse_control_characters_but_line_breaks(value: str) -> None:
    """A multi-line field: line breaks and tabs only."""
    _refuse_control(value, allowed=MULTI_LINE_ALLOWED)


def _refuse_control(value: str, *, allowed: frozenset[str]) -> None:
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        raise ValidationError(
            _("The text contains control characters; write it again without them."),
            code="control_characters",
        )


class IsoDateInput(forms.DateInput):
    """A browser date field. It reads and writes ISO dates whatever the page's language, so the
    initial value must not be written in the Finnish format (the field would show it empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class HdsFormMixin(forms.BaseForm):
    """Give every widget the design system's input class and link errors to their field.

    Every field also keeps the limits of sound input: a date within its `date_bounds` (by field
    name; 1900-2100 for any field not named), text without control characters and not longer
    than its limit. Hostile input gets a form error, never a server error.
    """

    date_bounds: dict[str, DateBounds] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.widgets.Input | forms.Textarea | forms.Select):
                field.widget.attrs.setdefault("class", "hds-text-input__input")
            if isinstance(field, forms.DateField):
                bounds = self.date_bounds.get(name, DateBounds())
                field.validators.append(bounds)
                field.widget.attrs.setdefault("min", bounds.earliest.isoformat())
                field.widget.attrs.setdefault("max", bounds.latest.isoformat())
            elif isinstance(field, forms.CharField):
                _limit_text(field)
            elif isinstance(field, forms.ModelChoiceField):
                _refuse_keys_beyond_the_database(field)

    def full_clean(self):
        # After validation, not in __init__: a subclass may still set up its fields there.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


# The largest key a database column holds (a 64-bit integer); a larger one overflows the query.
LARGEST_KEY = 2**63 - 1


def _refuse_keys_beyond_the_database(field: forms.ModelChoiceField) -> None:
    checked_clean = field.clean

    def clean(value):
        for item in value if isinstance(value, list | tuple) else [value]:
            text = str(item).strip().removeprefix("-")
            if text.isdigit() and int(text) > LARGEST_KEY:
                raise ValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": "…"},
                )
        return checked_clean(value)

    field.clean = clean  # type: ignore[method-assign]


def _limit_text(field: forms.CharField) -> None:
    multi_line = isinstance(field.widget, forms.Textarea)
    if field.max_length is None or not any(
        isinstance(v, MaxLengthValidator) for v in field.validators
    ):
        field.max_length = field.max_length or (TEXT_MAX_LENGTH if multi_line else LINE_MAX_LENGTH)
        field.validators.append(MaxLengthValidator(field.max_length))
        if not isinstance(field.widget, forms.HiddenInput):
            field.widget.attrs.setdefault("maxlength", str(field.max_length))
    if isinstance(field.widget, forms.PasswordInput):
        return  # a password is what it is; it is only compared, never shown or stored
    field.validators.append(
        refuse_control_characters_but_line_breaks if multi_line else refuse_control_characters
    )
