"""Worker agreements on pages: record one, terminate it with notice, end it when duties change."""

import datetime
import zoneinfo

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.utils import timezone

from access.models import WorkerAgreement
from access.roles import Role
from tests.factories import AccessGrantFactory, MunicipalityFactory, WorkerAgreementFactory

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
NEW = "/access-rights/agreements/new/"


def agreement_fields(person, **changes):
    fields = {
        "worker": person.pk,
        "employment_area": "Pohjois-Karjalan työllisyysalue",
        "municipality": MunicipalityFactory(code="167").pk,
        "signed_on": "2026-01-15",
    }
    return fields | changes


@pytest.mark.rule("000-1-parties", "000-9-notice", "000-10-signatures")
def test_the_administrator_records_a_signed_agreement(client, access_admin, case_worker):
    client.force_login(access_admin)

    response = client.post(NEW, agreement_fields(case_worker))

    assert response.status_code == 302
    assert response.url == f"/access-rights/users/{case_worker.pk}/"
    agreement = WorkerAgreement.objects.get()
    assert (agreement.worker, agreement.signed_on, agreement.ends_at) == (
        case_worker,
        datetime.date(2026, 1, 15),
        None,
    )
    created = LogEntry.objects.get_for_object(agreement).get(action=LogEntry.Action.CREATE)
    assert created.actor == access_admin


@pytest.mark.rule("000-1-parties", "000-10-signatures")
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signed_on": "2099-01-01"}, "tulevaisuudessa"),
        ({"worker": 999999}, "Valitse oikea vaihtoehto"),
        ({"employment_area": "  "}, "Tämä kenttä vaaditaan"),
        ({"municipality": ""}, "Tämä kenttä vaaditaan"),
        ({"signed_on": "15.13.2026"}, "Syötä oikea päivämäärä"),
    ],
    ids=["signed-in-the-future", "unknown-user", "no-area", "no-municipality", "bad-date"],
)
def test_bad_agreements_are_form_errors_and_record_nothing(
    client, access_admin, case_worker, changes, message
):
    client.force_login(access_admin)

    response = client.post(NEW, agreement_fields(case_worker, **changes))

    assert response.status_code == 200
    assert message in response.text
    assert not WorkerAgreement.objects.exists()


@pytest.mark.rule("000-9-notice")
def test_the_users_page_lists_each_agreement(client, access_admin, case_worker):
    WorkerAgreementFactory(worker=case_worker, employment_area="Joensuun seudun työllisyysalue")
    client.force_login(access_admin)

    response = client.get(f"/access-rights/users/{case_worker.pk}/")

    assert "Joensuun seudun työllisyysalue" in response.text
    assert "Toistaiseksi voimassa" in response.text


