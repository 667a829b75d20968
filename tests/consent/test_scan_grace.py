"""A consent on the recorder's word counts for CONSENT_SCAN_GRACE_DAYS; then its scan is due."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access.models import AccessGrant
from access.policy import Action, Reason, decide
from audit.actions import Action as LoggedAction
from audit.models import AccessEvent
from consent.models import Consent
from tests.consent.conftest import pdf_bytes
from tests.pages import state_purpose

DAY = datetime.timedelta(days=1)


@pytest.fixture
def on_word(worker_client, setting):
    """The worker records a given consent, holding the paper form but no scan yet."""
    client = setting.without_consent
    state_purpose(worker_client, client, purpose="consent")
    worker_client.post(
        f"/clients/{client.pk}/consents/new/",
        {
            "kind": "viewing",
            "status": "given",
            "signed_on": timezone.localdate().isoformat(),
            "place": "ohjaamo",
            "paper_held_confirmed": "on",
        },
    )
    return client.consents.get()


def viewing(setting, client, at):
    return decide(actor=setting.worker, client=client, purpose="meeting", action=Action.VIEW, at=at)


@pytest.mark.rule("000-5-written-consent")
def test_a_consent_on_the_recorders_word_counts_until_its_scan_is_due(settings, setting, on_word):
    due = on_word.scan_due_at
    client = setting.without_consent

    assert due - on_word.recorded_at == settings.CONSENT_SCAN_GRACE_DAYS * DAY
    assert viewing(setting, client, due - datetime.timedelta(seconds=1)).allowed
    assert viewing(setting, client, due).reasons == (Reason.CONSENT_SCAN_MISSING,)


@pytest.mark.rule("000-5-written-consent")
def test_an_overdue_scan_leaves_the_consent_request_open_to_attach_it(
    worker_client, setting, on_word
):
    Consent.objects.filter(pk=on_word.pk).update(scan_due_at=timezone.now() - DAY)
    attach = f"/clients/{on_word.client_id}/consents/{on_word.pk}/scan/attach/"

    record = worker_client.get(f"/clients/{on_word.client_id}/")
    response = worker_client.post(attach, {"scan": SimpleUploadedFile("s.pdf", pdf_bytes())})

    assert record.context["record"].decision.reasons == (Reason.CONSENT_SCAN_MISSING,)
    assert response.status_code == 302
    on_word.refresh_from_db()
    assert on_word.scan and on_word.scan_due_at is None
    assert viewing(setting, setting.without_consent, timezone.now()).allowed
    event = AccessEvent.objects.get(action=LoggedAction.CONSENT_SCAN_ATTACHED)
    assert (event.actor, event.target_id) == (setting.worker, str(on_word.pk))


def test_a_view_only_grant_cannot_attach_the_scan_that_makes_a_consent_count(
    worker_client, setting, on_word
):
    setting.worker.grants.update(authority=AccessGrant.Authority.VIEW)
    attach = f"/clients/{on_word.client_id}/consents/{on_word.pk}/scan/attach/"

    response = worker_client.post(attach, {"scan": SimpleUploadedFile("s.pdf", pdf_bytes())})

    assert response.status_code == 200
    assert response.context["refusal"] == Reason.AUTHORITY_MISSING
    on_word.refresh_from_db()
    assert not on_word.scan


def test_a_refusal_needs_no_scan_and_has_no_due_date(worker_client, setting):
    client = setting.without_consent
    state_purpose(worker_client, client, purpose="consent")
    worker_client.post(
        f"/clients/{client.pk}/consents/new/",
        {
            "kind": "viewing",
            "status": "refused",
            "signed_on": timezone.localdate().isoformat(),
            "place": "ohjaamo",
        },
    )

    assert client.consents.get().scan_due_at is None


def test_the_caseload_warns_a_week_before_the_scan_is_due(worker_client, setting, on_word):
    Consent.objects.filter(pk=on_word.pk).update(scan_due_at=timezone.now() + 6 * DAY)
    warned = worker_client.get("/clients/")
    Consent.objects.filter(pk=on_word.pk).update(scan_due_at=timezone.now() + 8 * DAY)
    not_yet = worker_client.get("/clients/")

    assert "caseload__scan-due" in warned.text
    assert "caseload__scan-due" not in not_yet.text
