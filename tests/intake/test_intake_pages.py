"""The labour authority's intake pages: register, refer, document the need, move, end, restart."""

import datetime

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from access.policy import Reason
from access.roles import Role
from audit.actions import Action
from audit.models import AccessEvent
from audit.services import CLIENT_NOT_FOUND
from clients.models import Client, ClientMove, Referral, ServiceNeed
from tests.factories import (
    ClientFactory,
    MunicipalityFactory,
    ReferralFactory,
    UserFactory,
    client_group,
    identity_code_for,
)

NEW_CODE = identity_code_for(datetime.date(2004, 5, 17), 123)
SOURCE = "TE-palvelujen asiakastietojärjestelmä"


@pytest.fixture
def joensuu(db):
    return MunicipalityFactory(code="167")


@pytest.fixture
def liperi(db):
    return MunicipalityFactory(code="426")


@pytest.fixture
def official(labour_official, joensuu):
    assign_perm("clients.serve_municipality", labour_official, joensuu)
    return labour_official


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


def registration(**changes) -> dict:
    return {
        "identity_code": NEW_CODE,
        "first_names": "Aada Maria",
        "last_name": "Uusi",
        "home_municipality": str(MunicipalityFactory(code="167").pk),
        "mother_tongue": "fi",
        "service_language": "fi",
        "started_on": "2026-01-05",
        "source": SOURCE,
    } | changes


