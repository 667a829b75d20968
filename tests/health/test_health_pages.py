"""The health pages: the record page's block, the section's own logged page, recording an
item, and the erasure that follows a withdrawn consent to obtaining health data."""

import re

import pytest
from django.db import DatabaseError, transaction

from access.models import AccessGrant
from access.policy import Reason
from audit.actions import Action as LoggedAction
from audit.models import AccessEvent
from consent.models import Consent
from health.models import HealthItem
from health.services import HealthItemRefused
from records.withdrawal import consent_withdraw_and_erase
from tests.factories import ConsentFactory, HealthItemFactory
from tests.log import block_access_event_inserts
from tests.pages import state_purpose

HEALTH_BLOCK = re.compile(r'<section[^>]*data-testid="health-block".*?</section>', re.S)


def _health_data(setting, *, on=True, authority=AccessGrant.Authority.RECORD):
    AccessGrant.objects.filter(grantee=setting.worker).update(health_data=on, authority=authority)


def _latest_look():
    return AccessEvent.objects.filter(action=LoggedAction.CLIENT_VIEWED).latest("pk")


def _item_form(**changes):
    return {
        "kind": HealthItem.Kind.LIMITATION,
        "description": "Ei voi nostaa yli 10 kg: rajoittaa varastotöitä.",
        "source": HealthItem.Source.CLIENT,
        "source_detail": "",
        "information_date": "2026-01-15",
    } | changes


@pytest.fixture
def assessing(worker_client, setting):
    """The worker, with health data in their grant, assessing the openable client's work ability."""
    _health_data(setting)
    state_purpose(worker_client, setting.openable, purpose="work_ability")
    return worker_client


def test_the_record_page_links_the_open_section_without_fetching_it(assessing, setting):
    HealthItemFactory(client=setting.openable, description="Selkävaiva rajoittaa")

    page = assessing.get(f"/clients/{setting.openable.pk}/")

    assert b'data-testid="health-link"' in page.content
    assert "Selkävaiva" not in page.content.decode()
    assert "health" not in _latest_look().sections


@pytest.mark.parametrize(
    "health_flag, purpose, reasons",
    [
        (False, "work_ability", [Reason.HEALTH_SCOPE_MISSING]),
        (True, "meeting", [Reason.HEALTH_PURPOSE_MISSING]),
    ],
)
def test_the_closed_notice_is_the_same_with_and_without_items(
    worker_client, setting, health_flag, purpose, reasons
):
    _health_data(setting, on=health_flag)
    state_purpose(worker_client, setting.openable, purpose=purpose)
    path = f"/clients/{setting.openable.pk}/"

    empty = HEALTH_BLOCK.search(worker_client.get(path).content.decode())[0]
    HealthItemFactory(client=setting.openable)
    held = HEALTH_BLOCK.search(worker_client.get(path).content.decode())[0]

    assert empty == held
    assert 'data-testid="health-closed"' in held
    assert worker_client.get(path).context["record"].health_closed == tuple(reasons)


@pytest.mark.rule("004-3-health", "000-6-views-logged")
def test_the_section_page_is_logged_as_the_health_section(assessing, setting):
    item = HealthItemFactory(client=setting.openable)

    page = assessing.get(f"/clients/{setting.openable.pk}/health/")

    assert page.status_code == 200
    assert item.description in page.content.decode()
    assert f"/clients/{setting.openable.pk}/health/new/" in page.content.decode()
    look = _latest_look()
    assert look.sections == ["health"]
    assert look.decision == AccessEvent.Decision.ALLOWED
    assert look.basis["health_grant"] == AccessGrant.objects.get(grantee=setting.worker).pk


def test_a_closed_section_page_is_refused_and_logged_with_its_reasons(worker_client, setting):
    state_purpose(worker_client, setting.openable, purpose="work_ability")
    HealthItemFactory(client=setting.openable, description="Selkävaiva rajoittaa")

    page = worker_client.get(f"/clients/{setting.openable.pk}/health/")

    assert page.status_code == 403
    assert "Selkävaiva" not in page.content.decode()
    look = _latest_look()
    assert look.sections == []
    assert look.decision == AccessEvent.Decision.DENIED
    assert look.reason_codes == [Reason.HEALTH_SCOPE_MISSING]


def test_an_item_is_recorded_with_its_source_and_recorder(assessing, setting):
    response = assessing.post(f"/clients/{setting.openable.pk}/health/new/", _item_form())

    assert response.status_code == 302
    item = HealthItem.objects.get()
    assert (item.client, item.recorded_by, item.source) == (
        setting.openable,
        setting.worker,
        HealthItem.Source.CLIENT,
    )
    event = AccessEvent.objects.get(action=LoggedAction.HEALTH_ITEM_RECORDED)
    assert event.details == {"kind": "limitation", "source": "client"}
    assert _latest_look().sections == ["health"]


