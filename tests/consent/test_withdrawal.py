"""Withdrawing a consent: at once, for every session, and nothing is deleted."""

import pytest

from consent.models import Consent
from tests.pages import state_purpose
from tests.sign_in import SignedInClient as BrowserSession


@pytest.mark.rule("002-8-withdraw-any-time")
def test_withdrawal_denies_the_very_next_request_also_in_another_open_session(
    worker_client, setting
):
    other_session = BrowserSession()
    other_session.force_login(setting.worker)
    state_purpose(other_session, setting.openable)
    record = f"/clients/{setting.openable.pk}/"
    assessment = setting.openable.service_needs.get().assessment
    assert assessment in other_session.get(record).text
    consent = Consent.objects.get(client=setting.openable)
    state_purpose(worker_client, setting.openable, purpose="consent")

    response = worker_client.post(
        f"/clients/{setting.openable.pk}/consents/{consent.pk}/withdraw/",
        {"channel": "phone", "note": "Soitti ja perui"},
    )

    assert response.status_code == 302
    after = other_session.get(record)
    assert assessment not in after.text
    assert "Asiakas on peruuttanut suostumuksensa" in after.text


@pytest.mark.rule("001-11-withdraw-via-contact", "002-8-withdraw-any-time")
def test_withdrawal_keeps_the_consent_and_records_who_when_and_how(worker_client, setting):
    consent = Consent.objects.get(client=setting.openable)
    state_purpose(worker_client, setting.openable, purpose="consent")

    worker_client.post(
        f"/clients/{setting.openable.pk}/consents/{consent.pk}/withdraw/",
        {"channel": "writing", "note": "Kirje 3.2."},
    )

    consent.refresh_from_db()
    assert consent.status == Consent.Status.WITHDRAWN
    assert consent.withdrawn_by == setting.worker
    assert consent.withdrawal_channel == "writing"
    assert consent.withdrawal_note == "Kirje 3.2."
    assert consent.withdrawn_at is not None
    assert consent.signed_on and consent.paper_held_confirmed  # nothing overwritten


@pytest.mark.rule("001-11-withdraw-via-contact")
def test_a_withdrawn_consent_cannot_be_withdrawn_again(worker_client, setting):
    consent = Consent.objects.get(client=setting.openable)
    state_purpose(worker_client, setting.openable, purpose="consent")
    url = f"/clients/{setting.openable.pk}/consents/{consent.pk}/withdraw/"
    worker_client.post(url, {"channel": "phone"})
    first = Consent.objects.get(pk=consent.pk).withdrawn_at

    response = worker_client.post(url, {"channel": "writing"}, follow=True)

    assert "Vain annetun suostumuksen voi peruuttaa." in response.text
    assert Consent.objects.get(pk=consent.pk).withdrawn_at == first


def test_tampered_channel_is_a_form_error(worker_client, setting):
    consent = Consent.objects.get(client=setting.openable)
    state_purpose(worker_client, setting.openable, purpose="consent")

    response = worker_client.post(
        f"/clients/{setting.openable.pk}/consents/{consent.pk}/withdraw/", {"channel": "telepathy"}
    )

    assert "Valitse oikea vaihtoehto" in response.text
    assert Consent.objects.get(pk=consent.pk).status == Consent.Status.GIVEN
