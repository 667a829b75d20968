"""A worker's own client record: found like any other, refused on every page with `own_record`.

The worker's account keeps the keyed hash of their identity code; the client's row keeps the
same hash of theirs (clients.identity_code.identity_code_hash).
"""

import pytest
from django.utils import translation
from guardian.shortcuts import assign_perm

from access.policy import REASON_EXPLANATIONS, Reason
from audit.models import AccessEvent
from clients.identity_code import identity_code_hash
from tests.factories import ClientFactory, MunicipalityFactory
from tests.pages import state_purpose

SEARCH_URL = "/clients/search/"


@pytest.fixture
def own(setting):
    """The setting's openable client is the worker themself: every condition holds but that."""
    setting.worker.identity_code_hash = identity_code_hash(setting.openable.identity_code)
    setting.worker.save(update_fields=["identity_code_hash"])
    return setting.openable


def problem_in(language: str) -> str:
    with translation.override(language):
        return str(REASON_EXPLANATIONS[Reason.OWN_RECORD][0])


@pytest.mark.rule("000-4-own-record", "000-6-views-logged")
def test_the_record_page_refuses_the_own_record_and_logs_why(worker_client, setting, own):
    state_purpose(worker_client, own)

    response = worker_client.get(f"/clients/{own.pk}/")

    assert response.status_code == 403
    assert response.templates[0].name == "clients/denied.html"
    assert own.identity_code not in response.text
    event = AccessEvent.objects.get()
    assert event.client == own
    assert event.decision == AccessEvent.Decision.DENIED
    assert event.reason_codes == [Reason.OWN_RECORD]
    assert event.sections == []


@pytest.mark.rule("000-4-own-record")
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_denied_page_explains_the_own_record_in_each_language(worker_client, own, language):
    worker_client.post("/language/", {"language": language, "next": "/"})
    state_purpose(worker_client, own)

    response = worker_client.get(f"/clients/{own.pk}/")

    assert response.headers["Content-Language"] == language
    assert problem_in(language) in response.text
    if language != "en":
        assert problem_in(language) != problem_in("en")  # translated, not the msgid


@pytest.mark.rule("000-4-own-record")
@pytest.mark.parametrize(
    ("page", "logged"),
    [
        ("consents/form/?kind=viewing", AccessEvent.Action.CLIENT_PRINTED),
        ("entries/new/", AccessEvent.Action.CLIENT_VIEWED),
    ],
    ids=["print", "record"],
)
def test_printing_and_recording_on_the_own_record_are_refused_too(worker_client, own, page, logged):
    state_purpose(worker_client, own)

    response = worker_client.get(f"/clients/{own.pk}/{page}")

    assert response.status_code == 403
    event = AccessEvent.objects.get()
    assert (event.action, event.reason_codes) == (logged, [Reason.OWN_RECORD])


@pytest.mark.rule("000-4-own-record")
def test_a_search_lists_the_own_record_as_not_openable_and_the_caseload_leaves_it_out(
    worker_client, own
):
    found = worker_client.post(SEARCH_URL, {"identity_code": own.identity_code})
    caseload = worker_client.get("/clients/")

    [result] = found.context["results"]
    assert (result.client, result.openable) == (own, False)
    assert own.last_name not in caseload.text


@pytest.mark.rule("000-4-own-record")
def test_an_official_finds_their_own_record_and_is_refused_it(client, labour_official):
    joensuu = MunicipalityFactory(code="167")
    assign_perm("clients.serve_municipality", labour_official, joensuu)
    own = ClientFactory(home_municipality=joensuu)
    labour_official.identity_code_hash = identity_code_hash(own.identity_code)
    labour_official.save(update_fields=["identity_code_hash"])
    client.force_login(labour_official)

    found = client.post("/intake/", {"identity_code": own.identity_code})
    response = client.get(f"/intake/clients/{own.pk}/")

    assert found.status_code == 302
    assert found.url == f"/intake/clients/{own.pk}/"
    assert response.status_code == 403
    assert 'href="/intake/"' in response.text
    event = AccessEvent.objects.filter(client=own, action=AccessEvent.Action.CLIENT_VIEWED).get()
    assert event.reason_codes == [Reason.OWN_RECORD]