def changes_by(actor) -> list[str]:
    return list(
        AccessEvent.objects.filter(actor=actor, action__in=[a for a in Action])
        .exclude(action__in=[Action.CLIENT_VIEWED, Action.CLIENT_SEARCHED])
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.mark.rule("000-4-intake", "004-4-source-recorder")
def test_the_official_registers_a_client_with_a_relationship_and_a_typed_event(
    official_client, official, joensuu
):
    response = official_client.post("/intake/register/", registration())

    client = Client.objects.get(identity_code=NEW_CODE)
    assert response.status_code == 302
    assert response.url == f"/intake/clients/{client.pk}/"
    assert client.home_municipality == joensuu
    assert (client.recorded_by, client.source) == (official, SOURCE)
    relationship = client.relationship
    assert relationship.started_on == datetime.date(2026, 1, 5)
    assert relationship.recorded_by == official
    assert changes_by(official) == [Action.CLIENT_REGISTERED]
    # The code is looked up (and the search logged) before anything is written.
    search = AccessEvent.objects.get(actor=official, action=Action.CLIENT_SEARCHED)
    assert search.search_criteria == {"identity_code": NEW_CODE[:6] + "-****"}


def test_a_code_registered_in_the_officials_municipality_links_to_the_client(
    official_client, official, joensuu
):
    existing = ClientFactory(identity_code=NEW_CODE, home_municipality=joensuu)

    response = official_client.post("/intake/register/", registration(first_names="Toinen"))

    assert response.status_code == 200
    assert response.context["lookup"].client == existing
    assert f"/intake/clients/{existing.pk}/" in response.content.decode()
    assert Client.objects.count() == 1
    assert changes_by(official) == []


def test_a_code_registered_elsewhere_says_only_that_it_is(official_client, official, liperi):
    elsewhere = ClientFactory(identity_code=NEW_CODE, home_municipality=liperi)

    response = official_client.post("/intake/register/", registration())

    page = response.content.decode()
    assert response.context["lookup"].registered_elsewhere
    assert response.context["lookup"].client is None
    assert elsewhere.last_name not in page
    assert "Liperi" not in page
    assert f"/clients/{elsewhere.pk}/" not in page
    assert Client.objects.count() == 1
    search = AccessEvent.objects.get(actor=official, action=Action.CLIENT_SEARCHED)
    assert search.details["registered_elsewhere"] is True


def test_the_lookup_finds_the_officials_client_and_says_nothing_of_others(
    official_client, joensuu, liperi
):
    mine = ClientFactory(home_municipality=joensuu)
    theirs = ClientFactory(home_municipality=liperi)

    assert official_client.post("/intake/", {"identity_code": mine.identity_code}).url == (
        f"/intake/clients/{mine.pk}/"
    )
    response = official_client.post("/intake/", {"identity_code": theirs.identity_code})
    assert response.status_code == 200
    assert response.context["lookup"].registered_elsewhere
    assert theirs.last_name not in response.content.decode()


def test_register_offers_only_the_officials_municipalities(official_client, liperi):
    response = official_client.post(
        "/intake/register/", registration(home_municipality=str(liperi.pk))
    )

    assert response.status_code == 200
    assert "home_municipality" in response.context["form"].errors
    assert not Client.objects.exists()


@pytest.mark.rule("000-4-intake", "004-4-source-recorder")
def test_refer_end_and_document_the_need(official_client, official, joensuu):
    client = ClientFactory(home_municipality=joensuu)
    base = f"/intake/clients/{client.pk}"

    official_client.post(
        f"{base}/refer/",
        {
            "group": client_group().pk,
            "referring_authority": "Pohjois-Karjalan työllisyysalue",
            "referred_on": "2026-02-01",
            "source": SOURCE,
        },
    )
    referral = Referral.objects.get(client=client)
    official_client.post(
        f"{base}/service-need/",
        {
            "assessment": "Tarvitsee tukea työnhakuun.",
            "assessed_on": "2026-02-02",
            "assessed_by": "Työvoimaneuvoja",
            "source": SOURCE,
        },
    )
    official_client.post(
        f"{base}/referrals/{referral.pk}/end/", {"ended_on": "2026-03-01", "reason": "employed"}
    )

    referral.refresh_from_db()
    assert (referral.ended_on, referral.end_reason) == (datetime.date(2026, 3, 1), "employed")
    assert referral.recorded_by == official
    need = ServiceNeed.objects.get(client=client)
    assert (need.status, need.recorded_by, need.source) == ("documented", official, SOURCE)
    assert changes_by(official) == [
        Action.REFERRAL_RECORDED,
        Action.SERVICE_NEED_DOCUMENTED,
        Action.REFERRAL_ENDED,
    ]
    # Each page was a logged look of the intake purpose.
    looks = AccessEvent.objects.filter(actor=official, action=Action.CLIENT_VIEWED, client=client)
    assert looks.count() == 3
    assert set(looks.values_list("purpose_code", flat=True)) == {"intake"}


def test_a_refused_change_is_a_form_error_with_the_services_code(official_client, joensuu):
    client = ClientFactory(home_municipality=joensuu)
    ReferralFactory(client=client, referred_on=datetime.date(2026, 1, 1))

    response = official_client.post(
        f"/intake/clients/{client.pk}/refer/",
        {
            "group": client_group().pk,
            "referring_authority": "Pohjois-Karjalan työllisyysalue",
            "referred_on": "2026-02-01",
            "source": SOURCE,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Referral.objects.filter(client=client).count() == 1


def test_a_move_takes_the_client_out_of_the_officials_sight(
    official_client, official, joensuu, liperi
):
    client = ClientFactory(home_municipality=joensuu)
    today = timezone.localdate()

    response = official_client.post(
        f"/intake/clients/{client.pk}/move/",
        {
            "municipality": liperi.pk,
            "moved_on": today.isoformat(),
            "source": "Väestötietojärjestelmä",
        },
    )

    assert response.status_code == 302
    client.refresh_from_db()
    assert client.home_municipality == liperi
    move = ClientMove.objects.get(client=client)
    assert (move.moved_from, move.moved_to, move.moved_on) == (joensuu, liperi, today)
    assert official_client.get(f"/intake/clients/{client.pk}/").status_code == 404


def test_ending_the_relationship_ends_its_referrals_and_a_return_starts_a_new_one(
    official_client, official, joensuu
):
    client = ClientFactory(home_municipality=joensuu)
    referral = ReferralFactory(client=client, referred_on=datetime.date(2025, 6, 1))
    base = f"/intake/clients/{client.pk}"

    official_client.post(f"{base}/relationship/end/", {"ended_on": "2026-01-31"})
    official_client.post(
        f"{base}/relationship/new/", {"started_on": "2026-03-01", "source": SOURCE}
    )

    referral.refresh_from_db()
    assert (referral.ended_on, referral.end_reason) == (
        datetime.date(2026, 1, 31),
        Referral.EndReason.RELATIONSHIP_ENDED,
    )
    relationships = list(client.relationships.order_by("started_on"))
    assert [(r.started_on, r.ended_on) for r in relationships] == [
        (datetime.date(2025, 1, 1), datetime.date(2026, 1, 31)),
        (datetime.date(2026, 3, 1), None),
    ]
    assert changes_by(official) == [
        Action.REFERRAL_ENDED,
        Action.RELATIONSHIP_ENDED,
        Action.RELATIONSHIP_STARTED,
    ]


INTAKE_CLIENT_PAGES = [
    "",
    "refer/",
    "service-need/",
    "move/",
    "relationship/end/",
    "relationship/new/",
]


@pytest.mark.rule("002-13-need-to-know")
@pytest.mark.parametrize("page", INTAKE_CLIENT_PAGES)
def test_an_official_of_joensuu_cannot_see_or_change_a_liperi_client(
    official_client, official, liperi, page
):
    other = ClientFactory(home_municipality=liperi)
    referral = ReferralFactory(client=other)
    url = f"/intake/clients/{other.pk}/{page}"

    assert official_client.get(url).status_code == 404
    assert official_client.post(url, {"ended_on": "2026-01-01"}).status_code == 404
    ending = f"/intake/clients/{other.pk}/referrals/{referral.pk}/end/"
    assert (
        official_client.post(ending, {"ended_on": "2026-01-01", "reason": "other"}).status_code
        == 404
    )

    refused = AccessEvent.objects.filter(actor=official, client=other)
    assert refused.count() == 3
    assert all(e.reason_codes == [Reason.SCOPE_MISSING] for e in refused)
    assert all(e.decision == AccessEvent.Decision.DENIED for e in refused)
    referral.refresh_from_db()
    assert referral.ended_on is None
    assert changes_by(official) == []


def test_a_missing_client_is_logged_as_such(official_client, official):
    assert official_client.get("/intake/clients/999999/").status_code == 404
    assert AccessEvent.objects.get(actor=official).reason_codes == [CLIENT_NOT_FOUND]


def test_another_clients_referral_is_answered_as_missing(official_client, joensuu):
    client, other = (
        ClientFactory(home_municipality=joensuu),
        ClientFactory(home_municipality=joensuu),
    )
    referral = ReferralFactory(client=other)

    response = official_client.post(
        f"/intake/clients/{client.pk}/referrals/{referral.pk}/end/",
        {"ended_on": "2026-01-01", "reason": "other"},
    )

    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.ended_on is None


def test_the_official_never_opens_a_case_workers_page_and_the_reverse(
    client, official, joensuu, case_worker
):
    target = ClientFactory(home_municipality=joensuu)
    client.force_login(official)
    assert client.get(f"/clients/{target.pk}/").status_code == 403
    assert client.get(f"/clients/{target.pk}/purpose/").status_code == 403
    assert client.get("/clients/").status_code == 403

    client.force_login(case_worker)
    assert client.get("/intake/").status_code == 403
    assert client.get(f"/intake/clients/{target.pk}/").status_code == 403
    assert not AccessEvent.objects.exists()


def test_an_official_with_no_municipality_sees_nobody(client, labour_official, joensuu):
    target = ClientFactory(home_municipality=joensuu)
    client.force_login(labour_official)

    assert client.get(f"/intake/clients/{target.pk}/").status_code == 404
    assert client.post("/intake/register/", registration()).status_code == 200
    assert not Client.objects.filter(identity_code=NEW_CODE).exists()


def test_a_global_permission_grants_no_scope(client, labour_official, joensuu):
    """Only object permissions count: a model-wide permission would serve every municipality."""
    from django.contrib.auth.models import Permission

    labour_official.user_permissions.add(Permission.objects.get(codename="serve_municipality"))
    target = ClientFactory(home_municipality=joensuu)
    client.force_login(labour_official)

    assert client.get(f"/intake/clients/{target.pk}/").status_code == 404


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_intake_pages_render_in_each_language(official_client, joensuu, language):
    target = ClientFactory(home_municipality=joensuu)
    official_client.cookies["django_language"] = language
    for url in ["/intake/", "/intake/register/", f"/intake/clients/{target.pk}/"]:
        response = official_client.get(url)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


def test_a_user_with_both_roles_is_refused_nothing_they_hold(client, joensuu):
    both = UserFactory(roles=[Role.LABOUR_OFFICIAL, Role.CASE_WORKER])
    assign_perm("clients.serve_municipality", both, joensuu)
    target = ClientFactory(home_municipality=joensuu)
    client.force_login(both)

    assert client.get(f"/intake/clients/{target.pk}/").status_code == 200


def test_not_registered_leads_to_the_register_form_with_the_code_filled_in(official_client):
    response = official_client.post(
        "/intake/register/", {"identity_code": NEW_CODE, "prefill": "1"}
    )

    form = response.context["form"]
    assert not form.is_bound
    assert form.initial == {"identity_code": NEW_CODE}
    assert not Client.objects.exists()
