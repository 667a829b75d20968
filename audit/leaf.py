"""What a leaf of the log's Merkle tree says about its event: the canonical entry, version 1.

An entry is the event's fields as one JSON object: keys sorted by code point, no whitespace,
UTF-8 (not escaped), no floating-point numbers; times as UTC ISO 8601 with microseconds and "Z";
ids and UUIDs as their usual text. The leaf is the RFC 6962 leaf hash of those bytes. They are
exactly what Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
writes (tests/audit/test_leaf.py holds orjson, used here for speed, to that).

The fields that the retention purge (004 §4) must later remove from the rows — which client,
the client reference asked for, the changed object's id, the details, the purpose note and the
search criteria — enter the entry only as salted commitments: SHA-256 of a domain tag, the
event's 32-byte salt, the field's name and its canonical value. The purge deletes the values
and the salt; the commitments stay in the entry, so the leaf (and every proof through it) still
verifies, while nobody can test a guess of the purged value against it.

Pure functions over plain values (the standard library, and orjson for speed): the outside
auditor's verifier (tools/verify_log_export.py) carries the same rules, written again.
"""

import datetime
import hashlib
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import orjson

VERSION = 1
COMMITMENT_TAG = b"atmt-commitment-v1\x00"
SALT_BYTES = 32

# Stored by name as the event rows hold them (`attname`): shown in the entry as they are.
PLAIN_FIELDS = (
    "event_id",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_name",
    "actor_roles",
    "actor_organisation",
    "action",
    "target_type",
    "sections",
    "purpose_code",
    "decision",
    "reason_codes",
    "basis",
    "decision_id",
    "policy_version",
    "result_count",
    "request_id",
    "session_hash",
    "ip_address",
)
# In the entry only as commitments; each with the value a purge leaves in the row.
PERSONAL_FIELDS: Mapping[str, Any] = {
    "client_id": None,
    "requested_client_ref": "",
    "target_id": "",
    "details": {},
    "purpose_text": "",
    "search_criteria": {},
}
FIELDS = PLAIN_FIELDS + tuple(PERSONAL_FIELDS)


def canonical_json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def plain(value: Any) -> Any:
    """A row's value as the entry writes it."""
    convert = _CONVERSIONS.get(type(value))
    return value if convert is None else convert(value)


def _utc_time(value: datetime.datetime) -> str:
    """2026-12-04T13:45:00.123456Z: always UTC, always microseconds."""
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")[:-6] + "Z"


_CONVERSIONS: dict[type, Callable[[Any], str]] = {datetime.datetime: _utc_time, uuid.UUID: str}


def commitment(salt: bytes, name: str, value_json: bytes) -> str:
    """The commitment to one field's canonical JSON."""
    return hashlib.sha256(COMMITMENT_TAG + salt + name.encode() + b"\x00" + value_json).hexdigest()


def commitments(row: Mapping[str, Any], salt: bytes) -> dict[str, str]:
    return {name: commitment(salt, name, value) for name, value in personal_json(row).items()}


def personal_json(row: Mapping[str, Any]) -> dict[str, bytes]:
    """Each personal field's value as the canonical JSON its commitment is made of."""
    return {name: canonical_json(plain(row[name])) for name in PERSONAL_FIELDS}


def is_redacted(row: Mapping[str, Any]) -> bool:
    return all(row[name] == blank for name, blank in PERSONAL_FIELDS.items())


def entry(row: Mapping[str, Any], event_commitments: Mapping[str, str]) -> dict[str, Any]:
    return {
        "v": VERSION,
        **{name: plain(row[name]) for name in PLAIN_FIELDS},
        "commitments": dict(event_commitments),
    }


def entry_bytes(row: Mapping[str, Any], event_commitments: Mapping[str, str]) -> bytes:
    return canonical_json(entry(row, event_commitments))
