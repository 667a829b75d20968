"""Repeated failed sign-ins lock the account (django-axes); failures are kept; it can be lifted."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset
from django.core.management import call_command

from tests.factories import TEST_PASSWORD

SIGN_IN = "/sign-in/"


def sign_in(client, user, password):
    return client.post(SIGN_IN, {"username": user.username, "password": password})


@pytest.fixture
def locked(client, supervisor):
    for _ in range(5):
        sign_in(client, supervisor, "wrong-password")
    return supervisor


def test_four_failures_still_let_the_right_password_in(client, supervisor):
    for _ in range(4):
        assert sign_in(client, supervisor, "wrong-password").status_code == 200

    assert sign_in(client, supervisor, TEST_PASSWORD).status_code == 302


@pytest.mark.rule("001-9-personal-sign-in")
def test_the_fifth_failure_locks_the_account_even_for_the_right_password(client, locked):
    response = sign_in(client, locked, TEST_PASSWORD)

    assert response.status_code == 429
    assert "Käyttäjätunnus on lukittu" in response.text
    assert client.get("/").status_code == 302  # not signed in


@pytest.mark.rule("001-9-personal-sign-in")
def test_every_failure_is_kept_with_its_time_and_address(locked):
    failures = AccessFailureLog.objects.filter(username=locked.username)

    assert failures.count() == 5
    assert all(failure.ip_address and failure.attempt_time for failure in failures)


def test_the_lock_is_on_the_account_not_on_other_users(client, locked, case_worker):
    assert sign_in(client, case_worker, TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "unlock",
    [
        lambda user: reset(username=user.username),
        lambda user: call_command("axes_reset_username", user.username),
    ],
    ids=["reset", "management-command"],
)
def test_an_administrator_can_unlock_the_account(client, locked, unlock):
    unlock(locked)

    assert not AccessAttempt.objects.filter(username=locked.username).exists()
    assert sign_in(client, locked, TEST_PASSWORD).status_code == 302
