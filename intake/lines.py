"""Reading a register file: each JSON Lines line checked on its own, into a line or a rejection.

Nothing here touches the database: the reference data (municipalities, client groups) is
passed in, and what depends on stored clients is decided later (intake.register_import).
Messages never repeat a value from the line: any of them could be an identity code.
"""

import datetime
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from clients.identity_code import IdentityCode, parse_identity_code
from clients.models import (
    Client,
    ClientGroup,
    Municipality,
    Referral,
    ServiceLanguage,
    ServiceNeed,
)
from clients.services import CONTACT_FIELDS

UTF8_BOM = b"\xef\xbb\xbf"
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class Reason(StrEnum):
    """Why a line was rejected: stable codes, for the report and for whoever reads it by script."""

    INVALID_ENCODING = "invalid_encoding"
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    UNKNOWN_KIND = "unknown_kind"
    MISSING_FIELD = "missing_field"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_VALUE = "invalid_value"
    INVALID_IDENTITY_CODE = "invalid_identity_code"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    UNKNOWN_GROUP = "unknown_group"
    OUT_OF_SCOPE = "out_of_scope"
    END_BEFORE_START = "end_before_start"
    DUPLICATE_LINE = "duplicate_line"
    CLIENT_NOT_REGISTERED = "client_not_registered"
    DIFFERS_FROM_RECORD = "differs_from_record"
    # The intake services' own refusals (clients.services.Refusal), under the same codes.
    ALREADY_REGISTERED = "already_registered"
    NOT_IN_CLASSIFICATION = "not_in_classification"
    RELATIONSHIP_ENDED = "relationship_ended"
    BEFORE_RELATIONSHIP = "before_relationship"
    ALREADY_REFERRED = "already_referred"
    REFERRAL_ENDED = "referral_ended"
    WRITE_FAILED = "write_failed"


@dataclass(frozen=True)
class Rejection:
    number: int
    reason: Reason
    message: str
    # The identity code masked (birth date only), when the line had a valid one.
    client: str = ""


