"""Access administrators manage staff accounts: create, roles and scope, deactivate, reactivate.

Roles are groups; the organisational scope (municipalities served or overseen) is django-guardian
object permissions, read by access.scope. Each change is one typed event; refusals are codes.
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client as PasswordOnlyClient
from django.urls import reverse
from guardian.shortcuts import assign_perm

from access.models import User
from access.roles import Role, roles_of
from access.scope import OVERSEE, SERVE, municipalities_overseen_by, municipalities_served_by
from access.staff import (
    StaffChangeRefused,
    StaffRefusal,
    account_change,
    account_create,
    account_deactivate,
    account_reactivate,
    check_first_password_link,
)
from audit.actions import Action
from audit.models import AccessEvent
from clients.identity_code import identity_code_hash
from tests.factories import MunicipalityFactory, UserFactory
from tests.sign_in import SignedInClient

IDENTITY_CODE = "131052-308T"
STAFF = "/access-rights/staff/"


@pytest.fixture
def joensuu(db):
    return MunicipalityFactory(code="167")


@pytest.fixture
def liperi(db):
    return MunicipalityFactory(code="426")


def _create(actor, **changes):
    fields = {
        "actor": actor,
        "username": "uusi",
        "first_name": "Uuno",
        "last_name": "Uusi",
        "email": "uuno.uusi@joensuu.example",
        "organisation": "Joensuun kaupunki",
        "roles": [Role.CASE_WORKER],
    } | changes
    return account_create(**fields)


def _events(account, action=None):
    events = AccessEvent.objects.filter(target_type="access.user", target_id=str(account.pk))
    return list((events.filter(action=action) if action else events).order_by("pk"))


# The services


@pytest.mark.rule("001-9-personal-sign-in")
def test_creating_an_account_gives_roles_scope_and_one_event(access_admin, joensuu, liperi):
    account = _create(
        access_admin,
        roles=[Role.LABOUR_OFFICIAL, Role.SUPERVISOR],
        served=[joensuu],
        overseen=[liperi, joensuu],
        identity_code=IDENTITY_CODE,
    )

    assert roles_of(account) == [Role.SUPERVISOR, Role.LABOUR_OFFICIAL]
    assert list(municipalities_served_by(account)) == [joensuu]
    assert set(municipalities_overseen_by(account)) == {joensuu, liperi}
    assert not account.has_usable_password()
    [event] = _events(account)
    assert event.action == Action.ACCOUNT_CREATED
    assert event.actor == access_admin
    assert event.details == {
        "roles": ["labour_official", "supervisor"],
        "served": ["167"],
        "overseen": ["167", "426"],
        "identity_code_hash_kept": True,
    }


def test_the_identity_code_is_kept_only_as_its_keyed_hash(access_admin):
    account = _create(access_admin, identity_code=IDENTITY_CODE)

    assert account.identity_code_hash == identity_code_hash(IDENTITY_CODE)
    assert len(account.identity_code_hash) == 64
    stored = repr(list(User.objects.filter(pk=account.pk).values()))
    logged = repr(list(AccessEvent.objects.values()))
    for text in (stored, logged, account.identity_code_hash):
        assert IDENTITY_CODE not in text and IDENTITY_CODE.replace("-", "") not in text


def test_the_hash_changes_with_its_key(settings):
    before = identity_code_hash(IDENTITY_CODE)
    settings.IDENTITY_CODE_HASH_KEY = "another-key-" + "x" * 40

    assert identity_code_hash(IDENTITY_CODE) != before
    assert identity_code_hash(IDENTITY_CODE.lower()) == identity_code_hash(IDENTITY_CODE)


def test_a_user_name_in_use_is_refused(access_admin):
    with pytest.raises(StaffChangeRefused) as refused:
        _create(access_admin, username=access_admin.username.upper())

    assert refused.value.code == StaffRefusal.USERNAME_TAKEN


@pytest.mark.parametrize(
    ("roles", "scope", "code"),
    [
        ([Role.CASE_WORKER], "served", StaffRefusal.SERVED_WITHOUT_ROLE),
        ([Role.SUPERVISOR], "served", StaffRefusal.SERVED_WITHOUT_ROLE),
        ([Role.CASE_WORKER], "overseen", StaffRefusal.OVERSEEN_WITHOUT_ROLE),
        ([Role.LABOUR_OFFICIAL], "overseen", StaffRefusal.OVERSEEN_WITHOUT_ROLE),
    ],
)
def test_scope_belongs_to_its_role(access_admin, case_worker, joensuu, roles, scope, code):
    for service in (
        lambda: _create(access_admin, roles=roles, **{scope: [joensuu]}),
        lambda: account_change(
            actor=access_admin, account=case_worker, roles=roles, **{scope: [joensuu]}
        ),
    ):
        with pytest.raises(StaffChangeRefused) as refused:
            service()
        assert refused.value.code == code
    assert not AccessEvent.objects.exists()


def test_changing_roles_and_scope_names_what_was_added_and_removed(
    access_admin, supervisor, joensuu, liperi
):
    assign_perm(OVERSEE, supervisor, joensuu)

    account_change(
        actor=access_admin,
        account=supervisor,
        roles=[Role.SUPERVISOR, Role.LABOUR_OFFICIAL],
        served=[liperi],
        overseen=[liperi],
    )

    assert roles_of(supervisor) == [Role.SUPERVISOR, Role.LABOUR_OFFICIAL]
    assert list(municipalities_served_by(supervisor)) == [liperi]
    assert list(municipalities_overseen_by(supervisor)) == [liperi]
    assert not supervisor.has_perm(OVERSEE, joensuu)
    [event] = _events(supervisor)
    assert event.action == Action.ACCOUNT_CHANGED
    assert event.details == {
        "roles": {"added": ["labour_official"], "removed": []},
        "served": {"added": ["426"], "removed": []},
        "overseen": {"added": ["426"], "removed": ["167"]},
    }


def test_removing_a_role_with_its_scope_removes_the_permissions(access_admin, supervisor, joensuu):
    assign_perm(OVERSEE, supervisor, joensuu)

    account_change(actor=access_admin, account=supervisor, roles=[Role.CASE_WORKER])

    assert roles_of(supervisor) == [Role.CASE_WORKER]
    assert not municipalities_overseen_by(supervisor).exists()
    assert _events(supervisor)[0].details == {
        "roles": {"added": ["case_worker"], "removed": ["supervisor"]},
        "overseen": {"added": [], "removed": ["167"]},
    }


@pytest.mark.rule("001-9-personal-sign-in")
def test_nobody_changes_their_own_roles(access_admin):
    with pytest.raises(StaffChangeRefused) as refused:
        account_change(
            actor=access_admin, account=access_admin, roles=[Role.ACCESS_ADMIN, Role.SUPERVISOR]
        )

    assert refused.value.code == StaffRefusal.OWN_ROLES
    assert roles_of(access_admin) == [Role.ACCESS_ADMIN]
    assert not AccessEvent.objects.exists()


def test_a_change_of_nothing_is_refused(access_admin, case_worker):
    with pytest.raises(StaffChangeRefused) as refused:
        account_change(actor=access_admin, account=case_worker, roles=[Role.CASE_WORKER])

    assert refused.value.code == StaffRefusal.NOTHING_CHANGED


@pytest.mark.parametrize(
    "service", [account_change, account_deactivate, account_reactivate], ids=lambda s: s.__name__
)
def test_a_maintainers_account_is_not_changed_here(access_admin, superuser, service):
    extra = {"roles": [Role.CASE_WORKER]} if service is account_change else {}
    with pytest.raises(StaffChangeRefused) as refused:
        service(actor=access_admin, account=superuser, **extra)

    assert refused.value.code == StaffRefusal.SUPERUSER


def test_scope_is_never_a_global_permission(access_admin, joensuu):
    """Organisational scope is an object permission: a global one grants no municipality."""
    account = _create(access_admin, roles=[Role.LABOUR_OFFICIAL], served=[joensuu])

    assert account.has_perm(SERVE, joensuu)
    assert not User.objects.get(pk=account.pk).user_permissions.exists()


# Deactivation and reactivation


@pytest.mark.rule("001-9-personal-sign-in")
def test_deactivation_ends_the_sessions_at_once(access_admin, case_worker):
    browser = SignedInClient()
    browser.force_login(case_worker)
    assert browser.get("/").status_code == 200

    account_deactivate(actor=access_admin, account=case_worker)

    response = browser.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    [event] = _events(case_worker)
    assert (event.action, event.details) == (Action.ACCOUNT_DEACTIVATED, {"sessions_ended": 1})
    assert not Session.objects.exists()


def test_nobody_deactivates_themselves(access_admin):
    with pytest.raises(StaffChangeRefused) as refused:
        account_deactivate(actor=access_admin, account=access_admin)

    assert refused.value.code == StaffRefusal.OWN_ACCOUNT


def test_reactivation_restores_the_account_but_no_old_session(access_admin, supervisor, joensuu):
    assign_perm(OVERSEE, supervisor, joensuu)
    browser = SignedInClient()
    browser.force_login(supervisor)
    account_deactivate(actor=access_admin, account=supervisor)
    supervisor.refresh_from_db()
    assert roles_of(supervisor) == [] and not municipalities_overseen_by(supervisor).exists()

    account_reactivate(actor=access_admin, account=supervisor)

    supervisor.refresh_from_db()
    assert roles_of(supervisor) == [Role.SUPERVISOR]
    assert list(municipalities_overseen_by(supervisor)) == [joensuu]
    assert browser.get("/").status_code == 302
    assert [(e.action, e.details) for e in _events(supervisor)] == [
        (Action.ACCOUNT_DEACTIVATED, {"sessions_ended": 1}),
        (
            Action.ACCOUNT_REACTIVATED,
            {"roles": ["supervisor"], "served": [], "overseen": ["167"]},
        ),
    ]


@pytest.mark.parametrize(
    ("service", "code"),
    [
        (account_deactivate, StaffRefusal.ALREADY_INACTIVE),
        (account_reactivate, StaffRefusal.ALREADY_ACTIVE),
    ],
)
def test_a_second_deactivation_or_reactivation_is_refused(access_admin, case_worker, service, code):
    if service is account_deactivate:
        account_deactivate(actor=access_admin, account=case_worker)

    with pytest.raises(StaffChangeRefused) as refused:
        service(actor=access_admin, account=case_worker)

    assert refused.value.code == code


# The pages


@pytest.fixture
def admin_client(client, access_admin):
    client.force_login(access_admin)
    return client


def _paths(account):
    return [
        STAFF,
        f"{STAFF}new/",
        f"{STAFF}{account.pk}/",
        f"{STAFF}{account.pk}/deactivate/",
        f"{STAFF}{account.pk}/reactivate/",
    ]


@pytest.mark.rule("002-13-need-to-know")
@pytest.mark.parametrize("persona", ["case_worker", "supervisor", "outsider"])
def test_the_pages_are_for_access_administrators_only(client, request, persona):
    user = request.getfixturevalue(persona)
    target = UserFactory(roles=[Role.CASE_WORKER])
    client.force_login(user)

    for path in _paths(target):
        assert client.get(path).status_code == 403, path
        assert client.post(path).status_code == 403, path
    assert client.post(f"{STAFF}{target.pk}/sign-in-link/").status_code == 403
    assert target.is_active and not AccessEvent.objects.exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fi", "Henkilöstön käyttäjätunnukset"),
        ("sv", "Personalens konton"),
        ("en", "Staff accounts"),
    ],
)
def test_the_pages_render_in_each_language(admin_client, case_worker, language, heading):
    admin_client.cookies["django_language"] = language
    inactive = UserFactory(is_active=False)

    for path in [*_paths(case_worker), f"{STAFF}{inactive.pk}/reactivate/"]:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Language"] == language
    assert heading in admin_client.get(STAFF).text


def test_the_list_filters_by_state_and_role(admin_client, case_worker, supervisor):
    case_worker.is_active = False
    case_worker.save()

    def listed(**query):
        return {p.username for p, _labels in admin_client.get(STAFF, query).context["rows"]}

    assert listed(state="inactive") == {"worker"}
    assert listed(state="active", role="supervisor") == {"supervisor"}
    assert "worker" not in listed(state="active")


def test_an_administrator_creates_an_account_from_the_page(admin_client, joensuu):
    response = admin_client.post(
        f"{STAFF}new/",
        {
            "username": "virkailija",
            "first_name": "Veera",
            "last_name": "Virkailija",
            "email": "",
            "organisation": "KEHA",
            "identity_code": IDENTITY_CODE,
            "roles": ["labour_official"],
            "served": [str(joensuu.pk)],
        },
    )

    account = User.objects.get(username="virkailija")
    assert response.status_code == 302
    assert response.url == f"{STAFF}{account.pk}/"
    assert account.identity_code_hash == identity_code_hash(IDENTITY_CODE)
    assert list(municipalities_served_by(account)) == [joensuu]


def test_a_wrong_identity_code_is_never_shown_back(admin_client):
    wrong = "131052-308X"
    response = admin_client.post(
        f"{STAFF}new/",
        {"username": "u", "first_name": "U", "last_name": "U", "identity_code": wrong},
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["identity_code"][0].code == "checksum"
    assert wrong not in response.text and "131052" not in response.text
    assert not User.objects.filter(username="u").exists()


def test_a_refusal_on_the_page_names_its_code(admin_client, case_worker, joensuu):
    response = admin_client.post(
        f"{STAFF}{case_worker.pk}/", {"roles": ["case_worker"], "served": [str(joensuu.pk)]}
    )

    assert response.context["refusal"] == StaffRefusal.SERVED_WITHOUT_ROLE
    assert 'data-refusal="served_without_role"' in response.text


def test_the_own_account_page_offers_no_change_of_roles(admin_client, access_admin):
    response = admin_client.get(f"{STAFF}{access_admin.pk}/")

    assert 'data-refusal="own_roles"' in response.text
    assert 'name="roles"' not in response.text


def test_deactivation_from_the_page_is_a_post_after_confirmation(admin_client, case_worker):
    path = f"{STAFF}{case_worker.pk}/deactivate/"
    admin_client.get(path)
    case_worker.refresh_from_db()
    assert case_worker.is_active

    response = admin_client.post(path)

    case_worker.refresh_from_db()
    assert response.status_code == 302
    assert not case_worker.is_active
    assert _events(case_worker, Action.ACCOUNT_DEACTIVATED)


def test_a_maintainers_account_is_not_found_on_the_pages(admin_client, superuser):
    assert admin_client.get(f"{STAFF}{superuser.pk}/").status_code == 404


# The first password


def test_a_new_person_sets_their_first_password_from_the_handed_over_link(admin_client):
    account = _create(User.objects.get(username="admin"), username="uusi")

    page = admin_client.post(f"{STAFF}{account.pk}/sign-in-link/")
    link = page.context["link"]
    assert link.startswith("http://testserver/sign-in/first-password/")

    person = PasswordOnlyClient()
    form_page = person.get(link, follow=True)
    assert form_page.context["validlink"]
    assert "/set-password/" in form_page.redirect_chain[-1][0]
    password = "oma-uusi-salasana-2026"
    done = person.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302 and done.url == reverse("login")
    account.refresh_from_db()
    assert account.check_password(password)
    # Spent: the token covers the password.
    assert not PasswordOnlyClient().get(link, follow=True).context["validlink"]


def test_the_link_is_refused_once_the_person_has_signed_in(access_admin, case_worker):
    case_worker.last_login = case_worker.date_joined
    with pytest.raises(StaffChangeRefused) as refused:
        check_first_password_link(actor=access_admin, account=case_worker)

    assert refused.value.code == StaffRefusal.HAS_SIGNED_IN


def test_the_link_page_is_post_only(admin_client, access_admin):
    account = _create(access_admin)

    assert admin_client.get(f"{STAFF}{account.pk}/sign-in-link/").status_code == 405


def test_a_deactivated_persons_link_stops_working(admin_client, access_admin):
    account = _create(access_admin)
    link = admin_client.post(f"{STAFF}{account.pk}/sign-in-link/").context["link"]

    account_deactivate(actor=access_admin, account=account)

    assert not PasswordOnlyClient().get(link, follow=True).context["validlink"]


def test_an_old_sign_in_confirms_again_before_a_link_and_comes_back_to_the_account(
    admin_client, access_admin, settings
):
    account = _create(access_admin)
    settings.RECENT_SIGN_IN = datetime.timedelta(0)

    response = admin_client.post(f"{STAFF}{account.pk}/sign-in-link/")

    assert response.status_code == 302
    assert response.url == f"/sign-in/confirm/?next=%2Faccess-rights%2Fstaff%2F{account.pk}%2F"


def test_the_users_history_shows_the_account_events(admin_client, access_admin, joensuu):
    account = _create(access_admin, roles=[Role.SUPERVISOR], overseen=[joensuu])
    account_change(actor=access_admin, account=account, roles=[Role.CASE_WORKER])
    account_deactivate(actor=access_admin, account=account)

    history = admin_client.get(f"/access-rights/users/{account.pk}/").context["history"]

    details = [detail for line in history for detail in getattr(line, "details", [])]
    assert ("Roolit", "lisätty: Asiakastyöntekijä; poistettu: Esihenkilö") in details
    assert ("Valvotut kunnat", "poistettu: Joensuu") in details
    assert ("Päättyneet istunnot", "0") in details
