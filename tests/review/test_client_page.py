"""The supervisor's page of one client: reached by the search's key or by an event, never by an
identity code; who looked, grouped by worker, with explanations; scope, logging, fail closed."""

import datetime
import re

import pytest

from atmt.identity_codes import holds_identity_code
from audit.actions import Action
from audit.models import AccessEvent
from review.activity import Share
from review.client_views import CLIENT_NOT_REMEMBERED, CLIENT_OUT_OF_SCOPE
from review.search import PAGE_SIZE
from review.search_views import OUT_OF_SCOPE
from review.trail import Explanation
from tests.factories import ClientFactory, MunicipalityFactory
from tests.log import block_access_event_inserts
from tests.review.conftest import event_of, supervisor_of
from tests.review.trails import DAY, at, look, recorded

pytestmark = pytest.mark.rule("000-8-review")


def found_by_search(supervising, client) -> str:
    """Search the log for `client` by identity code, as a supervisor does; the results' address."""
    posted = supervising.post("/access-log/", {"identity_code": client.identity_code})
    assert posted.status_code == 302
    return posted.url


def client_page_from_search(supervising, client) -> str:
    results = supervising.get(found_by_search(supervising, client))
    link = re.search(r'href="(/access-log/clients/[^/"]+/)"', results.text)
    assert link is not None, "the search results do not link to the client's page"
    return link.group(1)


def logged(office) -> list[AccessEvent]:
    return list(
        AccessEvent.objects.filter(
            actor=office.supervisor, action=Action.LOG_CLIENT_VIEWED
        ).order_by("id")
    )


@pytest.fixture
def looked_at(office):
    """The looks at the office's client: the worker's, explained or not, a denied one and a
    change; the colleague's; and a Liperi worker's, outside the supervisor's scope."""
    worker, colleague, client = office.worker, office.colleague, office.client
    return {
        "first": look(worker, client, at(DAY, 9)),
        "entry": recorded(worker, client, at(DAY, 10)),
        "denied": look(worker, client, at(DAY, 11), denied=True, reasons=["grant_missing"]),
        "colleague": event_of(
            colleague, client=client, occurred_at=at(DAY, 12), purpose_code="plan"
        ),
        "again": event_of(worker, client=client, occurred_at=at(DAY, 13), purpose_code="follow_up"),
        "stranger": look(office.stranger, client, at(DAY, 14)),
    }


def test_the_search_leads_to_the_clients_page_by_an_opaque_key(supervising, office, looked_at):
    path = client_page_from_search(supervising, office.client)

    response = supervising.get(path)

    assert response.status_code == 200
    assert office.client.identity_code not in path
    assert not holds_identity_code(path)
    assert response.context["client"] == office.client


def test_the_looks_are_grouped_by_worker(supervising, office, looked_at):
    response = supervising.get(f"/access-log/events/{looked_at['first'].pk}/client/")

    assert "no-store" in response.headers["Cache-Control"]
    by_worker = {seen.worker: seen for seen in response.context["by_worker"]}
    assert set(by_worker) == {office.worker, office.colleague}  # the Liperi worker is not in scope
    mine = by_worker[office.worker]
    assert mine.looks == 3  # the entry is a change, not a look
    assert (mine.first, mine.last) == (at(DAY, 9), at(DAY, 13))
    assert mine.purposes == ["meeting", "follow_up"]
    assert mine.denied == 1
    assert mine.explained == Share(part=2, whole=2)  # the entry explains both allowed looks
    theirs = by_worker[office.colleague]
    assert (theirs.looks, theirs.denied, theirs.explained) == (1, 0, Share(part=0, whole=1))
    # The most recent looker first.
    assert [seen.worker for seen in response.context["by_worker"]] == [
        office.worker,
        office.colleague,
    ]


def test_every_event_naming_the_client_in_scope_is_listed_with_its_explanations(
    supervising, office, looked_at
):
    response = supervising.get(f"/access-log/events/{looked_at['first'].pk}/client/")

    rows = {row.event.pk: row for row in response.context["rows"]}
    in_scope = [event.pk for name, event in looked_at.items() if name != "stranger"]
    assert list(rows) == sorted(in_scope, reverse=True)
    assert rows[looked_at["first"].pk].explanations == (Explanation.ENTRY,)
    assert rows[looked_at["colleague"].pk].unexplained
    assert rows[looked_at["denied"].pk].explanations is None
    assert rows[looked_at["entry"].pk].explanations is None
    assert response.text.count('data-mark="unexplained"') == 1


def test_the_look_is_logged_naming_the_client_with_the_code_masked(supervising, office, looked_at):
    code = office.client.identity_code
    supervising.get(f"/access-log/events/{looked_at['first'].pk}/client/")
    supervising.get(client_page_from_search(supervising, office.client))

    by_event, by_key = logged(office)
    for look_at_page in (by_event, by_key):
        assert look_at_page.decision == AccessEvent.Decision.ALLOWED
        assert look_at_page.client == office.client  # so the client's own report shows it
        assert look_at_page.search_criteria == {"client": f"{code[:6]}-****"}
        assert look_at_page.result_count == 5
    assert by_event.details == {"event": looked_at["first"].pk}
    assert by_key.details == {}
    stored = AccessEvent.objects.filter(actor=office.supervisor).values()
    assert code not in str(list(stored))


