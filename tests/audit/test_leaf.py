"""The canonical entry: the bytes orjson writes (for speed) are exactly those the published rule
and the outside verifier's standard library write, for any value an event can hold."""

import datetime
import hashlib
import json
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from audit import leaf

# What an event's JSON columns can hold: no floating-point numbers (README, "The log as
# evidence"); any text, including control characters, quotes and characters outside the BMP.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


def stdlib_canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@settings(max_examples=500, deadline=None)
@given(JSON_VALUES)
def test_the_canonical_bytes_are_the_standard_librarys(value):
    assert leaf.canonical_json(value) == stdlib_canonical(value)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.binary(min_size=32, max_size=32))
def test_a_commitment_is_the_published_hash_of_salt_name_and_value(text, salt):
    expected = hashlib.sha256(
        b"atmt-commitment-v1\x00" + salt + b"purpose_text\x00" + stdlib_canonical(text)
    ).hexdigest()
    assert leaf.commitment(salt, "purpose_text", leaf.canonical_json(text)) == expected


def test_times_are_utc_with_microseconds_and_ids_their_usual_text():
    helsinki = datetime.timezone(datetime.timedelta(hours=2))
    assert leaf.plain(datetime.datetime(2026, 12, 4, 15, 0, tzinfo=helsinki)) == (
        "2026-12-04T13:00:00.000000Z"
    )
    assert leaf.plain(datetime.datetime(2026, 12, 4, 13, 0, 0, 5, tzinfo=datetime.UTC)) == (
        "2026-12-04T13:00:00.000005Z"
    )
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert leaf.plain(value) == "12345678-1234-5678-1234-567812345678"
    assert leaf.plain(7) == 7
