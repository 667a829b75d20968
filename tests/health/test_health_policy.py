"""The health section's gate: the record's conditions, a grant with health data, a purpose that
needs it (004 §3; 003). Table-driven, asserting reason codes."""

import datetime
import zoneinfo

import pytest

from access.models import AccessGrant
from access.policy import (
    CONSENT_REQUEST,
    FULL_RECORD,
    HEALTH_REASONS,
    Action,
    Reason,
    Section,
    clients_openable_by,
    decide,
)
from access.purposes import Purpose
from clients.models import ServiceNeed
from consent.models import Consent
from tests.factories import (
    AccessGrantFactory,
    ClientFactory,
    ConsentFactory,
    MunicipalityFactory,
    ReferralFactory,
    ServiceNeedFactory,
    UserFactory,
    WorkerAgreementFactory,
)

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
AT = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=HELSINKI)
WORK_ABILITY = Purpose.WORK_ABILITY.value


@pytest.fixture
def world(db):
    """A worker whose recording grant covers health data, and a client whose record opens."""
    joensuu = MunicipalityFactory(code="167")
    worker = UserFactory()
    client = ClientFactory(home_municipality=joensuu)
    WorkerAgreementFactory(worker=worker, municipality=joensuu)
    grant = AccessGrantFactory(
        grantee=worker,
        municipality=joensuu,
        authority=AccessGrant.Authority.RECORD,
        health_data=True,
    )
    return {
        "worker": worker,
        "client": client,
        "grant": grant,
        "referral": ReferralFactory(client=client),
        "need": ServiceNeedFactory(client=client),
        "consent": ConsentFactory(client=client),
    }


def decide_in(world, *, purpose=WORK_ABILITY, action=Action.VIEW):
    return decide(
        actor=world["worker"], client=world["client"], purpose=purpose, action=action, at=AT
    )


def _no_health_flag(world):
    AccessGrant.objects.filter(pk=world["grant"].pk).update(health_data=False)


def _no_service_need(world):
    ServiceNeed.objects.filter(pk=world["need"].pk).update(status=ServiceNeed.Status.SUPERSEDED)


def _no_consent(world):
    Consent.objects.filter(pk=world["consent"].pk).update(status=Consent.Status.REFUSED)


def _view_grant(world):
    AccessGrant.objects.filter(pk=world["grant"].pk).update(authority=AccessGrant.Authority.VIEW)


@pytest.mark.rule("004-3-health")
def test_every_condition_holding_opens_the_health_section(world):
    decision = decide_in(world)

    assert decision.allowed
    assert decision.sections == FULL_RECORD + CONSENT_REQUEST + (Section.HEALTH,)
    assert decision.closed == {}
    assert decision.basis["health_grant"] == world["grant"].pk


CLOSED = [
    # (what breaks, the purpose, the action, the record opens, the health section's reasons)
    (_no_health_flag, WORK_ABILITY, Action.VIEW, True, (Reason.HEALTH_SCOPE_MISSING,)),
    (None, Purpose.MEETING.value, Action.VIEW, True, (Reason.HEALTH_PURPOSE_MISSING,)),
    (None, Purpose.CONSENT.value, Action.RECORD, True, (Reason.HEALTH_PURPOSE_MISSING,)),
    (_no_health_flag, Purpose.PLAN.value, Action.VIEW, True, HEALTH_REASONS),
    (_no_service_need, WORK_ABILITY, Action.VIEW, False, (Reason.SERVICE_NEED_MISSING,)),
    (_no_consent, WORK_ABILITY, Action.VIEW, False, (Reason.CONSENT_MISSING,)),
    (
        None,
        None,
        Action.VIEW,
        False,
        (Reason.PURPOSE_MISSING, Reason.HEALTH_PURPOSE_MISSING),
    ),
    # A view grant with health data reads the section, but recording in it needs the authority.
    (_view_grant, WORK_ABILITY, Action.RECORD, False, (Reason.AUTHORITY_MISSING,)),
]


@pytest.mark.rule("004-3-health")
@pytest.mark.parametrize(
    "breaker, purpose, action, record_opens, reasons",
    CLOSED,
    ids=[
        "no-health-flag",
        "purpose-meeting",
        "purpose-consent-recording",
        "neither",
        "record-needs-service-need",
        "record-needs-consent",
        "no-purpose",
        "view-grant-recording",
    ],
)
def test_the_health_section_stays_closed_and_says_why(
    world, breaker, purpose, action, record_opens, reasons
):
    if breaker:
        breaker(world)

    decision = decide_in(world, purpose=purpose, action=action)

    assert decision.allowed is record_opens
    assert Section.HEALTH not in decision.sections
    assert decision.closed == {Section.HEALTH: reasons}
    assert "health_grant" not in decision.basis


def test_a_view_grant_with_health_data_reads_the_section(world):
    _view_grant(world)

    assert Section.HEALTH in decide_in(world, action=Action.VIEW).sections


def test_the_health_flag_of_another_municipalitys_grant_does_not_answer(world):
    _no_health_flag(world)
    AccessGrantFactory(
        grantee=world["worker"], municipality=MunicipalityFactory(code="426"), health_data=True
    )

    assert decide_in(world).closed == {Section.HEALTH: (Reason.HEALTH_SCOPE_MISSING,)}


def test_health_reasons_never_close_the_record(world):
    _no_health_flag(world)

    for purpose in Purpose:
        if purpose == Purpose.INTAKE:
            continue
        decision = decide_in(world, purpose=purpose.value)
        assert decision.allowed
        assert not set(decision.reasons) & set(HEALTH_REASONS)
    assert list(clients_openable_by(world["worker"], at=AT)) == [world["client"]]


def test_the_closed_reasons_do_not_depend_on_what_the_section_holds(world):
    from tests.factories import HealthItemFactory

    _no_health_flag(world)
    empty = decide_in(world)
    HealthItemFactory(client=world["client"])

    assert decide_in(world).closed == empty.closed
