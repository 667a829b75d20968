"""The Finnish personal identity code (henkilötunnus): python-stdnum's check plus ATMT's rules.

stdnum checks the form, the date and the check character; ATMT adds that a birth date cannot be
in the future, names which part is wrong, and accepts temporary codes (individual number
900-999) while flagging them, since the labour authority does record clients under them.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.fi import hetu

# The century signs in force since 2023: the old "+", "-" and "A", and the new ones.
CENTURIES = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
_PARTS = re.compile(r"^(?P<date>\d{6})(?P<century>.)(?P<individual>\d{3})(?P<check>.)$")
TEMPORARY_INDIVIDUAL_NUMBERS = range(900, 1000)


@dataclass(frozen=True)
class IdentityCode:
    code: str
    birth_date: datetime.date
    is_temporary: bool

    @property
    def masked(self) -> str:
        """For logs: the birth date stays (it narrows nothing down alone), the rest is hidden."""
        return f"{self.code[:6]}-****"


def parse_identity_code(value: str, *, today: datetime.date | None = None) -> IdentityCode:
    """Return the parsed code, or raise ValidationError saying what is wrong with it.

    The message never repeats the code itself: it ends up in forms, and could end up in logs.
    """
    code = hetu.compact(value or "")
    if len(code) != 11:
        raise ValidationError(
            _("An identity code has 11 characters; this one has %(count)d."),
            code="length",
            params={"count": len(code)},
        )
    parts = _PARTS.match(code)
    if parts is None:
        raise ValidationError(
            _("Write the identity code in the form DDMMYYCZZZQ, for example 131052-308T."),
            code="format",
        )
    if parts["century"] not in CENTURIES:
        raise ValidationError(
            _("The seventh character must be a century sign: + - Y X W V U A B C D E F."),
            code="century",
        )
    birth_date = _birth_date(parts["date"], CENTURIES[parts["century"]])
    if birth_date is None:
        raise ValidationError(_("The first six digits are not a real date."), code="date")
    if birth_date > (today or timezone.localdate()):
        raise ValidationError(_("The birth date is in the future."), code="future")
    try:
        hetu.validate(code, allow_temporary=True)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The check character does not match: look for a typing error."), code="checksum"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("The individual number cannot be 000 or 001."), code="individual"
        ) from None
    return IdentityCode(
        code=code,
        birth_date=birth_date,
        is_temporary=int(parts["individual"]) in TEMPORARY_INDIVIDUAL_NUMBERS,
    )


def _birth_date(ddmmyy: str, century: int) -> datetime.date | None:
    try:
        return datetime.date(century + int(ddmmyy[4:6]), int(ddmmyy[2:4]), int(ddmmyy[0:2]))
    except ValueError:
        return None


def validate_identity_code(value: str) -> None:
    """Model and form field validator."""
    parse_identity_code(value)
