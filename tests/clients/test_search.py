"""Find a client: by identity code (POST only) or by name, among the worker's municipalities."""

import pytest

from audit.actions import Action
from audit.models import AccessEvent
from tests.factories import ClientFactory, ReferralFactory, client_group
from tests.log import block_access_event_inserts

SEARCH_URL = "/clients/search/"


@pytest.mark.rule("000-6-views-logged", "003-5-confidential")
def test_search_by_identity_code_finds_and_logs_it_masked(worker_client, setting):
    code = setting.openable.identity_code

    response = worker_client.post(SEARCH_URL, {"identity_code": code.lower()})

    assert response.status_code == 200
    assert setting.openable.last_name in response.text
    event = AccessEvent.objects.get()
    assert event.action == AccessEvent.Action.CLIENT_SEARCHED
    assert event.search_criteria == {"identity_code": f"{code[:6]}-****"}
    assert event.result_count == 1
    assert code not in str(event.search_criteria)


def test_results_say_whether_the_access_conditions_hold(worker_client, setting):
    openable = worker_client.post(SEARCH_URL, {"identity_code": setting.openable.identity_code})
    blocked = worker_client.post(
        SEARCH_URL, {"identity_code": setting.without_consent.identity_code}
    )

    assert "Täyttyvät" in openable.text
    assert "Eivät täyty" in blocked.text


@pytest.mark.rule("004-4a-necessary-only")
def test_client_outside_the_grants_is_not_found(worker_client, setting):
    response = worker_client.post(SEARCH_URL, {"identity_code": setting.elsewhere.identity_code})

    assert setting.elsewhere.last_name not in response.text
    assert AccessEvent.objects.get().result_count == 0


@pytest.mark.rule("000-6-views-logged")
def test_search_by_name_logs_the_name_and_the_count(worker_client, setting):
    response = worker_client.post(SEARCH_URL, {"last_name": "avattava"})

    assert setting.openable.identity_code not in response.text  # pick by name and birth date
    event = AccessEvent.objects.get()
    assert event.search_criteria == {"last_name": "avattava", "first_names": ""}
    assert event.result_count == 1


@pytest.mark.rule("003-5-confidential")
def test_identity_code_never_goes_in_a_url(worker_client, setting):
    response = worker_client.get(SEARCH_URL, {"identity_code": setting.openable.identity_code})

    assert setting.openable.last_name not in response.text
    assert AccessEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("131052-308", "11 merkkiä"),
        ("131052/308T", "vuosisatamerkki"),
        ("310252-308T", "eivät ole todellinen päivämäärä"),
        ("131052-308U", "Tarkistusmerkki ei täsmää"),
        ("131052-001X", "000 tai 001"),
        ("010199A2052", "tulevaisuudessa"),
        ("1310523-08T", "muodossa"),
    ],
)
def test_malformed_identity_code_names_the_problem_and_writes_nothing(
    worker_client, setting, value, message
):
    response = worker_client.post(SEARCH_URL, {"identity_code": value})

    assert response.status_code == 200
    assert message in response.text
    assert value not in response.text.replace(f'value="{value}"', "")
    assert AccessEvent.objects.count() == 0


def test_code_and_name_together_are_refused(worker_client, setting):
    response = worker_client.post(
        SEARCH_URL, {"identity_code": setting.openable.identity_code, "last_name": "X"}
    )

    assert "ei molemmilla" in response.text
    assert AccessEvent.objects.count() == 0


def test_empty_search_asks_for_something(worker_client, setting):
    response = worker_client.post(SEARCH_URL, {})

    assert "tai sukunimi" in response.text
    assert AccessEvent.objects.count() == 0


def test_a_field_with_an_error_is_marked_for_screen_readers(worker_client, setting):
    response = worker_client.post(SEARCH_URL, {"identity_code": "131052-308U"})

    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="id_identity_code_error"' in response.text
    assert 'id="id_identity_code_error"' in response.text


@pytest.fixture
def unreferred(setting):
    """A client in the worker's municipality whose referral is to a group the grant lacks."""
    client = ClientFactory(
        home_municipality=setting.openable.home_municipality, last_name="Avattava"
    )
    ReferralFactory(client=client, group=client_group("long_term_unemployed"))
    return client


@pytest.mark.rule("004-4a-necessary-only")
def test_a_name_search_lists_only_clients_referred_to_the_workers_service(
    worker_client, setting, unreferred
):
    response = worker_client.post(SEARCH_URL, {"last_name": "avattava"})

    listed = [result.client for result in response.context["results"]]
    assert listed == [setting.openable]
    assert unreferred.birth_date.strftime("%-d.%-m.%Y") not in response.text
    event = AccessEvent.objects.get()
    assert event.details == {"clients": [setting.openable.pk]}


@pytest.mark.rule("004-4a-necessary-only")
def test_an_identity_code_search_says_only_that_an_unreferred_client_was_found(
    worker_client, unreferred
):
    response = worker_client.post(SEARCH_URL, {"identity_code": unreferred.identity_code})

    [result] = response.context["results"]
    assert result.not_referred
    assert unreferred.last_name not in response.text
    assert unreferred.first_names not in response.text
    event = AccessEvent.objects.get()
    assert (event.result_count, event.details) == (0, {"clients": [], "not_referred": True})


@pytest.mark.rule("004-4a-necessary-only")
def test_an_identity_code_outside_the_municipalities_answers_like_no_such_client(
    worker_client, setting
):
    outside = worker_client.post(SEARCH_URL, {"identity_code": setting.elsewhere.identity_code})
    nobody = worker_client.post(SEARCH_URL, {"identity_code": "010101-0101"})

    assert outside.context["results"] == nobody.context["results"] == []


@pytest.mark.rule("000-6-views-logged")
def test_listing_the_caseload_logs_which_clients_the_page_showed(worker_client, setting):
    response = worker_client.get("/clients/")

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert event.action == Action.CLIENT_LISTED
    assert event.details == {"clients": [setting.openable.pk]}


def test_a_caseload_that_cannot_be_logged_is_not_shown(worker_client, setting):
    block_access_event_inserts()

    response = worker_client.get("/clients/")

    assert response.status_code == 503
    assert setting.openable.last_name not in response.text
