"""Opening a client's record: purpose first, then decided, logged, and only then rendered."""

import re

import pytest

from access.policy import Reason
from audit.models import AccessEvent
from tests.factories import ServiceNeedFactory
from tests.log import block_access_event_inserts
from tests.pages import state_purpose


def same_page(first, second) -> bool:
    """Equal but for the per-response CSRF token and the path each page was asked for."""

    def normalised(response):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
        return html.replace(response.wsgi_request.path, "PATH")

    return normalised(first) == normalised(second)


def record_url(client):
    return f"/clients/{client.pk}/"


@pytest.mark.rule("000-4-purpose")
def test_first_visit_asks_for_the_purpose_and_logs_nothing(worker_client, setting):
    response = worker_client.get(record_url(setting.openable))

    assert response.status_code == 302
    assert response.url == f"/clients/{setting.openable.pk}/purpose/"
    assert AccessEvent.objects.count() == 0


@pytest.mark.rule("000-4-purpose")
def test_purpose_page_shows_nothing_about_the_client_but_a_caseload_clients_name(
    worker_client, setting
):
    """Only the name the caseload already shows (tests/records/test_pages_people_use.py)."""
    response = worker_client.get(f"/clients/{setting.openable.pk}/purpose/")
    refused = worker_client.get(f"/clients/{setting.without_consent.pk}/purpose/")

    assert response.status_code == 200
    assert setting.openable.identity_code not in response.text
    assert setting.openable.birth_date.isoformat() not in response.text
    assert setting.without_consent.last_name not in refused.text
    assert AccessEvent.objects.count() == 0


@pytest.mark.rule("000-6-views-logged", "000-4-purpose", "004-3-categories")
def test_stated_purpose_opens_the_record_and_logs_the_view(worker_client, setting):
    state_purpose(worker_client, setting.openable, "plan", "Suunnitelman päivitys")

    response = worker_client.get(record_url(setting.openable))

    assert response.status_code == 200
    assert setting.openable.identity_code in response.text
    event = AccessEvent.objects.get()
    assert event.client == setting.openable
    assert event.actor == setting.worker
    assert event.action == AccessEvent.Action.CLIENT_VIEWED
    assert event.decision == AccessEvent.Decision.ALLOWED
    assert event.purpose_code == "plan"
    assert event.purpose_text == "Suunnitelman päivitys"
    assert event.sections == ["identity", "referrals", "service_needs", "consents", "entries"]
    assert set(event.basis) == {"referral", "service_need", "consent", "agreement", "grant"}
    assert event.actor_roles == ["case_worker"]
    assert str(event.request_id) == response.headers["X-Request-ID"]
    assert len(event.session_hash) == 64
    assert event.session_hash != worker_client.session.session_key


@pytest.mark.rule("000-4-purpose")
def test_purpose_is_reused_for_that_client_until_sign_out(worker_client, setting):
    state_purpose(worker_client, setting.openable)
    worker_client.get(record_url(setting.openable))
    worker_client.get(record_url(setting.openable))

    worker_client.post("/sign-out/")
    worker_client.force_login(setting.worker)
    response = worker_client.get(record_url(setting.openable))

    assert AccessEvent.objects.filter(purpose_code="meeting").count() == 2
    assert response.status_code == 302
    assert response.url.endswith("/purpose/")


@pytest.mark.rule("000-5-nothing-without-consent")
def test_missing_consent_is_explained_and_only_identity_and_consents_are_shown(
    worker_client, setting
):
    state_purpose(worker_client, setting.without_consent)

    response = worker_client.get(record_url(setting.without_consent))

    assert response.status_code == 200
    assert "Pyydä asiakasta allekirjoittamaan suostumuslomake." in response.text
    assert setting.without_consent.identity_code in response.text  # to ask for the consent
    assert setting.without_consent.service_needs.get().assessment not in response.text
    assert "Asiakasryhmätunnisteet" not in response.text
    event = AccessEvent.objects.get()
    assert event.decision == AccessEvent.Decision.LIMITED
    assert event.reason_codes == [Reason.CONSENT_MISSING]
    assert event.sections == ["consent_request"]