@pytest.mark.rule("000-9-notice")
def test_a_written_notice_ends_the_agreement_two_weeks_later_at_midnight(
    client, access_admin, case_worker
):
    agreement = WorkerAgreementFactory(worker=case_worker)
    client.force_login(access_admin)

    response = client.post(
        f"/access-rights/agreements/{agreement.pk}/terminate/", {"notice_given_on": "2026-06-15"}
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.ends_at == datetime.datetime(2026, 6, 29, tzinfo=HELSINKI)
    change = LogEntry.objects.get_for_object(agreement).get(action=LogEntry.Action.UPDATE)
    assert change.actor == access_admin


@pytest.mark.rule("000-9-notice")
@pytest.mark.parametrize(
    ("notice", "message"),
    [
        ((timezone.localdate() + datetime.timedelta(days=30)).isoformat(), "tulevaisuudessa"),
        ("2023-12-31", "ennen sopimuksen allekirjoittamista"),
        ("", "Tämä kenttä vaaditaan"),
    ],
    ids=["in-the-future", "before-signing", "missing"],
)
def test_a_bad_notice_is_a_form_error_and_changes_nothing(
    client, access_admin, case_worker, notice, message
):
    agreement = WorkerAgreementFactory(worker=case_worker, signed_on=datetime.date(2024, 1, 1))
    client.force_login(access_admin)

    response = client.post(
        f"/access-rights/agreements/{agreement.pk}/terminate/", {"notice_given_on": notice}
    )

    assert response.status_code == 200
    assert message in response.text
    agreement.refresh_from_db()
    assert agreement.ends_at is None


@pytest.fixture
def worker_with_grants(case_worker):
    agreement = WorkerAgreementFactory(worker=case_worker)
    AccessGrantFactory(grantee=case_worker, municipality=agreement.municipality)
    AccessGrantFactory(grantee=case_worker, municipality=MunicipalityFactory(code="426"))
    return agreement


@pytest.mark.rule("000-9-lapses")
def test_changed_duties_are_confirmed_first(client, access_admin, worker_with_grants):
    client.force_login(access_admin)
    path = f"/access-rights/agreements/{worker_with_grants.pk}/duties-changed/"

    shown = client.get(path)
    unconfirmed = client.post(path, {})

    assert shown.status_code == 200
    assert "Liperi" in shown.text  # the grants that would end are listed
    assert unconfirmed.status_code == 200
    assert "Vahvista ensin" in unconfirmed.text
    worker_with_grants.refresh_from_db()
    assert worker_with_grants.ends_at is None
    assert not worker_with_grants.worker.grants.filter(revoked_at__isnull=False).exists()


@pytest.mark.rule("000-9-lapses", "004-5a-remove")
def test_confirmed_changed_duties_end_the_agreement_and_every_grant(
    client, access_admin, worker_with_grants
):
    client.force_login(access_admin)
    before = timezone.now()

    response = client.post(
        f"/access-rights/agreements/{worker_with_grants.pk}/duties-changed/", {"confirm": "on"}
    )

    assert response.status_code == 302
    worker_with_grants.refresh_from_db()
    assert before <= worker_with_grants.ends_at <= timezone.now()
    grants = worker_with_grants.worker.grants.all()
    assert len(grants) == 2
    assert all(grant.revoked_by == access_admin for grant in grants)


@pytest.mark.rule("002-13-need-to-know")
@pytest.mark.parametrize(
    "path",
    [
        NEW,
        "/access-rights/agreements/{pk}/terminate/",
        "/access-rights/agreements/{pk}/duties-changed/",
    ],
)
@pytest.mark.parametrize("persona", ["case_worker", "supervisor", "outsider"])
def test_agreement_pages_are_for_access_administrators_only(
    client, request, worker_with_grants, path, persona
):
    client.force_login(request.getfixturevalue(persona))
    path = path.format(pk=worker_with_grants.pk)

    assert client.get(path).status_code == 403
    assert client.post(path, {"confirm": "on", "notice_given_on": "2026-01-01"}).status_code == 403
    worker_with_grants.refresh_from_db()
    assert worker_with_grants.ends_at is None


@pytest.fixture
def administrator_and_worker(client, access_admin):
    """An access administrator who is also a case worker, signed in."""
    access_admin.groups.add(Group.objects.get_or_create(name=Role.CASE_WORKER)[0])
    client.force_login(access_admin)
    return access_admin


@pytest.mark.rule("004-4a-personal-right")
def test_nobody_records_their_own_agreement_and_the_form_does_not_offer_oneself(
    client, administrator_and_worker
):
    me = administrator_and_worker

    offered = client.get(NEW).context["form"].fields["worker"].queryset
    response = client.post(NEW, agreement_fields(me))

    assert me not in offered
    assert response.status_code == 200
    assert "worker" in response.context["form"].errors
    assert not WorkerAgreement.objects.exists()


@pytest.mark.rule("004-4a-personal-right")
@pytest.mark.parametrize("page", ["terminate", "duties-changed"])
def test_nobody_terminates_or_ends_their_own_agreement(client, administrator_and_worker, page):
    me = administrator_and_worker
    agreement = WorkerAgreementFactory(worker=me)
    fields = {"notice_given_on": timezone.localdate().isoformat(), "confirm": "on"}

    response = client.post(f"/access-rights/agreements/{agreement.pk}/{page}/", fields)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    agreement.refresh_from_db()
    assert agreement.ends_at is None
    own_page = client.get(f"/access-rights/users/{me.pk}/")
    assert f"/access-rights/agreements/{agreement.pk}/terminate/" not in own_page.text
    assert "/access-rights/agreements/new/" not in own_page.text
