"""Recording the client's answer with its evidence, from the client's consent pages."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.actions import Action
from audit.models import AccessEvent
from consent.models import Consent
from tests.consent.conftest import pdf_bytes, png_bytes, stored_scans
from tests.pages import state_purpose


def consents_url(client, suffix=""):
    return f"/clients/{client.pk}/consents/{suffix}"


def answer(**overrides):
    fields = {
        "kind": "viewing",
        "status": "given",
        "signed_on": timezone.localdate().isoformat(),
        "place": "ohjaamo",
    }
    return fields | overrides


@pytest.fixture
def without_consent(worker_client, setting):
    state_purpose(worker_client, setting.without_consent, purpose="consent")
    return setting.without_consent


@pytest.mark.rule("000-6-views-logged", "000-5-nothing-without-consent")
def test_consent_pages_open_without_the_viewing_consent_and_are_logged(
    worker_client, without_consent
):
    response = worker_client.get(consents_url(without_consent))

    assert response.status_code == 200
    assert without_consent.identity_code in response.text
    event = AccessEvent.objects.get()
    assert event.decision == AccessEvent.Decision.LIMITED
    assert event.sections == ["consent_request"]
    assert event.reason_codes == ["consent_missing"]


@pytest.mark.rule("000-5-nothing-without-consent")
def test_the_record_shows_only_identity_and_consents_while_the_consent_is_missing(
    worker_client, without_consent
):
    response = worker_client.get(f"/clients/{without_consent.pk}/")

    assert response.status_code == 200
    assert response.context["record"].limited
    assert "Pyydä asiakasta allekirjoittamaan suostumuslomake." in response.text
    assert "Palveluntarve" not in response.text
    assert without_consent.service_needs.get().assessment not in response.text


@pytest.mark.rule("000-5-written-consent", "000-4-consent")
def test_a_given_consent_with_a_scan_opens_the_record(worker_client, without_consent, scan_root):
    scan = SimpleUploadedFile("lomake.pdf", pdf_bytes(), content_type="application/pdf")

    response = worker_client.post(consents_url(without_consent, "new/"), answer(scan=scan))

    assert response.status_code == 302
    consent = Consent.objects.get(client=without_consent)
    assert consent.scan_content_type == "application/pdf"
    assert not consent.paper_held_confirmed
    [stored] = stored_scans(scan_root)
    assert stored.name != "lomake.pdf" and stored.suffix == ".pdf"
    record = worker_client.get(f"/clients/{without_consent.pk}/")
    assert without_consent.service_needs.get().assessment in record.text


@pytest.mark.rule("000-5-written-consent")
def test_a_given_consent_without_a_scan_needs_the_paper_confirmed(worker_client, without_consent):
    refused = worker_client.post(consents_url(without_consent, "new/"), answer())
    confirmed = worker_client.post(
        consents_url(without_consent, "new/"), answer(paper_held_confirmed="on")
    )

    assert "Liitä skannaus tai vahvista" in refused.text
    assert confirmed.status_code == 302
    consent = Consent.objects.get(client=without_consent)
    assert consent.awaiting_scan and consent.paper_held_confirmed
    listing = worker_client.get(consents_url(without_consent))
    assert "odottaa skannausta" in listing.text


@pytest.mark.rule("000-4-consent", "004-6-employer-consent")
def test_a_refusal_is_recorded_and_still_bars_the_record(worker_client, without_consent):
    worker_client.post(consents_url(without_consent, "new/"), answer(status="refused"))

    assert Consent.objects.get(client=without_consent).status == "refused"
    record = worker_client.get(f"/clients/{without_consent.pk}/")
    assert record.context["record"].limited


@pytest.mark.rule("004-6-health-itemised")
def test_health_data_consent_must_be_itemised(worker_client, without_consent):
    response = worker_client.post(
        consents_url(without_consent, "new/"),
        answer(kind="health_disclosure", paper_held_confirmed="on"),
    )

    assert response.text.count("Terveystietojen luovutussuostumuksessa tämä on yksilöitävä.") == 3
    assert not without_consent.consents.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"signed_on": "2099-01-01"}, "ei voi olla tulevaisuudessa"),
        ({"valid_until": "2000-01-01"}, "ei voi päättyä ennen"),
        ({"kind": "everything"}, "Valitse oikea vaihtoehto"),
        ({"status": "withdrawn"}, "Valitse oikea vaihtoehto"),
        ({"signed_on": "yesterday"}, "Syötä oikea päivämäärä"),
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(
    worker_client, without_consent, fields, message
):
    response = worker_client.post(
        consents_url(without_consent, "new/"), answer(paper_held_confirmed="on", **fields)
    )

    assert response.status_code == 200
    assert message in response.text
    assert not without_consent.consents.exists()


def test_valid_until_is_the_last_valid_day_in_finnish_time(worker_client, without_consent):
    last_day = timezone.localdate() + datetime.timedelta(days=10)

    worker_client.post(
        consents_url(without_consent, "new/"),
        answer(valid_until=last_day.isoformat(), paper_held_confirmed="on"),
    )

    valid_until = timezone.localtime(without_consent.consents.get().valid_until)
    assert (valid_until.date(), valid_until.hour) == (last_day + datetime.timedelta(days=1), 0)


@pytest.mark.rule("004-4-source-recorder", "001-11-withdraw-via-contact")
def test_every_consent_change_is_in_the_history_with_its_actor(
    worker_client, without_consent, setting
):
    worker_client.post(
        consents_url(without_consent, "new/"),
        answer(scan=SimpleUploadedFile("a.png", png_bytes())),
    )
    consent = without_consent.consents.get()
    worker_client.post(
        consents_url(without_consent, f"{consent.pk}/withdraw/"), {"channel": "phone"}
    )

    history = LogEntry.objects.get_for_object(consent).order_by("timestamp")
    assert [entry.action for entry in history] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert {entry.actor for entry in history} == {setting.worker}
    changes = AccessEvent.objects.filter(target_type="consent.consent").order_by("pk")
    assert [(event.action, event.actor, event.client) for event in changes] == [
        (Action.CONSENT_RECORDED, setting.worker, without_consent),
        (Action.CONSENT_WITHDRAWN, setting.worker, without_consent),
    ]
    # Withdrawn, the viewing consent no longer counts: the history needs the full record.
    listing = worker_client.get(consents_url(without_consent))
    assert 'class="history-details"' not in listing.text


@pytest.mark.rule("003-5-confidential")
def test_another_clients_consent_cannot_be_reached_through_this_client(
    worker_client, setting, without_consent
):
    others = Consent.objects.get(client=setting.openable)

    response = worker_client.get(consents_url(without_consent, f"{others.pk}/withdraw/"))

    assert response.status_code == 404


def test_the_health_data_fields_are_marked_for_the_script_that_shows_them_for_that_kind(
    worker_client, without_consent
):
    """The page names the kind that needs them; consent/health_fields.js hides them otherwise
    (tests/browser/test_pages_people_use.py), and the server still requires them for it."""
    response = worker_client.get(consents_url(without_consent, "new/"))

    assert f'data-health-fields="{Consent.Kind.HEALTH_DISCLOSURE}"' in response.text
    assert "/static/consent/health_fields.js" in response.text
    assert "<script>" not in response.text
