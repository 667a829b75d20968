"""The access log: append-only, and readable by supervisors only."""

import pytest
from django.db import DatabaseError, transaction
from guardian.shortcuts import assign_perm

from access.roles import Role
from access.scope import OVERSEE
from audit.models import AccessEvent, AppendOnlyError
from tests.factories import MunicipalityFactory, UserFactory, WorkerAgreementFactory
from tests.pages import state_purpose


def supervisor_of(municipality):
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    assign_perm(OVERSEE, supervisor, municipality)
    return supervisor


@pytest.fixture
def logged_view(worker_client, setting):
    state_purpose(worker_client, setting.openable)
    worker_client.get(f"/clients/{setting.openable.pk}/")
    return AccessEvent.objects.get()


@pytest.mark.rule("000-6-log-append-only")
def test_an_event_cannot_be_changed_or_deleted_through_the_model(logged_view):
    logged_view.purpose_text = "rewritten"

    with pytest.raises(AppendOnlyError):
        logged_view.save()
    with pytest.raises(AppendOnlyError):
        logged_view.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.update(purpose_text="rewritten")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()


@pytest.mark.rule("000-6-log-append-only")
def test_postgresql_itself_refuses_to_change_an_event(logged_view):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accessevent SET purpose_text = 'rewritten'")


@pytest.mark.rule("000-8-access-log")
def test_supervisor_sees_views_and_denials_in_the_log(client, logged_view, setting):
    client.force_login(supervisor_of(setting.openable.home_municipality))

    response = client.get("/access-log/")

    assert response.status_code == 200
    assert setting.openable.last_name in response.text
    assert "Asiakastapaaminen" in response.text


@pytest.mark.rule("000-8-access-log", "002-13-need-to-know")
def test_case_worker_cannot_read_the_log(worker_client, setting):
    assert worker_client.get("/access-log/").status_code == 403


@pytest.mark.rule("000-8-access-log", "003-5-confidential")
def test_supervisor_sees_what_was_searched_for_with_the_identity_code_masked(
    client, worker_client, setting
):
    code = setting.openable.identity_code
    worker_client.post("/clients/search/", {"identity_code": code})
    client.force_login(supervisor_of(setting.openable.home_municipality))

    response = client.get("/access-log/")

    assert f"“{code[:6]}-****”" in response.text
    assert code not in response.text


@pytest.mark.rule("000-8-access-log")
def test_a_supervisor_sees_only_the_workers_of_the_municipalities_they_oversee(
    client, logged_view, setting
):
    elsewhere = MunicipalityFactory(code="426")
    colleague = UserFactory(username="liperi", roles=[Role.CASE_WORKER])
    WorkerAgreementFactory(worker=colleague, municipality=elsewhere)
    client.force_login(colleague)
    client.get("/clients/")  # the colleague's caseload listed: an event of theirs
    assert AccessEvent.objects.filter(actor=colleague).exists()

    client.force_login(supervisor_of(elsewhere))
    response = client.get("/access-log/")

    listed = {event.actor for event in response.context["page"]}
    assert listed == {colleague}
    assert setting.openable.last_name not in response.text
