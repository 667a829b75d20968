"""has_element: a code in the list of failing conditions, the same on SQLite and PostgreSQL."""

import pytest

from audit.models import AccessEvent
from tests.review.conftest import event_of


@pytest.fixture
def coded(setting):
    worker = setting.worker
    return {
        "two": event_of(worker, reason_codes=["consent_missing", "grant_missing"]),
        "one": event_of(worker, reason_codes=["consent_missing_scan"]),
        "none": event_of(worker, reason_codes=[]),
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("consent_missing", {"two"}),
        ("grant_missing", {"two"}),
        ("consent_missing_scan", {"one"}),
        # Only whole elements: not a part of one, nor the list's text.
        ("consent", set()),
        ('"consent_missing"', set()),
        ("[]", set()),
    ],
)
def test_a_list_holds_only_its_whole_elements(coded, code, expected):
    found = set(
        AccessEvent.objects.filter(reason_codes__has_element=code).values_list("pk", flat=True)
    )

    assert found == {coded[name].pk for name in expected}
