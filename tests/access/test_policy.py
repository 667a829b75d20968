"""The access rule, condition by condition (agreement §§4-5; see access/policy.py)."""

import datetime
import itertools
import zoneinfo
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.models import AccessGrant, User, WorkerAgreement
from access.policy import (
    CASE_WORK_ACTIONS,
    CASE_WORK_REASONS,
    CONSENT_REASONS,
    CONSENT_REQUEST,
    FULL_RECORD,
    Action,
    Reason,
    Section,
    clients_openable_by,
    decide,
)
from access.roles import Role
from clients.identity_code import identity_code_hash
from clients.models import Client, Referral, ServiceNeed
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
    client_group,
    complete_client,
)

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
AT = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=HELSINKI)


@dataclass
class World:
    """A worker who may open and record on one client's record: every condition holds at AT.

    The grant holds the recording authority, and the world decides on recording unless told
    otherwise, so that every reason, the authority's included, can fail alone.
    """

    worker: User
    client: Client
    referral: Referral
    need: ServiceNeed
    consent: Consent
    agreement: WorkerAgreement
    grant: AccessGrant

    def decide(self, *, purpose="meeting", action=Action.RECORD, at=AT):
        return decide(actor=self.worker, client=self.client, purpose=purpose, action=action, at=at)


@pytest.fixture
def world(db):
    joensuu = MunicipalityFactory(code="167")
    worker = UserFactory(roles=[Role.CASE_WORKER])
    client = ClientFactory(home_municipality=joensuu)
    return World(
        worker=worker,
        client=client,
        referral=ReferralFactory(client=client),
        need=ServiceNeedFactory(client=client),
        consent=ConsentFactory(client=client),
        agreement=WorkerAgreementFactory(worker=worker, municipality=joensuu),
        grant=AccessGrantFactory(
            grantee=worker, municipality=joensuu, authority=AccessGrant.Authority.RECORD
        ),
    )


def save(instance, **changes):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save()


# Each breaks exactly one condition and returns the purpose to state.
BREAKERS = {
    Reason.REFERRAL_MISSING: lambda w: save(w.referral, ended_on=AT.date()),
    Reason.SERVICE_NEED_MISSING: lambda w: save(w.need, status=ServiceNeed.Status.SUPERSEDED),
    Reason.CONSENT_MISSING: lambda w: save(w.consent, status=Consent.Status.REFUSED),
    Reason.CONSENT_WITHDRAWN: lambda w: save(
        w.consent,
        status=Consent.Status.WITHDRAWN,
        withdrawn_at=AT - datetime.timedelta(hours=1),
        withdrawn_by=w.worker,
    ),
    Reason.CONSENT_EXPIRED: lambda w: save(w.consent, valid_until=AT - datetime.timedelta(days=1)),
    Reason.CONSENT_SCAN_MISSING: lambda w: save(
        w.consent, paper_held_confirmed=True, scan_due_at=AT - datetime.timedelta(hours=1)
    ),
    Reason.AGREEMENT_MISSING: lambda w: save(w.agreement, ends_at=AT - datetime.timedelta(days=1)),
    Reason.GRANT_MISSING: lambda w: save(w.grant, revoked_at=AT - datetime.timedelta(hours=1)),
    Reason.GRANT_OUT_OF_SCOPE: lambda w: w.grant.client_groups.set(
        [client_group("long_term_unemployed")]
    ),
    Reason.AUTHORITY_MISSING: lambda w: save(w.grant, authority=AccessGrant.Authority.VIEW),
    Reason.PURPOSE_MISSING: lambda w: None,
    Reason.OWN_RECORD: lambda w: save(
        w.worker, identity_code_hash=identity_code_hash(w.client.identity_code)
    ),
}


def purpose_unless_broken(broken) -> str | None:
    return None if Reason.PURPOSE_MISSING in broken else "meeting"


def test_every_reason_code_has_a_row():
    assert set(BREAKERS) == set(CASE_WORK_REASONS)


@pytest.mark.rule("000-4-all-conditions")
def test_all_conditions_hold(world):
    decision = world.decide()

    assert decision.allowed
    assert decision.reasons == ()
    assert decision.basis == {
        "referral": world.referral.pk,
        "service_need": world.need.pk,
        "consent": world.consent.pk,
        "agreement": world.agreement.pk,
        "grant": world.grant.pk,
    }
    assert decision.client_visible
    assert decision.policy_version


