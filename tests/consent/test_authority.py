"""Recording a given consent widens access: it needs the recording authority (004 §4a ¶2).

A refusal or a withdrawal only narrows access and can be recorded at any time (000 §§4-5,
001 §11): a worker whose grant allows viewing only may record them.
"""

import pytest
from django.utils import timezone

from access.models import AccessGrant
from access.policy import Reason
from audit.actions import Action
from audit.models import AccessEvent
from consent.models import Consent
from tests.pages import state_purpose


@pytest.fixture
def view_only(worker_client, setting):
    """The setting's worker, their grant lowered to viewing, asking a client for a consent."""
    setting.worker.grants.update(authority=AccessGrant.Authority.VIEW)
    state_purpose(worker_client, setting.without_consent, purpose="consent")
    return setting.without_consent


def answer(status, kind="viewing"):
    return {
        "kind": kind,
        "status": status,
        "signed_on": timezone.localdate().isoformat(),
        "place": "ohjaamo",
        "paper_held_confirmed": "on",
    }


@pytest.mark.rule("004-4a-limited")
def test_a_view_only_grant_cannot_record_a_given_consent(worker_client, view_only):
    response = worker_client.post(f"/clients/{view_only.pk}/consents/new/", answer("given"))

    assert response.status_code == 200
    assert not Consent.objects.filter(client=view_only).exists()
    assert response.context["form"].non_field_errors()
    assert not AccessEvent.objects.filter(action=Action.CONSENT_RECORDED).exists()
    assert response.context["refusal"] == Reason.AUTHORITY_MISSING


def test_a_view_only_grant_can_record_a_refusal(worker_client, view_only):
    response = worker_client.post(f"/clients/{view_only.pk}/consents/new/", answer("refused"))

    assert response.status_code == 302
    consent = Consent.objects.get(client=view_only)
    assert consent.status == Consent.Status.REFUSED
    event = AccessEvent.objects.get(action=Action.CONSENT_RECORDED)
    assert event.details == {"kind": "viewing", "status": "refused"}


@pytest.mark.rule("002-8-withdraw-any-time")
def test_a_view_only_grant_can_record_a_withdrawal(worker_client, setting):
    setting.worker.grants.update(authority=AccessGrant.Authority.VIEW)
    client = setting.openable
    state_purpose(worker_client, client, purpose="consent")
    consent = client.consents.get()

    response = worker_client.post(
        f"/clients/{client.pk}/consents/{consent.pk}/withdraw/", {"channel": "phone"}
    )

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.status == Consent.Status.WITHDRAWN
    [withdrawal] = AccessEvent.objects.filter(target_type="consent.consent")
    assert withdrawal.action == Action.CONSENT_WITHDRAWN
    # The withdrawal is a change of its own, never recorded as a view.
    assert withdrawal.action != Action.CLIENT_VIEWED


def test_a_recording_grant_records_a_given_consent(worker_client, setting):
    state_purpose(worker_client, setting.without_consent, purpose="consent")

    response = worker_client.post(
        f"/clients/{setting.without_consent.pk}/consents/new/", answer("given")
    )

    assert response.status_code == 302
    assert setting.without_consent.consents.get().status == Consent.Status.GIVEN
