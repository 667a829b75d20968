"""Client pages as new users find them: the app's own pages, naming the client they are about."""

import pytest

from audit.models import AccessEvent
from tests.factories import ServiceNeedFactory
from tests.pages import state_purpose


@pytest.mark.parametrize("path", ["/clients/{pk}/", "/clients/{pk}/purpose/"])
def test_client_outside_the_grants_shows_the_apps_own_404_in_development(
    worker_client, setting, settings, path
):
    settings.DEBUG = True
    state_purpose(worker_client, setting.elsewhere)

    response = worker_client.get(path.format(pk=setting.elsewhere.pk))

    assert response.status_code == 404
    assert response.templates[0].name == "404.html"


def client_named(response) -> str:
    return response.context.get("client_name", "")


def test_purpose_page_names_a_client_the_worker_may_open(worker_client, setting):
    response = worker_client.get(f"/clients/{setting.openable.pk}/purpose/")

    assert response.status_code == 200
    assert client_named(response) == setting.openable.full_name
    assert setting.openable.full_name in response.text
    assert setting.openable.identity_code not in response.text


def test_purpose_page_names_no_client_the_worker_may_not_open(worker_client, setting):
    response = worker_client.get(f"/clients/{setting.without_consent.pk}/purpose/")

    assert response.status_code == 200
    assert client_named(response) == ""
    assert setting.without_consent.last_name not in response.text


def test_denied_page_names_the_client_after_logging_the_attempt(worker_client, setting):
    ServiceNeedFactory._meta.model.objects.filter(client=setting.openable).delete()
    state_purpose(worker_client, setting.openable)

    response = worker_client.get(f"/clients/{setting.openable.pk}/")

    assert response.status_code == 403
    assert response.templates[0].name == "clients/denied.html"
    assert client_named(response) == setting.openable.full_name
    assert setting.openable.full_name in response.text
    assert setting.openable.identity_code not in response.text
    assert AccessEvent.objects.filter(
        client=setting.openable, decision=AccessEvent.Decision.DENIED
    ).exists()