@pytest.mark.rule(
    "000-2-agreement-in-force",
    "000-4-referral",
    "000-4-service-need",
    "000-4-consent",
    "000-4-purpose",
    "000-7-client-groups",
    "004-4a-personal-right",
    "000-4-own-record",
)
@pytest.mark.parametrize("reason", CASE_WORK_REASONS, ids=str)
def test_each_condition_failing_alone_is_named_alone(world, reason):
    BREAKERS[reason](world)

    decision = world.decide(purpose=purpose_unless_broken({reason}))

    assert not decision.allowed
    assert decision.reasons == (reason,)
    # Without any valid grant the worker may not even know the client exists.
    assert decision.client_visible is (reason != Reason.GRANT_MISSING)


# Pairs that cannot fail together, by the rule's own shape: with no valid grant there is none to
# be out of scope; with no active referral there is no group for a grant to miss (scope is then
# judged on the municipality alone); a consent fails for one reason at a time.
EXCLUSIVE = [
    {Reason.GRANT_MISSING, Reason.GRANT_OUT_OF_SCOPE},
    # With no valid grant there is no authority to lack.
    {Reason.GRANT_MISSING, Reason.AUTHORITY_MISSING},
    {Reason.REFERRAL_MISSING, Reason.GRANT_OUT_OF_SCOPE},
    {Reason.CONSENT_MISSING, Reason.CONSENT_WITHDRAWN},
    {Reason.CONSENT_MISSING, Reason.CONSENT_EXPIRED},
    {Reason.CONSENT_WITHDRAWN, Reason.CONSENT_EXPIRED},
    {Reason.CONSENT_MISSING, Reason.CONSENT_SCAN_MISSING},
    {Reason.CONSENT_WITHDRAWN, Reason.CONSENT_SCAN_MISSING},
    {Reason.CONSENT_EXPIRED, Reason.CONSENT_SCAN_MISSING},
]
COMBINABLE_PAIRS = [
    pair for pair in itertools.combinations(CASE_WORK_REASONS, 2) if set(pair) not in EXCLUSIVE
]


@pytest.mark.rule("000-4-all-conditions")
@pytest.mark.parametrize("pair", COMBINABLE_PAIRS, ids=lambda pair: "+".join(pair))
def test_conditions_failing_together_are_all_named(world, pair):
    for reason in pair:
        BREAKERS[reason](world)

    decision = world.decide(purpose=purpose_unless_broken(pair))

    assert not decision.allowed
    assert set(decision.reasons) == set(pair)


@pytest.mark.rule("000-4-all-conditions")
def test_everything_failing_at_once_is_named_at_once(world):
    broken = set(CASE_WORK_REASONS) - {
        Reason.GRANT_OUT_OF_SCOPE,
        Reason.AUTHORITY_MISSING,
        Reason.CONSENT_MISSING,
        Reason.CONSENT_EXPIRED,
        Reason.CONSENT_SCAN_MISSING,
    }
    for reason in broken:
        BREAKERS[reason](world)

    decision = world.decide(purpose=None)

    assert set(decision.reasons) == broken


@pytest.mark.rule("000-4-own-record")
@pytest.mark.parametrize("action", CASE_WORK_ACTIONS, ids=str)
def test_the_own_record_is_refused_for_every_action_in_both_forms(world, action):
    BREAKERS[Reason.OWN_RECORD](world)
    colleague = complete_client(home_municipality=world.client.home_municipality)

    decision = world.decide(action=action)

    assert decision.reasons == (Reason.OWN_RECORD,)
    assert decision.sections == ()
    assert decision.client_visible
    assert not decision.record_allowed
    assert list(clients_openable_by(world.worker, action=action, at=AT)) == [colleague]


@pytest.mark.rule("000-4-own-record")
def test_the_own_record_shows_no_consent_request_while_the_consent_is_missing(world):
    BREAKERS[Reason.OWN_RECORD](world)
    BREAKERS[Reason.CONSENT_MISSING](world)

    decision = world.decide(action=Action.VIEW)

    assert set(decision.reasons) == {Reason.OWN_RECORD, Reason.CONSENT_MISSING}
    assert decision.sections == ()


@pytest.mark.rule("000-4-own-record")
def test_an_account_without_an_identity_code_has_no_own_record(world):
    """An empty hash is no hash: it matches no client, not even one whose hash is empty."""
    Client.objects.filter(pk=world.client.pk).update(identity_code_hash="")
    world.client.refresh_from_db()

    assert world.worker.identity_code_hash == ""
    assert world.decide().allowed
    assert list(clients_openable_by(world.worker, at=AT)) == [world.client]


def test_the_own_record_costs_the_decision_no_query(world):
    """Both hashes are on rows already loaded: the refusal adds no query to decide."""

    def queries_of_a_decision() -> int:
        with CaptureQueriesContext(connection) as queries:
            world.decide()
        return len(queries)

    others = queries_of_a_decision()
    BREAKERS[Reason.OWN_RECORD](world)

    assert queries_of_a_decision() == others


