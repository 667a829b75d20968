"""Every page denies by default: a walk over every URL pattern the project declares."""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLResolver, get_resolver, reverse

from access.models import User
from audit.models import AccessEvent
from records.pages import CLIENT_PAGE
from tests.factories import ClientFactory
from tests.sign_in import authenticator

# The only pages an anonymous visitor may reach. /healthz is answered by middleware, not a view.
# A new member of staff sets their first password before they can sign in (its token decides).
PUBLIC_PATHS = {"/sign-in/", "/language/", "/sign-in/first-password/1/1/"}
# Patterns declared today; a new page makes this fail until it is added to the walk's count.

EXPECTED_PATTERN_COUNT = 113
SAMPLE_VALUES = {"app_label": "access", "content_type_id": "1", "object_id": "1", "url": "x/"}


def declared_views(patterns=None, prefix=""):
    """Yield (route text, view) of every URL pattern, walking into included URLconfs."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from declared_views(pattern.url_patterns, route)
        else:
            yield route, pattern.callback


def declared_routes():
    return [route for route, _view in declared_views()]


def concrete_path(route: str) -> str:
    """Turn a route into a path a client can request, with sample values for its parameters."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_VALUES.get(m[1], "1"), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_VALUES.get(m[1], "1"), path)
    return "/" + re.sub(r"[\^$\\]", "", path)


ALL_PATHS = sorted({concrete_path(route) for route in declared_routes()})


def test_the_walk_covers_every_declared_pattern():
    assert len(list(declared_routes())) == EXPECTED_PATTERN_COUNT


@pytest.mark.rule("002-13-need-to-know", "001-9-personal-sign-in")
@pytest.mark.parametrize("path", sorted(set(ALL_PATHS) - PUBLIC_PATHS))
def test_anonymous_visitor_is_sent_to_sign_in(client, db, path):
    response = client.get(path, follow=True)

    assert response.redirect_chain, f"{path} answered without asking to sign in"
    assert response.resolver_match.url_name == "login"


@pytest.mark.rule("002-13-need-to-know")
@pytest.mark.parametrize("path", sorted(PUBLIC_PATHS))
def test_public_pages_are_only_the_sign_in_first_password_and_language_switch(client, db, path):
    response = client.get(path)

    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert not response.url.startswith(reverse("login"))


# The pages of signing in itself, reached after the password and before the second factor.
SECOND_FACTOR_PATHS = {"/sign-in/code/", "/sign-in/enrol/", "/sign-out/"}


@pytest.mark.rule("001-9-personal-sign-in", "002-13-need-to-know")
@pytest.mark.parametrize("path", sorted(set(ALL_PATHS) - PUBLIC_PATHS - SECOND_FACTOR_PATHS))
@pytest.mark.parametrize("enrolled", [True, False], ids=["enrolled", "not-enrolled"])
def test_a_password_only_session_reaches_no_page_but_the_second_factor(
    password_only_client, superuser, path, enrolled
):
    if enrolled:
        authenticator(superuser)
    ClientFactory(pk=1)
    password_only_client.force_login(superuser)

    response = password_only_client.get(path)

    expected = "/sign-in/code/" if enrolled else "/sign-in/enrol/"
    assert response.status_code == 302
    assert response.url.startswith(f"{expected}?next=")
    assert not AccessEvent.objects.exists()


def client_paths():
    """Every page about one client: its route names a client id."""
    return [concrete_path(route) for route in declared_routes() if "<int:client_id>" in route]


def test_client_pages_are_found_by_the_walk():
    assert len(client_paths()) == 20


def test_every_view_about_one_client_is_a_declared_client_page_and_no_other_is():
    """The door's decorator marks a client page; the mark and the route must agree."""
    about_a_client = {route: getattr(view, CLIENT_PAGE, False) for route, view in declared_views()}
    walked = [
        route
        for route in about_a_client
        if route.startswith(("clients/<int:client_id>/", "intake/clients/<int:client_id>/"))
    ]
    print(f"walked {len(about_a_client)} views, {len(walked)} of them about one client")

    assert walked
    for route, declared in about_a_client.items():
        assert declared is (route in walked), route


@pytest.mark.rule("004-4a-personal-right", "002-13-need-to-know", "001-11-processors")
@pytest.mark.parametrize("path", client_paths())
@pytest.mark.parametrize(
    "persona", ["case_worker", "labour_official", "supervisor", "access_admin", "superuser"]
)
def test_user_without_grants_gets_404_on_every_client_page(client, db, request, path, persona):
    """The page's own role without a grant or scope: as if the client did not exist (404).
    Any other role: refused for the role (403), before anything about the client is read."""
    ClientFactory(pk=1)
    client.force_login(request.getfixturevalue(persona))
    own_role = "labour_official" if path.startswith("/intake/") else "case_worker"

    expected = 404 if persona == own_role else 403
    assert client.get(path).status_code == expected
    assert client.post(path).status_code == expected


def admin_paths():
    return [path for path in ALL_PATHS if path.startswith("/maintenance/")]


@pytest.mark.rule("002-13-need-to-know")
@pytest.mark.parametrize("path", admin_paths())
def test_maintenance_pages_refuse_staff_who_are_not_superusers(client, db, path):
    staff = User.objects.create_user("staff", is_staff=True)
    client.force_login(staff)

    response = client.get(path, follow=True)

    assert response.status_code == 403


def test_maintenance_index_opens_for_a_superuser(client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200


@pytest.mark.rule("001-11-processors")
def test_maintenance_registers_no_model_that_holds_client_data():
    # Extend this set only with models that can never hold client data. django-axes's sign-in
    # attempts (user names and addresses of staff) are where a superuser unlocks an account.
    assert set(admin.site._registry) == {
        User,
        Group,
        AccessAttempt,
        AccessFailureLog,
        AccessLog,
    }


@pytest.mark.rule("003-5-confidential")
@pytest.mark.parametrize("url_name", ["home", "admin:index", "login"])
def test_every_page_for_a_signed_in_user_is_kept_out_of_caches(client, superuser, url_name):
    client.force_login(superuser)

    response = client.get(reverse(url_name), follow=True)

    assert "no-store" in response.headers["Cache-Control"]


def test_missing_page_for_a_signed_in_user_is_a_translated_404(client, case_worker):
    client.force_login(case_worker)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Sivua ei löytynyt" in response.text
    assert "no-store" in response.headers["Cache-Control"]
