"""The supervisor's log search: scope, each criterion, keyset pages, and bad input by its code."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.actions import Action
from audit.models import AccessEvent
from review import search
from review.forms import LogSearchForm
from review.remembered import CLIENTS_SESSION_KEY
from tests.review.conftest import days_ago, event_of

pytestmark = pytest.mark.rule("000-8-access-log")


def shown(response) -> list[int]:
    return [event.pk for event in response.context["page"]]


def test_a_supervisor_of_joensuu_sees_no_event_of_a_liperi_worker(supervising, office):
    ours = event_of(office.worker)
    theirs = event_of(office.stranger)

    response = supervising.get("/access-log/")

    assert response.status_code == 200
    assert ours.pk in shown(response)
    assert theirs.pk not in shown(response)


def test_a_liperi_worker_cannot_be_chosen(supervising, office):
    response = supervising.get("/access-log/", {"worker": office.stranger.pk})

    assert response.status_code == 400
    assert response.context["form"].has_error("worker", "invalid_choice")


@pytest.fixture
def varied(office):
    """Events that differ in one criterion each from the first one, by name."""
    worker, colleague, client = office.worker, office.colleague, office.client
    return {
        "plain": event_of(worker, occurred_at=days_ago(1), purpose_code="meeting"),
        "colleague": event_of(colleague, occurred_at=days_ago(1)),
        "old": event_of(worker, occurred_at=days_ago(20)),
        "client": event_of(worker, client=client, occurred_at=days_ago(1)),
        "search": event_of(worker, action=Action.CLIENT_SEARCHED, occurred_at=days_ago(1)),
        "denied": event_of(
            worker,
            decision=AccessEvent.Decision.DENIED,
            reason_codes=["consent_missing", "grant_missing"],
            occurred_at=days_ago(1),
        ),
        "limited": event_of(
            worker,
            decision=AccessEvent.Decision.LIMITED,
            reason_codes=["consent_expired"],
            occurred_at=days_ago(1),
        ),
        "plan": event_of(worker, purpose_code="plan", occurred_at=days_ago(1)),
    }


FILTERS = [
    # (criteria as sent, who they pick out of `varied`); the worker's events are picked by pk.
    ({"worker": "colleague"}, {"colleague"}),
    ({"period_to": 10}, {"old"}),
    ({"period_from": 10}, set()),  # everything but "old": checked by exclusion below
    ({"period_from": 20, "period_to": 20}, {"old"}),
    ({"action": Action.CLIENT_SEARCHED}, {"search"}),
    ({"decision": "denied"}, {"denied"}),
    ({"decision": "limited"}, {"limited"}),
    ({"reason": "grant_missing"}, {"denied"}),
    ({"reason": "consent_expired"}, {"limited"}),
    ({"reason": "consent_missing"}, {"denied"}),
    ({"purpose": "plan"}, {"plan"}),
    ({"decision": "denied", "reason": "consent_expired"}, set()),
    ({"worker": "colleague", "period_to": 10}, set()),
]


@pytest.mark.parametrize(("criteria", "expected"), FILTERS, ids=lambda value: str(value))
def test_each_criterion_narrows_the_search(supervising, office, varied, criteria, expected):
    sent = dict(criteria)
    if "worker" in sent:
        sent["worker"] = getattr(office, sent["worker"]).pk
    for edge in ("period_from", "period_to"):
        if edge in sent:
            sent[edge] = days_ago(sent[edge]).date().isoformat()

    response = supervising.get("/access-log/", sent)

    assert response.status_code == 200
    picked = {name for name, event in varied.items() if event.pk in shown(response)}
    if criteria == {"period_from": 10}:
        assert picked == set(varied) - {"old"}
    else:
        assert picked == expected


def test_the_client_is_found_by_identity_code_sent_by_post_only(supervising, office, varied):
    code = office.client.identity_code

    posted = supervising.post("/access-log/", {"identity_code": code, "decision": ""})

    assert posted.status_code == 302
    assert code not in posted.url
    assert code[:6] not in posted.url
    response = supervising.get(posted.url)
    assert shown(response) == [varied["client"].pk]
    assert code not in response.text


def test_an_identity_code_in_the_address_goes_no_further(supervising, office):
    code = office.client.identity_code

    response = supervising.get("/access-log/", {"identity_code": code, "decision": "denied"})

    # The project's middleware sends the request on without it (atmt/identity_codes.py).
    assert response.status_code == 302
    assert code not in response.url
    assert not AccessEvent.objects.filter(action=Action.LOG_SEARCHED).exists()


def test_the_form_itself_takes_no_identity_code_but_from_a_post(office):
    """Behind the middleware, the form refuses too: an address is never a way in."""
    form = LogSearchForm(
        {"identity_code": office.client.identity_code},
        supervisor=office.supervisor,
        known_clients={},
        posted=False,
    )

    assert form.has_error("identity_code", "identity_code_in_url")


@pytest.mark.parametrize(
    ("sent", "field", "code"),
    [
        ({"identity_code": "131052-308X"}, "identity_code", "checksum"),
        ({"identity_code": "010101-0101"}, "identity_code", "no_such_client"),
        ({"period_from": "2026-02-30"}, "period_from", "invalid"),
        ({"period_from": "1999-12-31"}, "period_from", "date_too_early"),
        ({"decision": "maybe"}, "decision", "invalid_choice"),
        ({"action": "atmt.nothing"}, "action", "invalid_choice"),
        ({"reason": "whim"}, "reason", "invalid_choice"),
        ({"purpose": "curiosity"}, "purpose", "invalid_choice"),
        ({"client": "forgotten-key"}, "client", "client_forgotten"),
    ],
)
def test_bad_input_is_refused_with_its_code(supervising, sent, field, code):
    response = supervising.post("/access-log/", sent)

    assert response.status_code == 400
    assert response.context["form"].has_error(field, code)


def test_a_reversed_period_is_refused(supervising):
    response = supervising.get(
        "/access-log/", {"period_from": days_ago(1).date(), "period_to": days_ago(5).date()}
    )

    assert response.status_code == 400
    assert response.context["form"].has_error("period_to", "period_reversed")


def test_older_and_newer_together_are_refused(supervising):
    response = supervising.get("/access-log/", {"before": 10, "after": 5})

    assert response.status_code == 400
    assert response.context["form"].has_error(NON_FIELD_ERRORS, "both_ways")


def test_the_session_keeps_the_client_under_an_opaque_key(supervising, office):
    supervising.post("/access-log/", {"identity_code": office.client.identity_code})

    known = supervising.session[CLIENTS_SESSION_KEY]
    assert list(known.values()) == [office.client.pk]
    assert office.client.identity_code not in "".join(known)


def test_keyset_pages_stay_the_same_while_events_arrive(supervising, office):
    events = [event_of(office.worker).pk for _ in range(search.PAGE_SIZE * 2 + 5)]
    newest_first = sorted(events, reverse=True)
    first = supervising.get("/access-log/")
    older = first.context["page"].older_than
    second = supervising.get("/access-log/", {"before": older})

    for _ in range(7):
        event_of(office.worker)
    second_again = supervising.get("/access-log/", {"before": older})
    third = supervising.get("/access-log/", {"before": second.context["page"].older_than})
    back = supervising.get("/access-log/", {"after": second.context["page"].newer_than})

    size = search.PAGE_SIZE
    assert shown(first) == newest_first[:size]
    assert shown(second) == shown(second_again) == newest_first[size : 2 * size]
    assert shown(third) == newest_first[2 * size :]
    assert third.context["page"].older_than is None
    assert shown(back) == newest_first[:size]
    # The first page has newer events now: the ones that arrived.
    assert back.context["page"].newer_than == newest_first[0]


def test_no_page_counts_the_table(supervising, office):
    for _ in range(3):
        event_of(office.worker)

    with CaptureQueriesContext(connection) as queries:
        supervising.get("/access-log/")

    assert not [query for query in queries if "COUNT(" in query["sql"].upper()]


def test_a_forgotten_client_is_said_on_the_page(supervising):
    response = supervising.get("/access-log/", {"client": "forgotten-key"})

    assert response.status_code == 400
    assert response.context["form"].has_error("client", "client_forgotten")
    assert 'role="alert"' in response.text