@pytest.mark.rule("000-4-purpose")
def test_unknown_purpose_counts_as_none(world):
    assert world.decide(purpose="curiosity").reasons == (Reason.PURPOSE_MISSING,)


@pytest.mark.rule("004-4a-necessary-only")
def test_client_outside_every_granted_municipality_is_not_visible(world):
    save(world.client, home_municipality=MunicipalityFactory(code="426"))

    decision = world.decide()

    # The worker's agreement is with another municipality, too.
    assert set(decision.reasons) == {Reason.GRANT_OUT_OF_SCOPE, Reason.AGREEMENT_MISSING}
    assert not decision.client_visible


@pytest.mark.rule("000-2-agreement-in-force")
def test_an_agreement_with_another_municipality_does_not_count(world):
    save(world.agreement, municipality=MunicipalityFactory(code="276"))

    assert world.decide().reasons == (Reason.AGREEMENT_MISSING,)
    assert list(clients_openable_by(world.worker, at=AT)) == []


@pytest.mark.rule("004-4a-personal-right")
def test_worker_without_any_grant_sees_no_client(world):
    save(world.grant, valid_until=AT - datetime.timedelta(days=1))

    decision = world.decide()

    assert decision.reasons == (Reason.GRANT_MISSING,)
    assert not decision.client_visible


@pytest.mark.rule("000-4-consent", "002-8-withdraw-any-time")
def test_a_withdrawal_after_the_moment_decided_on_did_not_yet_count(world):
    save(
        world.consent,
        status=Consent.Status.WITHDRAWN,
        withdrawn_at=AT + datetime.timedelta(seconds=1),
        withdrawn_by=world.worker,
    )

    assert world.decide().allowed
    assert world.decide(at=AT + datetime.timedelta(seconds=1)).reasons == (
        Reason.CONSENT_WITHDRAWN,
    )


@pytest.mark.rule("000-4-consent")
@pytest.mark.parametrize(
    ("newer", "reason"),
    [
        ({"status": Consent.Status.REFUSED}, Reason.CONSENT_MISSING),
        ({"valid_until": AT - datetime.timedelta(hours=1)}, Reason.CONSENT_EXPIRED),
    ],
    ids=["refused", "expired"],
)
def test_the_newest_answer_overrides_an_earlier_consent(world, newer, reason):
    ConsentFactory(client=world.client, signed_on=world.consent.signed_on, **newer)

    assert world.decide().reasons == (reason,)
    assert list(clients_openable_by(world.worker, at=AT)) == []


@pytest.mark.rule("000-4-consent")
def test_a_consent_signed_after_a_refusal_counts(world):
    save(world.consent, status=Consent.Status.REFUSED)
    newer = ConsentFactory(client=world.client, signed_on=AT.date())

    decision = world.decide()

    assert decision.allowed
    assert decision.basis["consent"] == newer.pk


@pytest.mark.rule("000-4-referral")
def test_a_referral_starting_tomorrow_does_not_count_today(world):
    save(world.referral, referred_on=AT.date() + datetime.timedelta(days=1))

    assert world.decide().reasons == (Reason.REFERRAL_MISSING,)


@pytest.mark.rule("000-7-client-groups", "004-4a-limited")
def test_grant_for_another_group_does_not_cover_even_when_a_second_referral_exists(world):
    ReferralFactory(client=world.client, group=client_group("walk_in"))
    world.grant.client_groups.set([client_group("integration")])

    assert world.decide().reasons == (Reason.GRANT_OUT_OF_SCOPE,)


@pytest.mark.rule("000-7-client-groups")
def test_a_second_referral_in_the_granted_group_is_the_basis(world):
    walk_in = ReferralFactory(client=world.client, group=client_group("walk_in"))
    world.grant.client_groups.set([client_group("walk_in")])

    decision = world.decide()

    assert decision.allowed
    assert decision.basis["referral"] == walk_in.pk


NOON = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=HELSINKI)
ONE_SECOND = datetime.timedelta(seconds=1)


@pytest.mark.rule("000-2-agreement-in-force", "000-4-consent", "004-4a-rights-up-to-date")
@pytest.mark.parametrize(
    ("ends", "reason"),
    [
        (lambda w: save(w.grant, valid_until=NOON), Reason.GRANT_MISSING),
        (lambda w: save(w.consent, valid_until=NOON), Reason.CONSENT_EXPIRED),
        (lambda w: save(w.agreement, ends_at=NOON), Reason.AGREEMENT_MISSING),
    ],
    ids=["grant", "consent", "agreement"],
)
def test_ending_at_noon_allows_a_second_before_and_refuses_at_noon(world, ends, reason):
    ends(world)

    assert world.decide(at=NOON - ONE_SECOND).allowed
    assert world.decide(at=NOON).reasons == (reason,)


