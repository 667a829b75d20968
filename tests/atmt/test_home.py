import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("case_worker", "Asiakastyö"),
        ("supervisor", "Käytön valvonta"),
        ("access_admin", "Käyttöoikeuksien hallinta"),
        ("outsider", "Sinulla ei ole vielä roolia ATMT:ssä"),
    ],
)
def test_each_role_sees_its_own_home_page_in_finnish(client, request, persona, heading):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert f">{heading}</h1>" in response.text
    assert user.get_full_name() in response.text


def test_home_page_shows_only_the_sections_of_the_roles_held(client, case_worker):
    client.force_login(case_worker)

    response = client.get(reverse("home"))

    assert "Asiakastyö" in response.text
    assert "Käytön valvonta" not in response.text
    assert "Käyttöoikeuksien hallinta" not in response.text


def test_browser_language_does_not_change_the_default_finnish(client, supervisor):
    client.force_login(supervisor)

    response = client.get(reverse("home"), headers={"accept-language": "en-GB,en;q=0.9"})

    assert response.headers["Content-Language"] == "fi"


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("sv", "Övervakning av användningen"),
        ("en", "Supervision of use"),
        ("fi", "Käytön valvonta"),
    ],
)
def test_switching_language_is_remembered(client, supervisor, language, heading):
    client.force_login(supervisor)

    switched = client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("home"))

    assert switched.status_code == 302
    assert response.headers["Content-Language"] == language
    assert f">{heading}</h1>" in response.text


def test_unknown_language_falls_back_to_finnish(client, supervisor):
    client.force_login(supervisor)
    client.cookies["django_language"] = "xx"

    response = client.get(reverse("home"))

    assert response.headers["Content-Language"] == "fi"
