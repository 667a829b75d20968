"""The overview's grant lists: filtered by name, municipality and group, paged, in few queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import AccessGrantFactory, MunicipalityFactory, UserFactory, client_group

OVERVIEW = "/access-rights/"


def current_grant(**fields):
    start = timezone.now() - datetime.timedelta(days=1)
    return AccessGrantFactory(
        valid_from=start, valid_until=start + datetime.timedelta(days=200), **fields
    )


@pytest.fixture
def grants(db):
    return {
        "ville": current_grant(
            grantee=UserFactory(first_name="Ville", last_name="Vaitinen", username="vvait"),
            municipality=MunicipalityFactory(code="167"),
        ),
        "liisa": current_grant(
            grantee=UserFactory(first_name="Liisa", last_name="Liperiläinen", username="lliper"),
            municipality=MunicipalityFactory(code="426"),
            client_groups=[client_group("integration")],
        ),
    }


@pytest.fixture
def admin_client(client, access_admin):
    client.force_login(access_admin)
    return client


@pytest.mark.rule("004-4a-rights-up-to-date")
@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"text": "vaitinen"}, "Vaitinen", "Liperiläinen"),
        ({"text": "Ville Vaitinen"}, "Vaitinen", "Liperiläinen"),
        ({"text": "lliper"}, "Liperiläinen", "Vaitinen"),
        ({"municipality": "426"}, "Liperiläinen", "Vaitinen"),
        ({"client_group": "integration"}, "Liperiläinen", "Vaitinen"),
    ],
    ids=["last-name", "full-name", "user-name", "municipality", "client-group"],
)
def test_the_lists_are_filtered(admin_client, grants, query, shown, hidden):
    if "municipality" in query:
        query = {"municipality": MunicipalityFactory(code=query["municipality"]).pk}
    if "client_group" in query:
        query = {"client_group": client_group(query["client_group"]).pk}

    response = admin_client.get(OVERVIEW, query)

    assert response.status_code == 200
    assert shown in response.text
    assert hidden not in response.text


@pytest.mark.parametrize(
    "query", [{"municipality": "abc"}, {"client_group": "999999"}, {"text": "x" * 101}]
)
def test_an_invalid_filter_is_a_form_error_not_a_failure(admin_client, grants, query):
    response = admin_client.get(OVERVIEW, query)

    assert response.status_code == 200
    assert "hds-text-input__error-text" in response.text
    assert "Vaitinen" in response.text  # nothing is filtered by a value that is not valid


def test_grantee_names_link_to_their_history(admin_client, grants):
    response = admin_client.get(OVERVIEW)

    assert f'href="/access-rights/users/{grants["ville"].grantee_id}/"' in response.text


def test_the_lists_are_paged_and_paging_keeps_the_filters(admin_client):
    joensuu = MunicipalityFactory(code="167")
    for number in range(30):
        current_grant(
            grantee=UserFactory(first_name="Sivu", last_name=f"Henkilö{number:02d}"),
            municipality=joensuu,
        )

    first = admin_client.get(OVERVIEW, {"text": "Sivu", "municipality": joensuu.pk})
    second = admin_client.get(
        OVERVIEW, {"text": "Sivu", "municipality": joensuu.pk, "current_page": 2}
    )

    # Counted by the numbered names: the navigation's "Henkilöstön käyttäjätunnukset" is no row.
    assert len(re.findall(r"Henkilö\d\d", first.text)) == 25
    assert len(re.findall(r"Henkilö\d\d", second.text)) == 5
    assert f"?text=Sivu&amp;municipality={joensuu.pk}&amp;current_page=2" in first.text
    assert "Sivu 1 / 2" in first.text
    assert "Henkilö29" in second.text


def test_a_page_number_out_of_range_shows_the_last_page(admin_client, grants):
    response = admin_client.get(OVERVIEW, {"current_page": "99"})

    assert response.status_code == 200
    assert "Vaitinen" in response.text


def _make_grants(count: int, at: datetime.datetime):
    """Grants in every list: current, ending soon, ended and revoked, with several groups."""
    for number in range(count):
        start = at - datetime.timedelta(days=100)
        ends = [
            at + datetime.timedelta(days=200),
            at + datetime.timedelta(days=10),
            at - datetime.timedelta(days=1),
        ][number % 3]
        AccessGrantFactory(
            valid_from=start,
            valid_until=ends,
            client_groups=[client_group("ohjaamo_youth"), client_group("walk_in")],
        )


def test_the_number_of_queries_does_not_grow_with_the_number_of_grants(
    admin_client, django_assert_max_num_queries
):
    now = timezone.now()
    _make_grants(3, now)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(OVERVIEW, {"client_group": client_group("walk_in").pk})
    _make_grants(60, now)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(OVERVIEW, {"client_group": client_group("walk_in").pk})

    assert response.status_code == 200
