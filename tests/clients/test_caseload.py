"""My caseload: exactly the clients the worker may open, built from the policy's set form."""

from access.roles import Role
from tests.factories import UserFactory, complete_client


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

    # The page's queries, and the event that records which clients it showed (its savepoint,
    # the actor's roles and the insert): the same whatever the number of clients.
    with django_assert_max_num_queries(11):
        worker_client.get("/clients/")


def test_caseload_and_search_are_for_case_workers(client, db):
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))

    assert client.get("/clients/").status_code == 403
    assert client.get("/clients/search/").status_code == 403
