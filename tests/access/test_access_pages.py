"""The access administration pages: apply, decide (narrowing), revoke; each role its own part."""

import datetime

import pytest
from django.utils import timezone

from access.models import AccessApplication, AccessGrant
from access.roles import Role
from tests.factories import AccessGrantFactory, MunicipalityFactory, UserFactory, client_group

TODAY = datetime.date(2026, 6, 1)


def scope_fields(**changes):
    fields = {
        "municipality": MunicipalityFactory(code="167").pk,
        "client_groups": [client_group("ohjaamo_youth").pk, client_group("walk_in").pk],
        "authority": "view",
        "first_day": TODAY.isoformat(),
        "last_day": (TODAY + datetime.timedelta(days=179)).isoformat(),
    }
    return fields | changes


@pytest.fixture
def applied(client, case_worker):
    client.force_login(case_worker)
    client.post("/access-rights/apply/", scope_fields(tasks="Ohjaamon neuvonta"))
    client.logout()
    return AccessApplication.objects.get()


@pytest.mark.rule("004-5-on-application")
def test_a_worker_applies_for_themselves(client, case_worker):
    client.force_login(case_worker)

    response = client.post("/access-rights/apply/", scope_fields(tasks="Ohjaamon neuvonta"))

    assert response.status_code == 302
    application = AccessApplication.objects.get()
    assert application.applicant == application.applied_by == case_worker
    last = timezone.localtime(application.valid_until)
    assert (last.date(), last.hour) == (TODAY + datetime.timedelta(days=180), 0)


@pytest.mark.rule("004-5-on-application")
def test_a_supervisor_applies_for_a_worker(client, supervisor, case_worker):
    client.force_login(supervisor)

    client.post("/access-rights/apply/", scope_fields(tasks="Työnhaku", applicant=case_worker.pk))

    application = AccessApplication.objects.get()
    assert (application.applicant, application.applied_by) == (case_worker, supervisor)


@pytest.mark.rule("004-4a-limited")
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"last_day": "2026-05-01"}, "ei voi olla ennen ensimmäistä"),
        ({"last_day": "2027-07-01"}, "enintään 12 kuukautta"),
        ({"client_groups": []}, "Valitse vähintään yksi asiakasryhmä."),
        ({"municipality": 999999}, "Valitse oikea vaihtoehto"),
    ],
    ids=["end-before-start", "too-long", "no-groups", "unknown-municipality"],
)
def test_bad_applications_are_form_errors_and_change_nothing(client, case_worker, changes, message):
    client.force_login(case_worker)

    response = client.post("/access-rights/apply/", scope_fields(tasks="X", **changes))

    assert response.status_code == 200
    assert message in response.text
    assert not AccessApplication.objects.exists()


@pytest.mark.rule("004-5-on-application")
def test_the_administrator_approves_with_a_narrower_scope(client, access_admin, applied):
    client.force_login(access_admin)

    response = client.post(
        f"/access-rights/applications/{applied.pk}/",
        scope_fields(client_groups=[client_group("ohjaamo_youth").pk], decision="approve"),
    )

    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert grant.grantee == applied.applicant and grant.granted_by == access_admin
    assert list(grant.client_groups.values_list("code", flat=True)) == ["ohjaamo_youth"]


@pytest.mark.rule("004-5-on-application")
def test_widening_on_approval_is_a_form_error(client, access_admin, applied):
    client.force_login(access_admin)

    response = client.post(
        f"/access-rights/applications/{applied.pk}/",
        scope_fields(client_groups=[client_group("integration").pk], decision="approve"),
    )

    assert "ei laajentaa" in response.text
    assert not AccessGrant.objects.exists()


@pytest.mark.rule("004-5-on-application")
def test_self_approval_is_refused(client, applied):
    applied.applicant.groups.add(*_groups(Role.ACCESS_ADMIN))
    client.force_login(applied.applicant)

    response = client.post(
        f"/access-rights/applications/{applied.pk}/", scope_fields(decision="approve")
    )

    assert "omasta hakemuksestaan" in response.text
    assert not AccessGrant.objects.exists()


@pytest.mark.rule("004-5a-remove")
def test_the_administrator_revokes_a_grant(client, access_admin, case_worker):
    grant = AccessGrantFactory(grantee=case_worker)
    client.force_login(access_admin)

    client.post(f"/access-rights/grants/{grant.pk}/revoke/", {"reason": "Väärinkäyttöepäily"})

    grant.refresh_from_db()
    assert grant.revoked_by == access_admin
    assert grant.revocation_reason == "Väärinkäyttöepäily"


@pytest.mark.rule("002-13-need-to-know")
@pytest.mark.parametrize(
    "path", ["/access-rights/", "/access-rights/applications/1/", "/access-rights/grants/1/revoke/"]
)
def test_administration_is_for_access_administrators_only(client, case_worker, path):
    client.force_login(case_worker)

    assert client.get(path).status_code == 403


@pytest.mark.rule("004-4a-rights-up-to-date")
def test_overview_lists_pending_applications_and_grants_by_state(client, access_admin, applied):
    AccessGrantFactory(grantee=UserFactory(first_name="Ville", last_name="Voimassa"))
    client.force_login(access_admin)

    response = client.get("/access-rights/")

    assert applied.applicant.get_full_name() in response.text
    assert "Voimassa" in response.text


def _groups(role):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name=role.value)


def midnight_in_finland(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def test_a_pending_application_shows_who_applied_for_what_and_when(client, access_admin, applied):
    client.force_login(access_admin)
    last_day = TODAY + datetime.timedelta(days=179)

    overview = client.get("/access-rights/")
    decide = client.get(f"/access-rights/applications/{applied.pk}/")

    for response in (overview, decide):
        text = response.text
        assert applied.applied_by.get_full_name() in text
        assert (
            applied.applied_at.astimezone(timezone.get_current_timezone()).strftime(
                "%-d.%-m.%Y %H:%M"
            )
            in text
        )
        assert applied.municipality.name in text
        assert all(group.name in text for group in applied.client_groups.all())
        assert applied.get_authority_display() in text
        assert f"{last_day:%-d.%-m.%Y}" in text
    assert 'data-testid="pending-applications"' in overview.text
    assert 'data-testid="applied-for"' in decide.text


def test_a_grants_last_day_is_the_day_before_it_stops(client, access_admin):
    first_day = timezone.localdate() - datetime.timedelta(days=10)
    last_day = timezone.localdate() + datetime.timedelta(days=60)
    grant = AccessGrantFactory(
        grantee=UserFactory(first_name="Ville", last_name="Voimassa"),
        valid_from=midnight_in_finland(first_day),
        valid_until=midnight_in_finland(last_day + datetime.timedelta(days=1)),
    )
    client.force_login(access_admin)
    shown = f"{first_day:%-d.%-m.%Y} \N{EN DASH} {last_day:%-d.%-m.%Y}"
    day_after = f"{last_day + datetime.timedelta(days=1):%-d.%-m.%Y}"

    for path in (
        "/access-rights/",
        f"/access-rights/users/{grant.grantee.pk}/",
        f"/access-rights/grants/{grant.pk}/change/",
        f"/access-rights/grants/{grant.pk}/revoke/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert shown in response.text, path
        assert day_after not in response.text, path
