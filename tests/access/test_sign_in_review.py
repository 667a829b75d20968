"""What the outside review of sign-in found (issue 10): one code signs in once, recovery codes
carry enough bits and are kept as keyed hashes, the session id changes with its trust, and a new
secret is shown only to a fresh sign-in."""

import datetime
import math
import threading

import pytest
from django.db import connection
from django.test import Client as PasswordOnlyClient
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.roles import Role
from audit.actions import Action
from audit.models import AccessEvent
from sign_in.sessions import SIGNED_IN_AT
from sign_in.two_factor import (
    RECOVERY_CODE_ALPHABET,
    RECOVERY_CODE_LENGTH,
    code_matches,
    recovery_codes_issue,
)
from tests.factories import TEST_PASSWORD, UserFactory
from tests.sign_in import authenticator, code_now

SIGN_IN = "/sign-in/"
CODE = "/sign-in/code/"
CONFIRM = "/sign-in/confirm/"
ENROL = "/sign-in/enrol/"
RACERS = 12


def signed_in_with_password(user) -> PasswordOnlyClient:
    session = PasswordOnlyClient()
    session.post(SIGN_IN, {"username": user.username, "password": TEST_PASSWORD})
    return session


def race(sessions, code) -> list[str]:
    """Post the same code from every session at the same moment; where each answer leads.

    The one accepted goes on to the page asked for; the others stay on the code page (200) or,
    once wrong codes have locked the account, are sent back to the sign-in page.
    """
    start = threading.Barrier(len(sessions))
    answers: list[str] = []

    def post(session):
        try:
            start.wait()
            answer = session.post(CODE, {"code": code, "next": "/"})
            answers.append(answer.url if answer.status_code == 302 else str(answer.status_code))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def on_postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("rows are locked for update on PostgreSQL only")


@pytest.mark.rule("001-9-personal-sign-in")
def test_the_same_code_raced_from_many_sessions_signs_in_once(transactional_db):
    on_postgresql_only()
    user = UserFactory(username="racer", roles=[Role.SUPERVISOR])
    authenticator(user)
    sessions = [signed_in_with_password(user) for _ in range(RACERS)]

    answers = race(sessions, code_now(user))

    assert answers.count("/") == 1
    assert len(answers) == RACERS


@pytest.mark.rule("001-9-personal-sign-in")
def test_the_same_recovery_code_raced_from_many_sessions_signs_in_once(transactional_db):
    on_postgresql_only()
    user = UserFactory(username="racer", roles=[Role.SUPERVISOR])
    authenticator(user)
    codes = recovery_codes_issue(user)
    sessions = [signed_in_with_password(user) for _ in range(RACERS)]

    answers = race(sessions, codes[0])

    assert answers.count("/") == 1
    assert StaticToken.objects.filter(device__user=user).count() == len(codes) - 1


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_recovery_code_carries_at_least_112_bits(case_worker):
    codes = recovery_codes_issue(case_worker)

    for code in codes:
        symbols = code.replace("-", "")
        assert len(symbols) == RECOVERY_CODE_LENGTH
        assert set(symbols) <= set(RECOVERY_CODE_ALPHABET)
    assert RECOVERY_CODE_LENGTH * math.log2(len(set(RECOVERY_CODE_ALPHABET))) >= 112
    assert len(set(codes)) == len(codes)


@pytest.mark.rule("001-9-personal-sign-in")
def test_recovery_codes_are_kept_as_hashes_keyed_by_the_secret_key(case_worker, settings):
    codes = recovery_codes_issue(case_worker)
    stored = set(StaticToken.objects.values_list("token", flat=True))

    assert not any(code.replace("-", "") in stored for code in codes)
    settings.SECRET_KEY = "another-" * 8  # a copy of the database without the key
    assert code_matches(case_worker, codes[0]) is None
    assert StaticToken.objects.count() == len(codes)  # nothing used up


def test_the_session_id_changes_at_the_code_step(password_only_client, supervisor):
    authenticator(supervisor)
    password_only_client.post(SIGN_IN, {"username": supervisor.username, "password": TEST_PASSWORD})
    after_password = password_only_client.session.session_key

    password_only_client.post(CODE, {"code": code_now(supervisor), "next": "/"})

    assert password_only_client.session.session_key != after_password
    assert password_only_client.get("/").status_code == 200


def test_the_session_id_changes_when_the_identity_is_confirmed_again(client, supervisor):
    client.force_login(supervisor)
    before = client.session.session_key

    response = client.post(
        CONFIRM, {"password": TEST_PASSWORD, "code": code_now(supervisor), "next": "/"}
    )

    assert response.status_code == 302
    assert client.session.session_key != before


