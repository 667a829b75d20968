"""The policy's two forms give the same answer for any state and every action (hypothesis).

Both on whether the actor may act (`clients_openable_by`) and on whether they may know the
client exists (`clients_visible_to`), for a worker who may also be an intake official and may
have a client record of their own among the clients.
"""

import datetime
import zoneinfo

from guardian.shortcuts import assign_perm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from access.policy import Action, clients_openable_by, clients_visible_to, decide
from clients.identity_code import identity_code_hash
from clients.models import ClientGroup
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
    identity_code_for,
)

AT = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki"))
DAY = datetime.timedelta(days=1)
MUNICIPALITY_CODES = ("167", "426")
GROUP_CODES = ("ohjaamo_youth", "walk_in", "integration")

# Each state of a row is relative to AT: before it, around it, after it.
referral_states = st.sampled_from(["none", "active", "ended", "ends_today", "future"])
need_states = st.sampled_from(["none", "documented", "superseded", "future"])
consent_states = st.sampled_from(
    [
        "none",
        "given",
        "refused",
        "withdrawn",
        "withdrawn_later",
        "expired",
        "expires_later",
        "scan_due_later",
        "scan_overdue",
    ]
)
grant_states = st.sampled_from(["valid", "expired", "future", "revoked", "revoked_later"])

client_specs = st.fixed_dictionaries(
    {
        "municipality": st.sampled_from(MUNICIPALITY_CODES),
        "referrals": st.lists(st.tuples(referral_states, st.sampled_from(GROUP_CODES)), max_size=2),
        "need": need_states,
        # (state, days before AT it was signed): the newest answer is the one that counts.
        "consents": st.lists(st.tuples(consent_states, st.sampled_from([3, 2, 0, -1])), max_size=3),
    }
)
grant_specs = st.fixed_dictionaries(
    {
        "municipality": st.sampled_from(MUNICIPALITY_CODES),
        "groups": st.sets(st.sampled_from(GROUP_CODES), min_size=1),
        "state": grant_states,
        "authority": st.sampled_from(["view", "record"]),
    }
)
worlds = st.fixed_dictionaries(
    {
        "agreement": st.sampled_from(["in_force", "ended", "none", "ends_later"]),
        "grants": st.lists(grant_specs, max_size=3),
        "clients": st.lists(client_specs, min_size=1, max_size=4),
        # The municipalities the worker serves as a labour-authority official.
        "served": st.sets(st.sampled_from(MUNICIPALITY_CODES)),
        # Whose identity code the worker's account keeps: no one's, a client's (by index, the
        # worker's own record), or one no client has.
        "own": st.one_of(st.none(), st.integers(min_value=0, max_value=3), st.just("stranger")),
    }
)


class PolicyFormsAgree(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(world=worlds)
    def test_decide_and_the_set_form_agree(self, world):
        worker = UserFactory()
        build_agreement(worker, world["agreement"])
        for spec in world["grants"]:
            build_grant(worker, spec)
        for code in world["served"]:
            assign_perm("clients.serve_municipality", worker, municipality(code))
        clients = [build_client(spec) for spec in world["clients"]]
        worker.identity_code_hash = own_hash(world["own"], clients)
        worker.save(update_fields=["identity_code_hash"])

        for action in Action:
            purpose = "intake" if action == Action.INTAKE else "meeting"
            openable = set(
                clients_openable_by(worker, action=action, at=AT).values_list("pk", flat=True)
            )
            visible = set(
                clients_visible_to(worker, action=action, at=AT).values_list("pk", flat=True)
            )
            for client in clients:
                decision = decide(
                    actor=worker, client=client, purpose=purpose, action=action, at=AT
                )
                self.assertEqual(decision.allowed, client.pk in openable, (action, decision))
                self.assertEqual(decision.client_visible, client.pk in visible, (action, decision))
                self.assertFalse(
                    decide(actor=worker, client=client, purpose=None, action=action, at=AT).allowed
                )


def own_hash(own, clients) -> str:
    if own is None:
        return ""
    if own == "stranger" or own >= len(clients):
        return identity_code_hash(identity_code_for(datetime.date(1980, 2, 29), 123))
    return identity_code_hash(clients[own].identity_code)


def municipality(code):
    return MunicipalityFactory(code=code)


def build_agreement(worker, state):
    if state == "none":
        return
    ends_at = {"in_force": None, "ended": AT - DAY, "ends_later": AT + DAY}[state]
    WorkerAgreementFactory(worker=worker, municipality=municipality("167"), ends_at=ends_at)


def build_grant(worker, spec):
    valid_from, valid_until, revoked_at = AT - 30 * DAY, AT + 30 * DAY, None
    match spec["state"]:
        case "expired":
            valid_until = AT
        case "future":
            valid_from = AT + DAY
        case "revoked":
            revoked_at = AT - DAY
        case "revoked_later":
            revoked_at = AT + DAY
    AccessGrantFactory(
        grantee=worker,
        municipality=municipality(spec["municipality"]),
        client_groups=list(ClientGroup.objects.filter(code__in=spec["groups"])),
        valid_from=valid_from,
        valid_until=valid_until,
        revoked_at=revoked_at,
        authority=spec["authority"],
    )


def build_client(spec):
    client = ClientFactory(home_municipality=municipality(spec["municipality"]))
    today = AT.date()
    for state, group_code in spec["referrals"]:
        if state == "none":
            continue
        referred_on = today + DAY if state == "future" else today - 10 * DAY
        ended_on = {"ended": today - DAY, "ends_today": today}.get(state)
        ReferralFactory(
            client=client,
            group=ClientGroup.objects.get(code=group_code),
            referred_on=referred_on,
            ended_on=ended_on,
        )
    if spec["need"] != "none":
        ServiceNeedFactory(
            client=client,
            status="superseded" if spec["need"] == "superseded" else "documented",
            assessed_on=today + DAY if spec["need"] == "future" else today - 5 * DAY,
        )
    for state, days_ago in spec["consents"]:
        build_consent(client, state, signed_on=AT.date() - days_ago * DAY)
    return client


def build_consent(client, state, signed_on):
    if state == "none":
        return
    fields = {"status": Consent.Status.GIVEN, "signed_on": signed_on}
    match state:
        case "refused":
            fields["status"] = Consent.Status.REFUSED
        case "withdrawn" | "withdrawn_later":
            fields["status"] = Consent.Status.WITHDRAWN
            fields["withdrawn_at"] = AT - DAY if state == "withdrawn" else AT + DAY
        case "expired":
            fields["valid_until"] = AT
        case "expires_later":
            fields["valid_until"] = AT + DAY
        case "scan_due_later":
            fields["scan_due_at"] = AT + DAY
        case "scan_overdue":
            fields["scan_due_at"] = AT
    ConsentFactory(client=client, **fields)
