"""Printing a consent form from the client's page: a PDF in the client's language, logged."""

import io

import pypdf
import pytest

from access.roles import Role
from audit.models import AccessEvent
from tests.factories import UserFactory
from tests.pages import state_purpose


def form_url(client, kind):
    return f"/clients/{client.pk}/consents/form/?kind={kind}"


@pytest.mark.rule("000-5-written-consent", "000-6-views-logged", "003-5-confidential")
def test_printing_the_form_gives_a_pdf_and_logs_a_print_event(worker_client, setting):
    state_purpose(worker_client, setting.without_consent, purpose="consent")

    response = worker_client.get(form_url(setting.without_consent, "viewing"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="consent-form-viewing.pdf"'
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert setting.without_consent.identity_code in text
    event = AccessEvent.objects.get()
    assert event.action == AccessEvent.Action.CLIENT_PRINTED
    assert event.sections == ["consent_request"]
    assert event.details == {"consent_form": "viewing"}
    assert event.purpose_code == "consent"


def test_an_unknown_kind_is_not_found_and_nothing_is_printed(worker_client, setting):
    state_purpose(worker_client, setting.without_consent, purpose="consent")

    response = worker_client.get(form_url(setting.without_consent, "everything"))

    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


@pytest.mark.rule("003-5-confidential")
def test_a_stranger_cannot_print_a_form(client, setting):
    client.force_login(UserFactory(roles=[Role.CASE_WORKER]))  # no grant of their own

    assert client.get(form_url(setting.openable, "viewing")).status_code == 404