@pytest.mark.rule("004-4a-limited")
def test_grant_starting_at_noon_refuses_a_second_before(world):
    save(world.grant, valid_from=NOON)

    assert world.decide(at=NOON - ONE_SECOND).reasons == (Reason.GRANT_MISSING,)
    assert world.decide(at=NOON).allowed


@pytest.mark.rule("000-4-all-conditions")
def test_set_form_agrees_at_the_boundary(world):
    save(world.grant, valid_until=NOON)

    assert list(clients_openable_by(world.worker, at=NOON - ONE_SECOND)) == [world.client]
    assert list(clients_openable_by(world.worker, at=NOON)) == []


@pytest.mark.parametrize("action", CASE_WORK_ACTIONS, ids=str)
def test_all_conditions_holding_open_the_full_record_for_every_action(world, action):
    decision = world.decide(action=action)

    assert decision.sections == FULL_RECORD + CONSENT_REQUEST
    assert decision.action == action


@pytest.mark.rule("000-5-nothing-without-consent")
@pytest.mark.parametrize("reason", CASE_WORK_REASONS, ids=str)
def test_only_a_missing_consent_leaves_the_consent_request_open(world, reason):
    BREAKERS[reason](world)

    decision = world.decide(purpose=purpose_unless_broken({reason}))

    assert decision.sections == (CONSENT_REQUEST if reason in CONSENT_REASONS else ())


@pytest.mark.rule("000-5-nothing-without-consent")
def test_the_consent_request_stays_closed_when_another_condition_fails_too(world):
    BREAKERS[Reason.CONSENT_MISSING](world)
    BREAKERS[Reason.SERVICE_NEED_MISSING](world)

    assert world.decide().sections == ()


def test_the_consent_request_is_only_what_asking_for_a_consent_needs():
    assert CONSENT_REQUEST == (Section.CONSENT_REQUEST,)
    assert Section.CONSENT_REQUEST not in FULL_RECORD


@pytest.mark.rule("004-4a-limited")
@pytest.mark.parametrize("action", [Action.VIEW, Action.PRINT, Action.EXPORT], ids=str)
def test_a_view_grant_reads_but_does_not_record(world, action):
    save(world.grant, authority=AccessGrant.Authority.VIEW)

    assert world.decide(action=action).allowed
    assert world.decide(action=Action.RECORD).reasons == (Reason.AUTHORITY_MISSING,)
    assert list(clients_openable_by(world.worker, action=action, at=AT)) == [world.client]
    assert list(clients_openable_by(world.worker, action=Action.RECORD, at=AT)) == []


def test_a_view_grant_cannot_record_even_while_only_the_consent_is_missing(world):
    save(world.grant, authority=AccessGrant.Authority.VIEW)
    BREAKERS[Reason.CONSENT_MISSING](world)

    recording = world.decide(action=Action.RECORD)

    assert set(recording.reasons) == {Reason.CONSENT_MISSING, Reason.AUTHORITY_MISSING}
    assert recording.sections == ()
    assert world.decide(action=Action.VIEW).sections == CONSENT_REQUEST


def test_a_recording_grant_for_another_group_does_not_lend_its_authority(world):
    save(world.grant, authority=AccessGrant.Authority.VIEW)
    other = AccessGrantFactory(
        grantee=world.worker,
        municipality=world.grant.municipality,
        authority=AccessGrant.Authority.RECORD,
    )
    other.client_groups.set([client_group("long_term_unemployed")])

    assert world.decide(action=Action.VIEW).allowed
    assert not world.decide(action=Action.VIEW).record_allowed
    assert world.decide(action=Action.RECORD).reasons == (Reason.AUTHORITY_MISSING,)
    assert list(clients_openable_by(world.worker, action=Action.RECORD, at=AT)) == []


@pytest.mark.parametrize("broken", [None, *BREAKERS], ids=str)
def test_a_view_says_whether_recording_would_be_allowed(world, broken):
    """What the record page offers (write links) is what the record action decides."""
    if broken is not None:
        BREAKERS[broken](world)
    purpose = purpose_unless_broken({broken})

    viewing = world.decide(action=Action.VIEW, purpose=purpose)
    recording = world.decide(action=Action.RECORD, purpose=purpose)

    assert viewing.record_allowed == recording.allowed
