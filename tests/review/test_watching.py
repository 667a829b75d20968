"""Who watches the watchers: every search, export and event opened is an event; fail closed."""

import csv
import io

import pytest

from audit.actions import LOOKS, Action
from audit.models import AccessEvent
from review.search import EXPORT_COLUMNS, escape_cell
from review.search_views import OUT_OF_SCOPE
from tests.log import block_access_event_inserts
from tests.review.conftest import event_of

pytestmark = pytest.mark.rule("000-8-access-log")


def watched(office, action) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(actor=office.supervisor, action=action))


def test_the_log_codes_are_looks():
    assert {Action.LOG_SEARCHED, Action.LOG_EXPORTED, Action.LOG_EVENT_VIEWED} <= LOOKS


def test_every_page_of_a_search_is_logged_with_its_criteria(supervising, office):
    event_of(office.worker, decision="denied")

    supervising.get("/access-log/", {"decision": "denied", "purpose": "meeting"})
    supervising.get("/access-log/")

    logged = watched(office, Action.LOG_SEARCHED)
    assert [event.search_criteria for event in logged] == [
        {},
        {"decision": "denied", "purpose": "meeting"},
    ]
    assert logged[1].result_count == 0


def test_a_search_by_client_names_the_client_and_keeps_the_code_masked(supervising, office):
    code = office.client.identity_code
    event_of(office.worker, client=office.client)

    posted = supervising.post("/access-log/", {"identity_code": code})
    page = supervising.get(posted.url)

    (logged,) = watched(office, Action.LOG_SEARCHED)
    assert logged.client == office.client  # so the client's own report shows it
    assert logged.search_criteria == {"client": f"{code[:6]}-****"}
    assert logged.result_count == 1
    assert code not in posted.url
    assert code not in page.text
    stored = AccessEvent.objects.filter(actor=office.supervisor).values()
    assert code not in str(list(stored))


def test_the_export_is_logged_masked_and_escaped(supervising, office):
    office.worker.first_name = "=HYPERLINK(1)"
    office.worker.save()
    event_of(office.worker, client=office.client, reason_codes=["consent_missing"])
    posted = supervising.post("/access-log/", {"identity_code": office.client.identity_code})

    response = supervising.get("/access-log/export/?" + posted.url.split("?", 1)[1])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="access-log-')
    assert office.client.last_name not in disposition
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(EXPORT_COLUMNS)
    (row,) = rows[1:]
    assert row[3].startswith("'=HYPERLINK(1)")
    assert row[5] == f"{office.client.identity_code[:6]}-****"
    assert office.client.identity_code not in response.content.decode()
    (logged,) = watched(office, Action.LOG_EXPORTED)
    assert logged.result_count == 1
    assert logged.client == office.client


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+358 40 123", "'+358 40 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Virtanen", "Virtanen"),
        ("131052-****", "131052-****"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_a_cell_that_would_start_a_formula_is_escaped(cell, expected):
    assert escape_cell(cell) == expected


def test_an_event_in_scope_opens_with_its_basis_and_its_session(supervising, office, setting):
    consent = office.client.consents.get()
    grant = office.worker.grants.get()
    event = event_of(
        office.worker,
        client=office.client,
        basis={"consent": consent.pk, "grant": grant.pk, "referral": 999_999},
    )
    sibling = event_of(office.worker)
    other_session = event_of(office.worker, session_hash="another")

    response = supervising.get(f"/access-log/events/{event.pk}/")

    assert response.status_code == 200
    basis = {(row.kind, row.pk, row.found) for row in response.context["basis"]}
    assert basis == {
        ("consent", consent.pk, True),
        ("grant", grant.pk, True),
        ("referral", 999_999, False),
    }
    same = [other.pk for other in response.context["same_session"]]
    assert same == [sibling.pk]
    assert other_session.pk not in same
    (logged,) = watched(office, Action.LOG_EVENT_VIEWED)
    assert logged.details == {"event": event.pk}
    assert logged.decision == AccessEvent.Decision.ALLOWED
    assert logged.client == office.client


def test_an_event_out_of_scope_is_a_404_and_the_attempt_is_logged(supervising, office):
    theirs = event_of(office.stranger, client=office.client)

    response = supervising.get(f"/access-log/events/{theirs.pk}/")

    assert response.status_code == 404
    (logged,) = watched(office, Action.LOG_EVENT_VIEWED)
    assert logged.decision == AccessEvent.Decision.DENIED
    assert logged.reason_codes == [OUT_OF_SCOPE]
    assert logged.client is None


def test_a_case_worker_opens_none_of_the_log_pages(worker_client, office):
    event = event_of(office.worker)

    for path in ("/access-log/", "/access-log/export/", f"/access-log/events/{event.pk}/"):
        assert worker_client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/access-log/", "/access-log/export/", "/access-log/events/{}/"])
def test_nothing_is_shown_when_the_look_cannot_be_logged(supervising, office, path):
    event = event_of(office.worker, client=office.client)
    block_access_event_inserts()

    response = supervising.get(path.format(event.pk))

    assert response.status_code == 503
    assert office.client.last_name not in response.text
    assert not AccessEvent.objects.filter(actor=office.supervisor).exists()
