"""Client pages as new users find them: the app's own pages, naming the client they are about."""

import pytest

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