@pytest.mark.rule("004-3-health")
def test_the_form_says_only_data_affecting_employment_is_recorded(assessing, setting):
    page = assessing.get(f"/clients/{setting.openable.pk}/health/new/")

    assert b'data-testid="health-only-employment"' in page.content


def test_a_view_only_worker_sees_no_form_and_a_forged_post_is_refused(worker_client, setting):
    _health_data(setting, authority=AccessGrant.Authority.VIEW)
    state_purpose(worker_client, setting.openable, purpose="work_ability")
    section = worker_client.get(f"/clients/{setting.openable.pk}/health/")
    assert section.status_code == 200
    assert f"/clients/{setting.openable.pk}/health/new/" not in section.text

    response = worker_client.post(f"/clients/{setting.openable.pk}/health/new/", _item_form())

    assert response.status_code == 403
    assert not HealthItem.objects.exists()
    assert _latest_look().reason_codes == [Reason.AUTHORITY_MISSING]


@pytest.mark.rule("001-5-obtain-health-consent")
@pytest.mark.parametrize("source", [HealthItem.Source.SOCIAL_SERVICES, "health_services"])
def test_an_item_from_services_is_refused_without_the_obtaining_consent(assessing, setting, source):
    response = assessing.post(
        f"/clients/{setting.openable.pk}/health/new/", _item_form(source=source)
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["source"]
    assert error.code == HealthItemRefused.CONSENT_MISSING
    assert not HealthItem.objects.exists()


def test_a_refused_obtaining_consent_does_not_count(assessing, setting):
    ConsentFactory(
        client=setting.openable,
        kind=Consent.Kind.HEALTH_OBTAINING,
        status=Consent.Status.REFUSED,
        paper_held_confirmed=False,
    )

    response = assessing.post(
        f"/clients/{setting.openable.pk}/health/new/", _item_form(source="social_services")
    )

    assert response.context["form"].errors.as_data()["source"][0].code == (
        HealthItemRefused.CONSENT_MISSING
    )


@pytest.mark.rule("001-5-obtain-health-consent")
def test_an_item_from_services_rests_on_the_obtaining_consent(assessing, setting):
    consent = ConsentFactory(client=setting.openable, kind=Consent.Kind.HEALTH_OBTAINING)

    assessing.post(
        f"/clients/{setting.openable.pk}/health/new/", _item_form(source="social_services")
    )

    assert HealthItem.objects.get().consent == consent


@pytest.mark.rule("001-14-erasure-after-withdrawal")
def test_withdrawing_the_obtaining_consent_erases_its_items_as_one_typed_event(assessing, setting):
    consent = ConsentFactory(client=setting.openable, kind=Consent.Kind.HEALTH_OBTAINING)
    resting = [
        HealthItemFactory(client=setting.openable, source="health_services", consent=consent)
        for _ in range(2)
    ]
    kept = HealthItemFactory(client=setting.openable, description="Asiakkaan oma kertomus")

    assessing.post(
        f"/clients/{setting.openable.pk}/consents/{consent.pk}/withdraw/", {"channel": "phone"}
    )

    assert list(HealthItem.objects.all()) == [kept]
    [erasure] = AccessEvent.objects.filter(action=LoggedAction.HEALTH_ITEM_ERASED)
    assert erasure.details == {
        "count": 2,
        "items": sorted(item.pk for item in resting),
        "cause": "consent_withdrawn",
    }
    assert (erasure.target_type, erasure.target_id) == ("consent.consent", str(consent.pk))
    assert erasure.client_id == setting.openable.pk


def test_withdrawing_another_kind_erases_nothing(setting):
    item = HealthItemFactory(client=setting.openable)
    viewing = setting.openable.consents.get(kind=Consent.Kind.VIEWING)

    _consent, erased = consent_withdraw_and_erase(
        actor=setting.worker, consent=viewing, channel="phone"
    )

    assert erased == []
    assert list(HealthItem.objects.all()) == [item]
    assert not AccessEvent.objects.filter(action=LoggedAction.HEALTH_ITEM_ERASED).exists()


@pytest.mark.rule("001-14-erasure-after-withdrawal")
def test_a_refused_erasure_event_erases_nothing_and_keeps_the_consent(setting):
    consent = ConsentFactory(client=setting.openable, kind=Consent.Kind.HEALTH_OBTAINING)
    item = HealthItemFactory(client=setting.openable, source="social_services", consent=consent)
    block_access_event_inserts()

    with pytest.raises(DatabaseError), transaction.atomic():
        consent_withdraw_and_erase(actor=setting.worker, consent=consent, channel="phone")

    assert list(HealthItem.objects.all()) == [item]
    consent.refresh_from_db()
    assert consent.status == Consent.Status.GIVEN


def test_every_withdrawal_goes_through_the_erasing_function():
    """The consent pages may not withdraw without erasing: they never call the bare service."""
    import records.consent_views

    assert not hasattr(records.consent_views, "consent_withdraw")
    assert hasattr(records.consent_views, "consent_withdraw_and_erase")
