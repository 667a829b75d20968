"""Each user's full history: agreements, applications, grants and every change, newest first."""

import datetime

import pytest
from django.utils import timezone

from access.models import AccessGrant
from access.services import (
    GrantScope,
    access_application_approve,
    access_application_reject,
    access_application_submit,
    agreement_terminate,
    grant_change,
    grant_revoke,
)
from audit.actions import Action
from tests.factories import MunicipalityFactory, UserFactory, WorkerAgreementFactory, client_group


@pytest.fixture
def admin_client(client, access_admin):
    client.force_login(access_admin)
    return client


def scope() -> GrantScope:
    start = timezone.now() - datetime.timedelta(hours=1)
    return GrantScope(
        municipality=MunicipalityFactory(code="167"),
        client_groups=(client_group("ohjaamo_youth"), client_group("walk_in")),
        authority=AccessGrant.Authority.RECORD,
        valid_from=start,
        valid_until=start + datetime.timedelta(days=90),
    )


@pytest.fixture
def story(case_worker, supervisor, access_admin):
    """An agreement given notice, a rejected and an approved application, a change, a revocation."""
    agreement = WorkerAgreementFactory(worker=case_worker, employment_area="Ohjaamon sopimusalue")
    agreement_terminate(
        actor=access_admin, agreement=agreement, notice_given_on=timezone.localdate()
    )
    rejected = access_application_submit(
        actor=supervisor, applicant=case_worker, scope=scope(), tasks="Kaikki ryhmät"
    )
    access_application_reject(actor=access_admin, application=rejected, reason="Liian laaja")
    applied_for = scope()
    applied = access_application_submit(
        actor=case_worker, applicant=case_worker, scope=applied_for, tasks="Ohjaamon neuvonta"
    )
    grant = access_application_approve(actor=access_admin, application=applied, granted=applied_for)
    grant_change(
        actor=access_admin,
        grant=grant,
        changed=GrantScope(
            municipality=grant.municipality,
            client_groups=(client_group("ohjaamo_youth"),),
            authority=AccessGrant.Authority.VIEW,
            valid_from=grant.valid_from,
            valid_until=grant.valid_until,
        ),
        reason="Vain nuoret",
    )
    grant_revoke(actor=access_admin, grant=grant, reason="Siirtyi muihin tehtäviin")
    return case_worker


@pytest.mark.rule("004-4a-rights-up-to-date", "004-5a-report-grounds")
def test_the_page_shows_agreements_applications_and_grants(admin_client, story):
    response = admin_client.get(f"/access-rights/users/{story.pk}/")

    text = response.text
    assert response.status_code == 200
    assert "Ohjaamon sopimusalue" in text
    assert "Liian laaja" in text  # the rejection's reason
    assert "hylätty" in text and "hyväksytty" in text
    assert "Siirtyi muihin tehtäviin" in text  # the revocation's reason


@pytest.mark.rule("004-5a-report-grounds")
def test_the_history_shows_each_change_with_its_actor_newest_first(
    admin_client, story, access_admin
):
    response = admin_client.get(f"/access-rights/users/{story.pk}/")

    history = response.context["history"]
    times = [line.at for line in history]
    assert times == sorted(times, reverse=True)
    subjects = {line.subject for line in history}
    assert {"käyttöoikeus", "käyttöoikeushakemus", "työntekijän sopimus"} <= subjects
    codes = [line.code for line in history]
    assert {
        Action.AGREEMENT_TERMINATED,
        Action.APPLICATION_SUBMITTED,
        Action.APPLICATION_REJECTED,
        Action.GRANT_APPROVED,
        Action.GRANT_CHANGED,
        Action.GRANT_REVOKED,
    } <= set(codes)
    revocation = next(line for line in history if line.code == Action.GRANT_REVOKED)
    assert revocation.actor == access_admin.get_full_name()
    changed_fields = {change.field for line in history for change in line.changes}
    assert "peruutuksen syy" in changed_fields
    change = next(line for line in history if line.code == Action.GRANT_CHANGED)
    assert "Vain nuoret" in [value for _label, value in change.details]
    assert "Vain nuoret" in response.text
    assert "katselu, asiakaskirjausten ja suostumusten kirjaaminen → katselu" in (
        response.text.replace("&nbsp;", " ")
    )
    assert "poistettu" in response.text  # the group taken away
    assert "True" not in response.text and "False" not in response.text


def test_the_history_is_only_about_this_user(admin_client, story):
    other = UserFactory(first_name="Toinen", last_name="Työntekijä")
    WorkerAgreementFactory(worker=other, employment_area="Toisen alue")

    response = admin_client.get(f"/access-rights/users/{story.pk}/")

    assert "Toisen alue" not in response.text


def test_the_history_is_paged(admin_client, case_worker, access_admin):
    for number in range(55):
        case_worker.organisation = f"Yksikkö {number}"
        case_worker.save()

    first = admin_client.get(f"/access-rights/users/{case_worker.pk}/")
    second = admin_client.get(f"/access-rights/users/{case_worker.pk}/", {"page": 2})

    total = first.context["page"].paginator.count
    assert total >= 56  # 55 changes and the creation
    assert len(first.context["history"]) == 50
    assert len(second.context["history"]) == total - 50


def test_an_unknown_user_is_404(admin_client):
    assert admin_client.get("/access-rights/users/999999/").status_code == 404


def test_the_users_list_searches_by_name_and_links_to_the_history(admin_client, case_worker):
    UserFactory(first_name="Hilkka", last_name="Haettava")
    UserFactory(first_name="Muu", last_name="Ihminen")

    response = admin_client.get("/access-rights/users/", {"text": "haett"})

    assert "Haettava" in response.text
    assert "Ihminen" not in response.text


def test_the_users_list_is_paged_keeping_the_search(admin_client):
    for number in range(55):
        UserFactory(first_name="Sivutettu", last_name=f"Käyttäjä{number:02d}")

    first = admin_client.get("/access-rights/users/", {"text": "Sivutettu"})
    second = admin_client.get("/access-rights/users/", {"text": "Sivutettu", "page": 2})

    assert first.text.count("Käyttäjä") - first.text.count("Käyttäjät") >= 50
    assert "?text=Sivutettu&amp;page=2" in first.text
    assert "Käyttäjä54" in second.text


@pytest.mark.rule("002-13-need-to-know")
@pytest.mark.parametrize("path", ["/access-rights/users/", "/access-rights/users/{pk}/"])
@pytest.mark.parametrize("persona", ["case_worker", "supervisor", "outsider"])
def test_user_pages_are_for_access_administrators_only(client, request, path, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    assert client.get(path.format(pk=user.pk)).status_code == 403
