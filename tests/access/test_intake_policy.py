"""The intake action: its one condition is the official's organisational scope (guardian)."""

import datetime
import zoneinfo

import pytest
from guardian.shortcuts import assign_perm, remove_perm

from access.policy import INTAKE_RECORD, Action, Reason, Section, clients_openable_by, decide
from access.purposes import Purpose
from access.roles import Role
from tests.factories import ClientFactory, MunicipalityFactory, UserFactory, complete_client

AT = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki"))


@pytest.fixture
def official(db):
    official = UserFactory(roles=[Role.LABOUR_OFFICIAL])
    assign_perm("clients.serve_municipality", official, MunicipalityFactory(code="167"))
    return official


def intake(actor, client, purpose=Purpose.INTAKE):
    return decide(actor=actor, client=client, purpose=purpose, action=Action.INTAKE, at=AT)


def test_an_official_may_take_in_a_client_of_a_municipality_they_serve(official):
    client = ClientFactory(home_municipality=MunicipalityFactory(code="167"))

    decision = intake(official, client)

    assert decision.allowed
    assert decision.sections == INTAKE_RECORD
    assert decision.basis == {"municipality": client.home_municipality_id}


def test_intake_shows_no_consent_even_when_the_client_has_one(official):
    client = complete_client(home_municipality=MunicipalityFactory(code="167"))

    decision = intake(official, client)

    assert Section.CONSENTS not in decision.sections
    assert Section.CONSENT_REQUEST not in decision.sections


@pytest.mark.rule("002-13-need-to-know")
def test_a_client_elsewhere_is_out_of_scope_and_unseen(official):
    client = ClientFactory(home_municipality=MunicipalityFactory(code="426"))

    decision = intake(official, client)

    assert decision.reasons == (Reason.SCOPE_MISSING,)
    assert not decision.client_visible
    assert decision.sections == ()


def test_scope_ends_when_the_permission_is_removed(official):
    joensuu = MunicipalityFactory(code="167")
    client = ClientFactory(home_municipality=joensuu)
    remove_perm("clients.serve_municipality", official, joensuu)

    assert intake(official, client).reasons == (Reason.SCOPE_MISSING,)


@pytest.mark.rule("000-4-purpose")
def test_each_side_has_its_own_purposes(official):
    """The intake purpose opens nothing for a case worker; a worker's purpose no intake."""
    client = complete_client(home_municipality=MunicipalityFactory(code="167"))

    assert intake(official, client, purpose=Purpose.MEETING).reasons == (Reason.PURPOSE_MISSING,)
    worker_decision = decide(
        actor=official, client=client, purpose=Purpose.INTAKE, action=Action.VIEW, at=AT
    )
    assert Reason.PURPOSE_MISSING in worker_decision.reasons


def test_a_grant_gives_no_intake_and_scope_gives_no_case_work(official, setting):
    """The two mechanisms answer different questions: neither stands in for the other."""
    assert intake(setting.worker, setting.openable).reasons == (Reason.SCOPE_MISSING,)
    assert not decide(
        actor=official, client=setting.openable, purpose="meeting", action=Action.VIEW, at=AT
    ).allowed


def test_the_queryset_form_lists_the_same_clients(official):
    mine = ClientFactory(home_municipality=MunicipalityFactory(code="167"))
    ClientFactory(home_municipality=MunicipalityFactory(code="426"))

    assert list(clients_openable_by(official, action=Action.INTAKE, at=AT)) == [mine]
