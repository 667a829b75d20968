"""Which looks the worker's own work trail explains (review/trail.py)."""

import datetime

import pytest
from django.utils import timezone

from audit.actions import Action
from review.justification import justification_answer, justification_close, justification_request
from review.models import JustificationRequest
from review.trail import Explanation, explain, looks_of
from tests.factories import ClientFactory, UserFactory
from tests.review.trails import DAY, at, look, recorded, searched

pytestmark = pytest.mark.rule("000-8-review")

DAYS = datetime.timedelta(days=1)


def explanations(event):
    return explain(looks_of([event]))[event.pk]


@pytest.fixture
def worker(setting):
    return setting.worker


@pytest.fixture
def client_(setting):
    return setting.openable


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (Action.ENTRY_RECORDED, Explanation.ENTRY),
        (Action.ENTRY_CORRECTED, Explanation.ENTRY),
        (Action.CONSENT_RECORDED, Explanation.CONSENT),
        (Action.CONSENT_WITHDRAWN, Explanation.CONSENT),
        (Action.CONSENT_SCAN_ATTACHED, Explanation.CONSENT),
        (Action.HEALTH_ITEM_RECORDED, Explanation.HEALTH_ITEM),
    ],
)
def test_what_the_worker_recorded_for_the_client_explains_the_look(
    worker, client_, action, expected
):
    seen = look(worker, client_, at(DAY, 10))
    recorded(worker, client_, at(DAY, 11), action=action)

    assert explanations(seen) == (expected,)


@pytest.mark.parametrize(
    ("offset", "explained"),
    [
        (-13 * DAYS, True),  # a follow-up between meetings
        (-15 * DAYS, False),
        (DAYS, True),  # the entry made the day after the meeting
        (2 * DAYS + datetime.timedelta(hours=1), False),
    ],
)
def test_a_recorded_item_explains_the_looks_around_it_only(worker, client_, offset, explained):
    seen = look(worker, client_, at(DAY, 10))
    recorded(worker, client_, at(DAY, 10) + offset)

    assert bool(explanations(seen)) is explained


def test_a_colleagues_trail_or_another_clients_explains_nothing(worker, client_, setting):
    colleague = UserFactory()
    seen = look(worker, client_, at(DAY, 10))
    recorded(colleague, client_, at(DAY, 11))
    recorded(worker, setting.without_consent, at(DAY, 11))

    assert explanations(seen) == ()


def test_an_earlier_search_by_identity_code_that_day_explains(worker, client_):
    searched(worker, [client_], at(DAY, 9, 55))
    seen = look(worker, client_, at(DAY, 10))

    assert explanations(seen) == (Explanation.SEARCH,)


@pytest.mark.parametrize(
    "search",
    [
        {"when": (DAY, 10, 5)},  # after the look
        {"when": (DAY - DAYS, 15, 0)},  # the day before
        {"when": (DAY, 9, 0), "by_identity_code": False},  # by name: fishing looks the same
        {"when": (DAY, 9, 0), "intake": True},  # the labour authority's lookup
    ],
    ids=["after", "day-before", "by-name", "intake"],
)
def test_other_searches_do_not_explain(worker, client_, search):
    when = at(*search.pop("when"))
    searched(worker, [client_], when, **search)
    seen = look(worker, client_, at(DAY, 10))

    assert explanations(seen) == ()


def test_a_justification_accepted_explains_its_looks_and_that_days_others(
    worker, client_, supervisor_of_joensuu
):
    asked = look(worker, client_, at(DAY, 10))
    same_day = look(worker, client_, at(DAY, 15))
    next_day = look(worker, client_, at(DAY + DAYS, 10))
    request = _justified(
        supervisor_of_joensuu, worker, [asked], JustificationRequest.Finding.JUSTIFIED
    )

    found = explain(looks_of([asked, same_day, next_day]))

    assert found[asked.pk] == found[same_day.pk] == (Explanation.JUSTIFIED,)
    assert found[next_day.pk] == ()
    assert request.finding == "justified"


@pytest.mark.parametrize(
    "finding",
    [JustificationRequest.Finding.NOT_JUSTIFIED, JustificationRequest.Finding.NEEDS_FOLLOW_UP],
)
def test_a_justification_not_accepted_explains_nothing(
    worker, client_, supervisor_of_joensuu, finding
):
    asked = look(worker, client_, at(DAY, 10))
    _justified(supervisor_of_joensuu, worker, [asked], finding)

    assert explanations(asked) == ()


def test_every_explanation_is_named_and_many_looks_cost_few_queries(
    worker, django_assert_max_num_queries
):
    clients = [ClientFactory() for _ in range(30)]
    looks = []
    for index, client in enumerate(clients):
        looks.append(look(worker, client, at(DAY, 8) + index * datetime.timedelta(minutes=5)))
        recorded(worker, client, at(DAY, 16))
        searched(worker, [client], at(DAY, 7))

    with django_assert_max_num_queries(3):
        found = explain(looks_of(looks))

    assert set(found.values()) == {(Explanation.ENTRY, Explanation.SEARCH)}


@pytest.fixture
def supervisor_of_joensuu(setting):
    from tests.review.conftest import supervisor_of

    return supervisor_of(setting.openable.home_municipality)


def _justified(supervisor, worker, events, finding):
    request = justification_request(
        supervisor=supervisor,
        worker=worker,
        events=events,
        question="Miksi?",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    justification_answer(worker=worker, request=request, answer="Tapaaminen.")
    return justification_close(supervisor=supervisor, request=request, finding=finding, note="Ok.")
