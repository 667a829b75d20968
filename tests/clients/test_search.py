"""Find a client: by identity code (POST only) or by name, among the worker's municipalities."""

import pytest

from audit.models import AccessEvent

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