@pytest.mark.rule("000-5-nothing-without-consent", "000-4-service-need")
def test_other_failing_conditions_show_nothing_but_the_explanation(worker_client, setting):
    setting.without_consent.service_needs.update(status="superseded")
    state_purpose(worker_client, setting.without_consent)

    response = worker_client.get(record_url(setting.without_consent))

    assert response.status_code == 403
    assert "Pyydä työvoimaviranomaista dokumentoimaan asiakkaan palveluntarve." in response.text
    assert "Pyydä asiakasta allekirjoittamaan suostumuslomake." in response.text
    # The refusal names whom it is about (the attempt is logged first), and nothing more.
    assert setting.without_consent.full_name in response.text
    assert setting.without_consent.identity_code not in response.text
    assert setting.without_consent.birth_date.strftime("%-d.%-m.%Y") not in response.text
    event = AccessEvent.objects.get()
    assert event.decision == AccessEvent.Decision.DENIED
    assert event.sections == []


@pytest.mark.rule("003-5-confidential", "004-4a-necessary-only", "000-6-views-logged")
@pytest.mark.parametrize("path", ["/clients/{pk}/", "/clients/{pk}/purpose/"])
def test_client_outside_the_grants_answers_like_a_missing_one(worker_client, setting, path):
    outside = worker_client.get(path.format(pk=setting.elsewhere.pk))
    missing = worker_client.get(path.format(pk=999999))

    assert outside.status_code == missing.status_code == 404
    assert same_page(outside, missing)
    logged = AccessEvent.objects.order_by("id")
    assert [event.decision for event in logged] == ["denied", "denied"]
    assert logged[0].client == setting.elsewhere
    # No agreement with that municipality and no purpose stated yet either; the log says so too.
    assert set(logged[0].reason_codes) == {
        Reason.AGREEMENT_MISSING,
        Reason.GRANT_OUT_OF_SCOPE,
        Reason.PURPOSE_MISSING,
    }
    assert logged[1].client is None
    assert logged[1].requested_client_ref == "999999"
    assert logged[1].reason_codes == ["client_not_found"]


@pytest.mark.rule("000-4-purpose")
def test_tampered_purpose_is_a_form_error_and_remembers_nothing(worker_client, setting):
    response = state_purpose(worker_client, setting.openable, purpose="curiosity")

    assert response.status_code == 200
    assert "Valitse oikea vaihtoehto" in response.text
    assert worker_client.get(record_url(setting.openable)).status_code == 302
    assert AccessEvent.objects.count() == 0


@pytest.mark.parametrize("path", ["/clients/abc/", "/clients/-1/", "/clients/1.5/purpose/"])
def test_malformed_client_ids_are_not_found(worker_client, setting, path):
    assert worker_client.get(path).status_code == 404


def test_huge_client_id_is_not_found_never_a_server_error(worker_client, setting):
    response = worker_client.get(f"/clients/{2**70}/")

    assert response.status_code == 404


def test_record_page_costs_the_same_queries_whatever_the_history(
    worker_client, setting, django_assert_num_queries
):
    state_purpose(worker_client, setting.openable)
    worker_client.get(record_url(setting.openable))  # the session is warm after this

    with django_assert_num_queries(RECORD_PAGE_QUERIES):
        worker_client.get(record_url(setting.openable))
    ServiceNeedFactory.create_batch(49, client=setting.openable, status="superseded")
    with django_assert_num_queries(RECORD_PAGE_QUERIES):
        response = worker_client.get(record_url(setting.openable))

    assert response.content.count(b"history__item--") == 50


# Session, user, the second factor's device and the user's roles, then the decision (client,
# referrals, need, consent, agreement, grants and their groups), the event, the record's three
# histories and the client relationship, within one transaction; then the number of entries
# (none here: with entries, one more query reads their page, tests/entries/test_entry_pages.py).
RECORD_PAGE_QUERIES = 21


@pytest.mark.rule("000-6-views-logged")
def test_when_the_view_cannot_be_logged_nothing_is_shown(worker_client, setting):
    state_purpose(worker_client, setting.openable)
    block_access_event_inserts()

    response = worker_client.get(record_url(setting.openable))

    assert response.status_code == 503
    assert "Katselua ei voitu kirjata" in response.text
    for value in (setting.openable.last_name, setting.openable.identity_code):
        assert value not in response.text
    assert AccessEvent.objects.count() == 0


@pytest.mark.rule("000-6-views-logged")
def test_when_a_search_cannot_be_logged_no_result_is_shown(worker_client, setting):
    block_access_event_inserts()

    response = worker_client.post(
        "/clients/search/", {"identity_code": setting.openable.identity_code}
    )

    assert response.status_code == 503
    assert setting.openable.last_name not in response.text
