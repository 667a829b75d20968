"""`manage.py load_demo_data` seeds a believable Joensuu region that shows every access decision."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from access.models import AccessGrant, User, WorkerAgreement
from access.policy import (
    CASE_WORK_ACTIONS,
    Action,
    Reason,
    clients_openable_by,
    clients_referred_to,
    clients_visible_to,
    decide,
)
from clients.identity_code import identity_code_hash, parse_identity_code
from clients.models import Client, ClientGroup, Municipality, Referral, ServiceNeed
from consent.models import Consent
from demo.clients import DEMO_SPECIAL_CLIENTS, NOT_VISIBLE, demo_clients_load

pytestmark = pytest.mark.django_db

SEEDED_MODELS = (
    Municipality,
    WorkerAgreement,
    AccessGrant,
    AccessGrant.client_groups.through,
    Client,
    Referral,
    ServiceNeed,
    Consent,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The real hasher takes seconds for the demo users' passwords; nothing here needs it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo_data() -> str:
    output = StringIO()
    call_command("load_demo_data", stdout=output)
    return output.getvalue()


@pytest.fixture
def output():
    return load_demo_data()


def snapshot() -> dict:
    """Every seeded row, field by field, keyed by model."""
    return {
        model._meta.label: sorted(model.objects.order_by().values_list()) for model in SEEDED_MODELS
    }


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_about_three_hundred_clients_with_valid_identity_codes(output):
    codes = list(Client.objects.values_list("identity_code", flat=True))

    assert 280 <= len(codes) <= 320
    for code in codes:
        parse_identity_code(code)  # raises ValidationError if invalid
    assert f"{len(codes)} clients" in output


def test_identity_codes_use_every_kind_of_century_sign_and_some_temporary_numbers(output):
    codes = [
        parse_identity_code(code) for code in Client.objects.values_list("identity_code", flat=True)
    ]
    signs = Counter(parsed.code[6] for parsed in codes)

    assert signs["-"] and signs["A"]
    assert sum(signs[sign] for sign in "YXWVU") >= 3
    assert sum(signs[sign] for sign in "BCDEF") >= 2
    assert sum(parsed.is_temporary for parsed in codes) >= 1


def test_second_load_changes_nothing(output):
    before = snapshot()

    second_output = load_demo_data()

    assert snapshot() == before
    assert "0 clients, 0 referrals, 0 service needs, 0 consents created" in second_output
    assert "0 worker agreements, 0 access grants" in second_output


def test_load_on_a_later_day_creates_nothing():
    """The identity codes, the natural key, do not depend on the day of loading."""
    load_demo_data()
    before = snapshot()

    counts = demo_clients_load(now=timezone.now() + datetime.timedelta(days=40))

    assert counts.clients == counts.referrals == counts.consents == 0
    assert counts.clients_present == Client.objects.count()
    assert snapshot() == before


def test_seeding_writes_no_change_history(output):
    seeded = ContentType.objects.get_for_models(*SEEDED_MODELS[:3], *SEEDED_MODELS[4:]).values()

    assert not LogEntry.objects.filter(content_type__in=seeded).exists()


def test_each_special_client_fails_exactly_its_condition_for_ohjaaja(output):
    ohjaaja, now = user("ohjaaja"), timezone.now()
    answers, expected = {}, {}

    for special in DEMO_SPECIAL_CLIENTS:
        client = Client.objects.get(identity_code=special.identity_code)
        decision = decide(
            actor=ohjaaja, client=client, purpose="meeting", action=Action.VIEW, at=now
        )
        assert client.full_name == special.name
        if special.expected == NOT_VISIBLE:
            answers[special.name] = decision.client_visible
            expected[special.name] = False
        else:
            answers[special.name] = (decision.client_visible, decision.reasons, decision.allowed)
            expected[special.name] = (True, special.expected, not special.expected)

    assert answers == expected
    for special in DEMO_SPECIAL_CLIENTS:
        assert special.identity_code in output


def test_ohjaajas_caseload_is_real_and_every_client_in_it_opens(output):
    ohjaaja, now = user("ohjaaja"), timezone.now()

    caseload = list(clients_openable_by(ohjaaja, at=now))

    assert len(caseload) >= 40
    denied = [
        client.identity_code
        for client in caseload
        if not decide(
            actor=ohjaaja, client=client, purpose="meeting", action=Action.VIEW, at=now
        ).allowed
    ]
    assert denied == []
    assert {client.home_municipality.code for client in caseload} == {"167"}


def test_valmentaja_opens_clients_in_kontiolahti_too(output):
    valmentaja, now = user("valmentaja"), timezone.now()

    openable = clients_openable_by(valmentaja, at=now)

    kontiolahti = openable.filter(home_municipality__code="276")
    assert kontiolahti.count() >= 3
    client = kontiolahti.first()
    assert decide(
        actor=valmentaja, client=client, purpose="meeting", action=Action.VIEW, at=now
    ).allowed
    assert set(
        clients_visible_to(valmentaja, at=now).values_list("home_municipality__code", flat=True)
    ) == {"167", "276"}


@pytest.mark.rule("000-4-own-record")
def test_every_demo_client_keeps_the_hash_of_their_identity_code(output):
    stored = Client.objects.values_list("identity_code", "identity_code_hash")

    assert all(hashed == identity_code_hash(code) for code, hashed in stored)


@pytest.mark.rule("000-4-own-record")
def test_valmentajas_own_record_fails_only_for_being_his_own(output):
    valmentaja, now = user("valmentaja"), timezone.now()
    [special] = [special for special in DEMO_SPECIAL_CLIENTS if special.owner == "valmentaja"]
    own = Client.objects.get(identity_code=special.identity_code)

    for action in CASE_WORK_ACTIONS:
        decision = decide(actor=valmentaja, client=own, purpose="meeting", action=action, at=now)
        assert decision.reasons == (Reason.OWN_RECORD,), action
    assert own.full_name == valmentaja.get_full_name()
    assert not clients_openable_by(valmentaja, at=now).filter(pk=own.pk).exists()
    assert clients_referred_to(valmentaja, at=now).filter(pk=own.pk).exists()
    # Nobody records a consent on their own record.
    assert not own.consents.filter(recorded_by=valmentaja).exists()


def test_case_workers_have_agreements_and_recording_grants(output):
    grants = AccessGrant.objects.order_by("grantee__username", "municipality__code")

    assert [(g.grantee.username, g.municipality.code) for g in grants] == [
        ("ohjaaja", "167"),
        ("valmentaja", "167"),
        ("valmentaja", "276"),
    ]
    assert {g.authority for g in grants} == {AccessGrant.Authority.RECORD}
    assert {g.granted_by.username for g in grants} == {"paakayttaja"}
    # An agreement with each municipality that grants the worker access (seed 000 §1).
    agreements = WorkerAgreement.objects.order_by("worker__username", "municipality__code")
    assert [(a.worker.username, a.municipality.code) for a in agreements] == [
        (g.grantee.username, g.municipality.code) for g in grants
    ]


def test_clients_spread_over_the_region_groups_and_languages(output):
    now = timezone.now()
    active = Referral.objects.filter(ended_on__isnull=True)

    assert set(active.values_list("group__code", flat=True)) == set(
        ClientGroup.objects.values_list("code", flat=True)
    )
    per_municipality = Counter(Client.objects.values_list("home_municipality__code", flat=True))
    assert set(per_municipality) == {"167", "276", "426", "309", "607"}
    assert per_municipality.most_common(1)[0][0] == "167"
    assert {"fi", "sv", "ru", "ar", "so", "en"} <= set(
        Client.objects.values_list("mother_tongue", flat=True)
    )
    assert Consent.objects.filter(
        status=Consent.Status.GIVEN,
        valid_until__gt=now,
        valid_until__lte=now + datetime.timedelta(days=30),
    ).exists()


def test_service_need_history_keeps_one_documented_assessment_per_client(output):
    documented = Counter(
        ServiceNeed.objects.filter(status=ServiceNeed.Status.DOCUMENTED).values_list(
            "client", flat=True
        )
    )

    assert set(documented.values()) == {1}
    assert ServiceNeed.objects.filter(status=ServiceNeed.Status.SUPERSEDED).exists()
    for need in ServiceNeed.objects.filter(status=ServiceNeed.Status.SUPERSEDED)[:50]:
        newest = need.client.service_needs.get(status=ServiceNeed.Status.DOCUMENTED)
        assert newest.assessed_on > need.assessed_on


def test_the_official_registered_every_demo_client_from_the_labour_authoritys_system():
    load_demo_data()

    assert set(Client.objects.values_list("recorded_by__username", "source").distinct()) == {
        ("virkailija", "Työvoimaviranomaisen asiakastietojärjestelmä")
    }
