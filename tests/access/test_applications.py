"""Access rights are granted on application; a decision may narrow it, never widen it."""

import datetime
import zoneinfo

import pytest
from auditlog.models import LogEntry

from access.models import AccessApplication
from access.policy import Action, Reason, decide
from access.roles import Role
from access.services import (
    AccessChangeRefused,
    GrantScope,
    access_application_approve,
    access_application_reject,
    access_application_submit,
)
from tests.factories import (
    MunicipalityFactory,
    UserFactory,
    WorkerAgreementFactory,
    client_group,
    complete_client,
)

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
START = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=HELSINKI)


def scope(**changes):
    fields = {
        "municipality": MunicipalityFactory(code="167"),
        "client_groups": (client_group("ohjaamo_youth"), client_group("walk_in")),
        "authority": "record",
        "valid_from": START,
        "valid_until": START + datetime.timedelta(days=180),
    }
    return GrantScope(**(fields | changes))


@pytest.fixture
def worker(db):
    worker = UserFactory(username="applicant", roles=[Role.CASE_WORKER])
    WorkerAgreementFactory(worker=worker, municipality=MunicipalityFactory(code="167"))
    return worker


@pytest.fixture
def administrator(db):
    return UserFactory(username="decider", roles=[Role.ACCESS_ADMIN])


@pytest.fixture
def application(worker):
    return access_application_submit(
        actor=worker, applicant=worker, scope=scope(), tasks="Ohjaamon neuvonta"
    )


@pytest.mark.rule("004-5-on-application", "000-7-client-groups")
def test_approval_with_a_narrower_scope_creates_exactly_that_grant(application, administrator):
    grant = access_application_approve(
        actor=administrator,
        application=application,
        granted=scope(
            client_groups=(client_group("ohjaamo_youth"),),
            authority="view",
            valid_until=START + datetime.timedelta(days=90),
        ),
    )

    application.refresh_from_db()
    assert application.status == AccessApplication.Status.APPROVED
    assert application.grant == grant
    assert (grant.grantee, grant.granted_by, grant.authority) == (
        application.applicant,
        administrator,
        "view",
    )
    assert list(grant.client_groups.values_list("code", flat=True)) == ["ohjaamo_youth"]
    in_scope = complete_client(home_municipality=grant.municipality)
    out_of_scope = complete_client(home_municipality=grant.municipality)
    out_of_scope.referrals.update(group=client_group("walk_in"))
    at = START + datetime.timedelta(days=1)
    assert decide(
        actor=application.applicant, client=in_scope, purpose="plan", action=Action.VIEW, at=at
    ).allowed
    refused = decide(
        actor=application.applicant, client=out_of_scope, purpose="plan", action=Action.VIEW, at=at
    )
    assert refused.reasons == (Reason.GRANT_OUT_OF_SCOPE,)


WIDER = {
    "another-group": lambda: {"client_groups": (client_group("integration"),)},
    "longer": lambda: {"valid_until": START + datetime.timedelta(days=200)},
    "earlier": lambda: {"valid_from": START - datetime.timedelta(days=1)},
    "another-municipality": lambda: {"municipality": MunicipalityFactory(code="426")},
}


@pytest.mark.rule("004-5-on-application", "004-4a-limited")
@pytest.mark.parametrize("wider", WIDER)
def test_a_decision_cannot_widen_what_was_applied_for(application, administrator, wider):
    changes = WIDER[wider]()

    with pytest.raises(AccessChangeRefused):
        access_application_approve(
            actor=administrator, application=application, granted=scope(**changes)
        )

    application.refresh_from_db()
    assert application.status == AccessApplication.Status.PENDING


@pytest.mark.rule("004-5-on-application")
def test_record_authority_cannot_be_granted_on_an_application_to_view(worker, administrator):
    applied = access_application_submit(
        actor=worker, applicant=worker, scope=scope(authority="view"), tasks="Neuvonta"
    )

    with pytest.raises(AccessChangeRefused):
        access_application_approve(actor=administrator, application=applied, granted=scope())


@pytest.mark.rule("004-5-on-application")
def test_nobody_decides_on_their_own_application(application, worker):
    with pytest.raises(AccessChangeRefused, match="omasta hakemuksestaan"):
        access_application_approve(actor=worker, application=application, granted=scope())


@pytest.mark.rule("004-5-on-application")
def test_a_manager_who_applied_for_a_worker_cannot_decide_on_it(worker, administrator):
    applied = access_application_submit(
        actor=administrator, applicant=worker, scope=scope(), tasks="Työnantajayhteistyö"
    )

    with pytest.raises(AccessChangeRefused):
        access_application_approve(actor=administrator, application=applied, granted=scope())


@pytest.mark.rule("004-4a-limited")
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"valid_until": START}, "alkamisen jälkeen"),
        ({"valid_until": START + datetime.timedelta(days=367)}, "enintään 12 kuukautta"),
        ({"client_groups": ()}, "vähintään yksi asiakasryhmä"),
    ],
)
def test_bad_applications_are_refused_and_nothing_is_saved(worker, bad, message):
    with pytest.raises(AccessChangeRefused, match=message):
        access_application_submit(actor=worker, applicant=worker, scope=scope(**bad), tasks="X")

    assert not AccessApplication.objects.exists()


@pytest.mark.rule("004-4a-limited")
def test_twelve_months_to_the_day_is_the_longest_grant(worker):
    longest = scope(valid_until=datetime.datetime(2027, 6, 1, 8, 0, tzinfo=HELSINKI))

    access_application_submit(actor=worker, applicant=worker, scope=longest, tasks="Neuvonta")

    with pytest.raises(AccessChangeRefused):
        too_long = scope(valid_until=longest.valid_until + datetime.timedelta(seconds=1))
        access_application_submit(actor=worker, applicant=worker, scope=too_long, tasks="X")


@pytest.mark.rule("004-5-on-application")
def test_rejection_needs_a_reason_and_is_final(application, administrator):
    with pytest.raises(AccessChangeRefused):
        access_application_reject(actor=administrator, application=application, reason=" ")

    access_application_reject(actor=administrator, application=application, reason="Ei tarvetta")

    with pytest.raises(AccessChangeRefused, match="jo ratkaistu"):
        access_application_approve(actor=administrator, application=application, granted=scope())


@pytest.mark.rule("004-5-on-application")
def test_application_and_decision_are_in_the_history_with_their_actors(application, administrator):
    access_application_reject(actor=administrator, application=application, reason="Ei tarvetta")

    entries = LogEntry.objects.get_for_object(application).order_by("timestamp", "pk")
    assert entries.first().actor == application.applicant
    assert entries.filter(action=LogEntry.Action.UPDATE).last().actor == administrator
