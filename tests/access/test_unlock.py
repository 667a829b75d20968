"""Access administrators unlock accounts that django-axes locked; the user's history says who."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from access.services import AccessChangeRefused, account_unlock
from audit.actions import Action
from audit.models import AccessEvent
from tests.factories import TEST_PASSWORD, UserFactory

SIGN_IN = "/sign-in/"
LOCKED = "/access-rights/locked-accounts/"


def sign_in(browser, user, password):
    return browser.post(SIGN_IN, {"username": user.username, "password": password})


def lock(user):
    """Five failed sign-ins through the real sign-in page, from a browser of the user's own."""
    browser = Client()
    for _ in range(5):
        sign_in(browser, user, "wrong-password")
    return user


@pytest.fixture
def locked(case_worker):
    return lock(case_worker)


@pytest.fixture
def admin_client(client, access_admin):
    client.force_login(access_admin)
    return client


def test_the_page_lists_locked_accounts_with_their_recent_failures(admin_client, locked):
    response = admin_client.get(LOCKED)

    assert response.status_code == 200
    [account] = response.context["locked"]
    assert account.username == locked.username
    assert account.failures == 5
    assert len(account.recent_failures) == 5
    assert "127.0.0.1" in response.text


def test_an_account_with_fewer_failures_is_not_listed(admin_client, supervisor):
    browser = Client()
    for _ in range(4):
        sign_in(browser, supervisor, "wrong-password")

    response = admin_client.get(LOCKED)

    assert response.context["locked"] == []


@pytest.mark.rule("001-9-personal-sign-in")
def test_the_administrator_unlocks_and_the_user_can_sign_in_again(
    admin_client, locked, access_admin
):
    assert sign_in(Client(), locked, TEST_PASSWORD).status_code == 429

    response = admin_client.post(LOCKED, {"username": locked.username})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=locked.username).exists()
    assert sign_in(Client(), locked, TEST_PASSWORD).status_code == 302
    event = AccessEvent.objects.get(action=Action.ACCOUNT_UNLOCKED)
    assert (event.actor, event.target_type, event.target_id) == (
        access_admin,
        "access.user",
        str(locked.pk),
    )


def test_the_unlock_shows_in_the_users_history(admin_client, locked, access_admin):
    admin_client.post(LOCKED, {"username": locked.username})

    response = admin_client.get(f"/access-rights/users/{locked.pk}/")

    [line] = [line for line in response.context["history"] if line.code == Action.ACCOUNT_UNLOCKED]
    assert line.action in response.text
    assert access_admin.get_full_name() in response.text


def test_only_the_failures_of_the_current_lock_are_listed(admin_client, locked):
    admin_client.post(LOCKED, {"username": locked.username})
    lock(locked)

    response = admin_client.get(LOCKED)

    [account] = response.context["locked"]
    assert len(account.recent_failures) == 5


def test_unlocking_one_account_leaves_the_others_locked(admin_client, locked, supervisor):
    lock(supervisor)

    admin_client.post(LOCKED, {"username": locked.username})

    assert sign_in(Client(), supervisor, TEST_PASSWORD).status_code == 429


@pytest.mark.parametrize("username", ["", "nobody-locked"])
def test_unlocking_an_account_that_is_not_locked_is_refused_and_resets_nothing(
    admin_client, locked, username
):
    response = admin_client.post(LOCKED, {"username": username})

    assert response.status_code == 200
    assert "Tunnus ei ole lukittuna." in response.text
    assert AccessAttempt.objects.filter(username=locked.username).exists()


def test_the_service_refuses_an_empty_user_name_that_would_reset_everyone(locked, access_admin):
    with pytest.raises(AccessChangeRefused):
        account_unlock(actor=access_admin, username="")

    assert AccessAttempt.objects.filter(username=locked.username).exists()


def test_a_locked_user_name_without_an_account_can_be_unlocked(admin_client, access_admin):
    ghost = UserFactory.build(username="ghost")  # never saved: nobody has this user name
    browser = Client()
    for _ in range(5):
        sign_in(browser, ghost, "guess")

    response = admin_client.post(LOCKED, {"username": "ghost"})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="ghost").exists()


@pytest.mark.parametrize("persona", ["case_worker", "supervisor", "outsider"])
def test_only_access_administrators_unlock(client, db, request, persona):
    target = lock(UserFactory(username="target"))
    client.force_login(request.getfixturevalue(persona))

    assert client.get(LOCKED).status_code == 403
    assert client.post(LOCKED, {"username": target.username}).status_code == 403
    assert AccessAttempt.objects.filter(username=target.username).exists()