class Rejected(Exception):
    def __init__(self, reason: Reason, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class ClientLine:
    number: int
    identity: IdentityCode
    first_names: str
    last_name: str
    home_municipality: Municipality
    mother_tongue: str
    service_language: str
    started_on: datetime.date
    source: str
    # Only the contact fields the line gives: one it leaves out is left as it is.
    contact: Mapping[str, str]

    @property
    def key(self) -> tuple:
        return ("client", self.identity.code)


@dataclass(frozen=True)
class ReferralLine:
    number: int
    identity: IdentityCode
    group: ClientGroup
    referring_authority: str
    referred_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str
    source: str

    @property
    def key(self) -> tuple:
        return ("referral", self.identity.code, self.group.code, self.referred_on.isoformat())


@dataclass(frozen=True)
class ServiceNeedLine:
    number: int
    identity: IdentityCode
    assessment: str
    assessed_on: datetime.date
    assessed_by: str
    source: str

    @property
    def key(self) -> tuple:
        return (
            "service_need",
            self.identity.code,
            self.assessed_on.isoformat(),
            self.assessed_by,
            self.assessment,
        )


Line = ClientLine | ReferralLine | ServiceNeedLine

CLIENT_REQUIRED = (
    "identity_code",
    "first_names",
    "last_name",
    "home_municipality",
    "mother_tongue",
    "service_language",
    "relationship_started_on",
    "source",
)
REFERRAL_REQUIRED = ("identity_code", "group", "referring_authority", "referred_on", "source")
REFERRAL_OPTIONAL = ("ended_on", "end_reason")
NEED_REQUIRED = ("identity_code", "assessment", "assessed_on", "assessed_by", "source")


@dataclass(frozen=True)
class Reference:
    """The reference data a line is checked against, read once per run."""

    municipalities: Mapping[str, Municipality]
    groups: Mapping[str, ClientGroup]
    # Read once: the clock is the slowest part of checking an identity code, line by line.
    today: datetime.date


def numbered_lines(stream: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """The file's lines as bytes with their numbers, one at a time: never the whole file."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM) :]
        yield number, raw.rstrip(b"\r\n")


def is_blank(raw: bytes) -> bool:
    return not raw.strip()


def parse_line(number: int, raw: bytes, reference: Reference) -> Line | Rejection:
    """The line checked on its own, or why it is rejected."""
    identity: IdentityCode | None = None
    try:
        fields = _json_object(raw)
        identity = _identity(fields, reference.today)
        return _PARSERS[_kind(fields)](number, fields, identity, reference)
    except Rejected as rejection:
        return Rejection(
            number, rejection.reason, rejection.message, identity.masked if identity else ""
        )


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Rejected(
            Reason.INVALID_ENCODING, f"The line is not UTF-8 (byte {error.start + 1})."
        ) from None
    try:
        fields = json.loads(text)
    except json.JSONDecodeError as error:
        # Its message names the position only, never the text.
        raise Rejected(Reason.INVALID_JSON, f"The line is not JSON: {error.msg}.") from None
    if not isinstance(fields, dict):
        raise Rejected(Reason.NOT_AN_OBJECT, "The line is not a JSON object.")
    return fields


def _kind(fields: Mapping[str, Any]) -> str:
    kind = fields.get("kind")
    if kind not in _PARSERS:
        raise Rejected(
            Reason.UNKNOWN_KIND,
            'The line\'s "kind" must be "client", "referral" or "service_need".',
        )
    return kind


def _identity(fields: Mapping[str, Any], today: datetime.date) -> IdentityCode:
    value = _text(fields, "identity_code")
    try:
        return parse_identity_code(value, today=today)
    except ValidationError as error:
        raise Rejected(
            Reason.INVALID_IDENTITY_CODE, f"The identity code is not valid: {error.messages[0]}"
        ) from None


def _parse_client(
    number: int, fields: dict, identity: IdentityCode, reference: Reference
) -> ClientLine:
    _only_known(fields, (*CLIENT_REQUIRED, *CONTACT_FIELDS))
    service_language = _text(fields, "service_language")
    if service_language not in ServiceLanguage.values:
        raise _invalid("service_language", "one of " + ", ".join(ServiceLanguage.values))
    mother_tongue = _text(fields, "mother_tongue")
    if not LANGUAGE_CODE.match(mother_tongue):
        raise _invalid("mother_tongue", "an ISO 639 code in lower case, such as fi")
    contact = {name: _text(fields, name, Client, required=False) for name in CONTACT_FIELDS}
    contact = {name: value for name, value in contact.items() if name in fields}
    if contact.get("email"):
        try:
            validate_email(contact["email"])
        except ValidationError:
            raise _invalid("email", "an e-mail address") from None
    return ClientLine(
        number=number,
        identity=identity,
        first_names=_text(fields, "first_names", Client),
        last_name=_text(fields, "last_name", Client),
        home_municipality=_municipality(fields, reference),
        mother_tongue=mother_tongue,
        service_language=service_language,
        started_on=_date(fields, "relationship_started_on"),
        source=_text(fields, "source", Client),
        contact=contact,
    )


def _parse_referral(
    number: int, fields: dict, identity: IdentityCode, reference: Reference
) -> ReferralLine:
    _only_known(fields, (*REFERRAL_REQUIRED, *REFERRAL_OPTIONAL))
    group = reference.groups.get(_text(fields, "group"))
    if group is None:
        raise Rejected(Reason.UNKNOWN_GROUP, "No client group has this code.")
    referred_on = _date(fields, "referred_on")
    ended_on = _date(fields, "ended_on") if fields.get("ended_on") is not None else None
    end_reason = ""
    if ended_on is not None:
        end_reason = _text(fields, "end_reason")
        if end_reason not in Referral.EndReason.values:
            raise _invalid("end_reason", "one of " + ", ".join(Referral.EndReason.values))
        if ended_on <= referred_on:
            raise Rejected(
                Reason.END_BEFORE_START, "The referral ends on or before the day it starts."
            )
    elif fields.get("end_reason"):
        raise Rejected(Reason.MISSING_FIELD, 'An "end_reason" needs the "ended_on" it explains.')
    return ReferralLine(
        number=number,
        identity=identity,
        group=group,
        referring_authority=_text(fields, "referring_authority", Referral),
        referred_on=referred_on,
        ended_on=ended_on,
        end_reason=end_reason,
        source=_text(fields, "source", Referral),
    )


def _parse_service_need(
    number: int, fields: dict, identity: IdentityCode, reference: Reference
) -> ServiceNeedLine:
    _only_known(fields, NEED_REQUIRED)
    return ServiceNeedLine(
        number=number,
        identity=identity,
        assessment=_text(fields, "assessment"),
        assessed_on=_date(fields, "assessed_on"),
        assessed_by=_text(fields, "assessed_by", ServiceNeed),
        source=_text(fields, "source", ServiceNeed),
    )


_PARSERS: dict[str, Callable[[int, dict, IdentityCode, Reference], Line]] = {
    "client": _parse_client,
    "referral": _parse_referral,
    "service_need": _parse_service_need,
}


def _only_known(fields: Mapping[str, Any], known: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - {"kind", *known})
    if unknown:
        raise Rejected(Reason.UNKNOWN_FIELD, f"Unknown field: {', '.join(unknown)}.")


def _text(fields: Mapping[str, Any], name: str, model=None, *, required: bool = True) -> str:
    """The field's text, stripped; checked against the model field's length when given."""
    value = fields.get(name)
    if value is None or (required and isinstance(value, str) and not value.strip()):
        if not required:
            return ""
        raise Rejected(Reason.MISSING_FIELD, f'The field "{name}" is missing or empty.')
    if not isinstance(value, str):
        raise _invalid(name, "text")
    value = value.strip()
    max_length = model._meta.get_field(name).max_length if model is not None else None
    if max_length is not None and len(value) > max_length:
        raise _invalid(name, f"at most {max_length} characters")
    return value


def _date(fields: Mapping[str, Any], name: str) -> datetime.date:
    value = _text(fields, name)
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _invalid(name, "a date as YYYY-MM-DD") from None


def _municipality(fields: Mapping[str, Any], reference: Reference) -> Municipality:
    municipality = reference.municipalities.get(_text(fields, "home_municipality"))
    if municipality is None:
        raise Rejected(Reason.UNKNOWN_MUNICIPALITY, "No municipality has this code.")
    return municipality


def _invalid(name: str, expected: str) -> Rejected:
    return Rejected(Reason.INVALID_VALUE, f'The field "{name}" must be {expected}.')
