"""The Finnish personal identity code (henkilötunnus): python-stdnum's check plus ATMT's rules.

stdnum checks the form, the date and the check character; ATMT adds that a birth date cannot be
in the future, names which part is wrong, and accepts temporary codes (individual number
900-999) while flagging them, since the labour authority does record clients under them.

Also the code's keyed hash, the one function that both a client's row and a staff account's
use, so that the policy can recognise a worker's own client record by comparing the two.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.fi import hetu

# The century signs in force since 2023: the old "+", "-" and "A", and the new ones.
CENTURIES = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
_PARTS = re.compile(r"^(?P<date>\d{6})(?P<century>.)(?P<individual>\d{3})(?P<check>.)$")
TEMPORARY_INDIVIDUAL_NUMBERS = range(900, 1000)
# Domain separation: the same key must never give this hash and some other keyed value alike.
# The value names the app the function was first written in; changing it would make every
# stored hash, the staff accounts' included, unrecognisable.
IDENTITY_CODE_HASH_SALT = "atmt.access.identity_code"


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


def identity_code_hash(code: str) -> str:
    """A keyed HMAC-SHA-256 of a normalised identity code, 64 hexadecimal characters.

    Keyed, because the codes are few enough (a birth date and three digits) that a plain hash
    is reversed by trying them all. Deterministic (no per-row salt), so that a staff account's
    hash can be compared with a client's. Its own key, IDENTITY_CODE_HASH_KEY, not SECRET_KEY:
    rotating SECRET_KEY must not make every stored hash unrecognisable.
    """
    return salted_hmac(
        IDENTITY_CODE_HASH_SALT,
        code.strip().upper(),
        secret=settings.IDENTITY_CODE_HASH_KEY,
        algorithm="sha256",
    ).hexdigest()


def identity_code_hashes_recompute(clients, *, batch_size: int = 2000) -> tuple[int, int]:
    """Recompute the stored hash of every client under the key in force now.

    `clients` is the Client model: the real one (manage.py recompute_identity_code_hashes) or a
    migration's historical one, which has neither Client.save() nor its queryset. Reads the rows
    a batch at a time in key order and writes only the stale ones; returns how many rows were
    read and how many written. The caller holds the transaction.
    """
    read = written = 0
    last_pk = 0
    while True:
        batch = list(
            clients.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "identity_code", "identity_code_hash")[:batch_size]
        )
        if not batch:
            return read, written
        stale = []
        for client in batch:
            fresh = identity_code_hash(client.identity_code)
            if client.identity_code_hash != fresh:
                client.identity_code_hash = fresh
                stale.append(client)
        clients.objects.bulk_update(stale, ["identity_code_hash"])
        read, written, last_pk = read + len(batch), written + len(stale), batch[-1].pk