# Enrolment needs the password first, and a fresh identity


def reset_url(user) -> str:
    return f"/access-rights/users/{user.pk}/two-factor-reset/"


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_session_from_before_a_reset_signs_in_again_before_it_sees_a_new_secret(
    client, access_admin, supervisor
):
    authenticator(supervisor)
    left_open = signed_in_with_password(supervisor)
    client.force_login(access_admin)
    client.post(reset_url(supervisor))

    response = left_open.get(ENROL)

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=")
    assert "_auth_user_id" not in left_open.session  # signed out
    assert not TOTPDevice.objects.filter(user=supervisor).exists()  # no secret made
    fresh = signed_in_with_password(supervisor)
    assert fresh.get(ENROL).status_code == 200
    assert TOTPDevice.objects.filter(user=supervisor, confirmed=False).exists()


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_password_entered_long_ago_is_asked_again_before_a_new_secret(case_worker):
    session = signed_in_with_password(case_worker)
    state = session.session
    state[SIGNED_IN_AT] = (timezone.now() - datetime.timedelta(minutes=11)).timestamp()
    state.save()

    response = session.get(ENROL)

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=")
    assert not TOTPDevice.objects.filter(user=case_worker).exists()


@pytest.mark.rule("001-9-personal-sign-in")
def test_an_access_administrator_cannot_reset_a_superusers_second_factor(
    client, access_admin, superuser
):
    authenticator(superuser)
    client.force_login(access_admin)

    response = client.post(reset_url(superuser))

    assert response.status_code == 200
    assert 'data-refusal="superuser"' in response.text
    assert TOTPDevice.objects.filter(user=superuser).exists()
    assert not AccessEvent.objects.filter(action=Action.TWO_FACTOR_RESET).exists()


def test_an_access_administrator_cannot_reset_their_own_second_factor(client, access_admin):
    client.force_login(access_admin)

    response = client.post(reset_url(access_admin))

    assert 'data-refusal="own_account"' in response.text
    assert TOTPDevice.objects.filter(user=access_admin).exists()


@pytest.mark.rule("001-9-personal-sign-in")
def test_the_next_sign_in_tells_who_reset_the_second_factor_and_when(
    client, access_admin, supervisor
):
    authenticator(supervisor)
    client.force_login(access_admin)
    client.post(reset_url(supervisor))
    reset = AccessEvent.objects.get(action=Action.TWO_FACTOR_RESET)

    page = signed_in_with_password(supervisor).get(ENROL)

    assert 'data-event="atmt.two_factor.reset"' in page.text
    assert access_admin.get_full_name() in page.text
    when = timezone.localtime(reset.occurred_at)
    assert f"{when.day}.{when.month}.{when.year} {when:%H:%M}" in page.text


def test_a_first_enrolment_says_nothing_of_a_reset(password_only_client, case_worker):
    page = signed_in_with_password(case_worker).get(ENROL)

    assert page.status_code == 200
    assert "data-event" not in page.text


# Users change their own password


PASSWORD = "/password/"
NEW_PASSWORD = "vaihdettu-Salasana-2026"


def change_password(session, old, new, again=None):
    return session.post(
        PASSWORD, {"old_password": old, "new_password1": new, "new_password2": again or new}
    )


def error_codes(response, field) -> set[str]:
    return {error.code for error in response.context["form"].errors.as_data().get(field, [])}


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_user_changes_their_own_password_and_other_sessions_end(client, supervisor):
    client.force_login(supervisor)
    elsewhere = type(client)()
    elsewhere.force_login(supervisor)
    before = client.session.session_key

    response = change_password(client, TEST_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert supervisor.check_password(NEW_PASSWORD)
    assert client.session.session_key != before
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def test_a_password_change_needs_the_current_password(client, supervisor):
    client.force_login(supervisor)

    response = change_password(client, "wrong-password", NEW_PASSWORD)

    assert error_codes(response, "old_password") == {"password_incorrect"}
    supervisor.refresh_from_db()
    assert supervisor.check_password(TEST_PASSWORD)


def test_a_new_password_meets_the_password_rules(client, supervisor):
    client.force_login(supervisor)

    response = change_password(client, TEST_PASSWORD, "12345678")

    assert {"password_too_common", "password_entirely_numeric"} <= error_codes(
        response, "new_password2"
    )


def test_a_password_is_changed_only_after_the_second_factor(supervisor):
    authenticator(supervisor)
    session = signed_in_with_password(supervisor)

    response = change_password(session, TEST_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/code/")
    supervisor.refresh_from_db()
    assert supervisor.check_password(TEST_PASSWORD)