def test_an_event_out_of_scope_is_a_404_and_it_is_logged(supervising, office, looked_at):
    response = supervising.get(f"/access-log/events/{looked_at['stranger'].pk}/client/")

    assert response.status_code == 404
    assert office.client.last_name not in response.text
    (refused,) = logged(office)
    assert refused.decision == AccessEvent.Decision.DENIED
    assert refused.reason_codes == [OUT_OF_SCOPE]
    assert refused.client is None
    assert refused.details == {"event": looked_at["stranger"].pk}


def test_an_event_naming_no_client_is_a_404(supervising, office):
    search = event_of(office.worker, action=Action.CLIENT_SEARCHED)

    response = supervising.get(f"/access-log/events/{search.pk}/client/")

    assert response.status_code == 404
    assert logged(office)[0].reason_codes == [CLIENT_OUT_OF_SCOPE]


def test_a_client_no_one_in_scope_looked_at_is_a_404_and_it_is_logged(supervising, office):
    theirs = ClientFactory(last_name="Liperiläinen")
    look(office.stranger, theirs, at(DAY, 10))
    supervising.get(found_by_search(supervising, theirs))
    (key,) = supervising.session["atmt.review.clients"]

    response = supervising.get(f"/access-log/clients/{key}/")

    assert response.status_code == 404
    assert theirs.last_name not in response.text
    (refused,) = logged(office)
    assert refused.decision == AccessEvent.Decision.DENIED
    assert refused.reason_codes == [CLIENT_OUT_OF_SCOPE]


def test_the_search_offers_no_client_page_when_it_finds_no_event(supervising, office):
    theirs = ClientFactory()
    look(office.stranger, theirs, at(DAY, 10))

    results = supervising.get(found_by_search(supervising, theirs))

    assert "/access-log/clients/" not in results.text


def test_a_key_the_session_does_not_know_is_a_404_and_it_is_logged(supervising, office):
    response = supervising.get("/access-log/clients/not-a-key-of-ours/")

    assert response.status_code == 404
    (refused,) = logged(office)
    assert refused.reason_codes == [CLIENT_NOT_REMEMBERED]
    assert refused.client is None


def test_a_key_opens_nothing_in_another_session(supervising, office, looked_at):
    path = client_page_from_search(supervising, office.client)
    supervising.logout()
    supervising.force_login(supervisor_of(MunicipalityFactory(code="167")))

    assert supervising.get(path).status_code == 404


def test_the_events_are_keyset_paged(supervising, office):
    events = [
        look(office.worker, office.client, at(DAY, 8) + datetime.timedelta(minutes=n))
        for n in range(PAGE_SIZE + 3)
    ]
    path = f"/access-log/events/{events[0].pk}/client/"

    first = supervising.get(path)
    older = supervising.get(path, {"before": first.context["page"].older_than})

    assert len(first.context["rows"]) == PAGE_SIZE
    assert [row.event.pk for row in older.context["rows"]] == [e.pk for e in events[:3][::-1]]
    assert supervising.get(path, {"before": 1, "after": 1}).status_code == 400


def test_a_case_worker_cannot_open_the_page(worker_client, office, looked_at):
    path = f"/access-log/events/{looked_at['first'].pk}/client/"

    assert worker_client.get(path).status_code == 403


def test_nothing_is_shown_when_the_look_cannot_be_logged(supervising, office, looked_at):
    block_access_event_inserts()

    response = supervising.get(f"/access-log/events/{looked_at['first'].pk}/client/")

    assert response.status_code == 503
    assert office.client.last_name not in response.text
    assert not AccessEvent.objects.filter(actor=office.supervisor).exists()


@pytest.mark.parametrize("count", [1, 60])
def test_the_page_costs_the_same_few_queries_whatever_the_number_of_looks(
    supervising, office, count, django_assert_max_num_queries
):
    workers = [office.worker, office.colleague]
    events = [
        look(workers[n % 2], office.client, at(DAY, 8) + datetime.timedelta(minutes=n))
        for n in range(count)
    ]
    recorded(office.worker, office.client, at(DAY, 18))

    with django_assert_max_num_queries(22):
        response = supervising.get(f"/access-log/events/{events[0].pk}/client/")

    assert response.status_code == 200
    assert sum(seen.looks for seen in response.context["by_worker"]) == count


def test_no_link_on_the_page_carries_an_identity_code(supervising, office, looked_at):
    response = supervising.get(client_page_from_search(supervising, office.client))

    links = re.findall(r'href="([^"]*)"', response.text)
    assert any("/workers/" in link for link in links)
    for link in links:
        assert not holds_identity_code(link), link
    assert office.client.identity_code not in response.text


def test_the_event_page_links_to_the_clients_page(supervising, office, looked_at):
    event = looked_at["first"]

    response = supervising.get(f"/access-log/events/{event.pk}/")

    assert f"/access-log/events/{event.pk}/client/" in response.text
