"""One registry of client-data sections, and the consent request that shows only its fields."""

import dataclasses
import uuid

import pytest

from access.policy import Section
from audit.context import RequestContext
from consent.client_data import ClientBrief, ConsentStatus
from records.accessors import StatedPurpose, open_client
from records.sections import PROVIDERS
from tests.factories import ConsentFactory
from tests.pages import state_purpose


def test_every_section_of_the_policy_has_one_provider():
    assert set(PROVIDERS) == set(Section)


# What asking for a consent needs (000 §5): name, identity code, language of service, and each
# consent kind's status and dates. The municipality is reference data for the printed form.
CONSENT_REQUEST_CLIENT_FIELDS = {
    "pk",
    "first_names",
    "last_name",
    "identity_code",
    "service_language",
    "home_municipality",
}
CONSENT_REQUEST_CONSENT_FIELDS = {
    "pk",
    "kind",
    "status",
    "signed_on",
    "valid_until",
    "withdrawn_at",
    "scanned",
    "scan_due_at",
}


def test_the_consent_request_holds_exactly_its_fields():
    assert {f.name for f in dataclasses.fields(ClientBrief)} == CONSENT_REQUEST_CLIENT_FIELDS
    assert {f.name for f in dataclasses.fields(ConsentStatus)} == CONSENT_REQUEST_CONSENT_FIELDS


@pytest.fixture
def asked(setting):
    """A client without a viewing consent but with an employer-disclosure consent in detail."""
    client = setting.without_consent
    client.street_address = "Salainen katu 7"
    client.email = "salainen@example.fi"
    client.phone = "040 765 4321"
    client.save()
    ConsentFactory(
        client=client,
        kind="employer_disclosure",
        recipient="Rakennusliike Oy",
        data_items="Työkokemus",
        disclosure_purpose="Työkokeilu",
    )
    return client


def test_the_door_fetches_only_the_consent_request(setting, asked):
    record = open_client(
        actor=setting.worker,
        client_id=asked.pk,
        purpose=StatedPurpose("consent"),
        context=RequestContext(request_id=uuid.uuid4(), session_hash="", ip_address=None),
    )

    assert set(record.sections) == {Section.CONSENT_REQUEST}
    assert isinstance(record.client, ClientBrief)
    assert all(isinstance(consent, ConsentStatus) for consent in record.consents)
    assert record.event.sections == [Section.CONSENT_REQUEST]


@pytest.mark.rule("000-5-nothing-without-consent", "004-4a-necessary-only")
@pytest.mark.parametrize("page", ["", "consents/", "consents/new/"])
def test_the_consent_request_pages_show_nothing_but_its_fields(worker_client, asked, page):
    state_purpose(worker_client, asked, purpose="consent")

    text = worker_client.get(f"/clients/{asked.pk}/{page}").text

    assert asked.last_name in text
    hidden = [
        asked.street_address,
        asked.email,
        asked.phone,
        asked.birth_date.strftime("%-d.%-m.%Y"),
        asked.home_municipality.name,
        asked.service_needs.get().assessment,
        asked.referrals.get().referring_authority,
        "Rakennusliike Oy",  # a recipient
        "Työkokemus",  # which data
        "Työkokeilu",  # for what purpose
        'class="history-details"',
        '/scan/"',  # a scan's download link
    ]
    for value in hidden:
        assert value not in text, value
