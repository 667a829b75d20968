"""My caseload: exactly the clients the worker may open, built from the policy's set form."""

import datetime

from django.utils import timezone

from access.models import AccessGrant
from access.roles import Role
from clients.models import Referral
from consent.models import Consent
from tests.factories import UserFactory, client_group, complete_client


def test_caseload_lists_only_the_clients_the_worker_may_open(worker_client, setting):
    response = worker_client.get("/clients/")

    assert setting.openable.last_name in response.text
    assert setting.without_consent.last_name not in response.text
    assert setting.elsewhere.last_name not in response.text


def test_caseload_is_paginated(worker_client, setting):
    for _ in range(30):
        complete_client(home_municipality=setting.openable.home_municipality)

    first = worker_client.get("/clients/")
    second = worker_client.get("/clients/", {"page": 2})

    assert first.context["page"].paginator.count == 31
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 6


def test_caseload_costs_the_same_queries_for_one_or_many_clients(
    worker_client, setting, django_assert_max_num_queries
):
    for _ in range(20):
        complete_client(home_municipality=setting.openable.home_municipality)

    # The page, the filter form's client groups and each client's referrals in force, and the
    # event that records which clients it showed (its savepoint, the actor's roles and the
    # insert): the same whatever the number of clients.
    with django_assert_max_num_queries(13):
        worker_client.get("/clients/")


def test_caseload_and_search_are_for_case_workers(client, db):
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))

    assert client.get("/clients/").status_code == 403
    assert client.get("/clients/search/").status_code == 403


def caseload_names(response) -> list[str]:
    return [client.last_name for client in response.context["page"].object_list]


def test_caseload_shows_each_clients_groups_in_force(worker_client, setting):
    response = worker_client.get("/clients/")

    (listed,) = response.context["page"].object_list
    assert [referral.group.code for referral in listed.active_referrals] == ["ohjaamo_youth"]
    assert listed.active_referrals[0].group.name in response.text


def test_caseload_filters_by_name_and_client_group_and_keeps_them_on_every_page(
    worker_client, setting
):
    joensuu = setting.openable.home_municipality
    integration = client_group("integration")
    AccessGrant.objects.get(grantee=setting.worker).client_groups.add(integration)
    for index in range(30):
        other = complete_client(home_municipality=joensuu, last_name=f"Kotoutuja{index:02}")
        Referral.objects.filter(client=other).update(group=integration)

    by_name = worker_client.get("/clients/", {"name": "avattava"})
    by_group = worker_client.get("/clients/", {"client_group": integration.pk})
    second = worker_client.get("/clients/", {"client_group": integration.pk, "page": 2})

    assert caseload_names(by_name) == [setting.openable.last_name]
    assert by_group.context["page"].paginator.count == 30
    assert setting.openable.last_name not in caseload_names(by_group)
    assert f'href="?client_group={integration.pk}&amp;page=2"' in by_group.text
    assert caseload_names(second) == [f"Kotoutuja{index}" for index in range(25, 30)]


def test_caseload_sorts_by_name_or_by_the_consent_that_ends_first(worker_client, setting):
    joensuu = setting.openable.home_municipality
    soon = complete_client(home_municipality=joensuu, last_name="Pian")
    later = complete_client(home_municipality=joensuu, last_name="Aikanaan")
    now = timezone.now()
    Consent.objects.filter(client=soon).update(valid_until=now + datetime.timedelta(days=5))
    Consent.objects.filter(client=later).update(valid_until=now + datetime.timedelta(days=50))
    Consent.objects.filter(client=setting.openable).update(valid_until=None)

    by_name = worker_client.get("/clients/", {"sort": "name"})
    by_consent_end = worker_client.get("/clients/", {"sort": "consent_end"})

    assert caseload_names(by_name) == ["Aikanaan", "Avattava", "Pian"]
    assert caseload_names(by_consent_end) == ["Pian", "Aikanaan", "Avattava"]


def test_caseload_with_an_unknown_filter_value_lists_everything_and_says_why(
    worker_client, setting
):
    response = worker_client.get("/clients/", {"client_group": "999999", "sort": "bogus"})

    assert response.status_code == 200
    assert caseload_names(response) == [setting.openable.last_name]
    assert response.context["filters"].errors
