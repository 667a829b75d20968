"""Sessions end after 15 idle minutes, 12 hours after sign-in, at sign-out, and on deactivation."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from sign_in.sessions import LAST_ACTIVE_AT, SIGNED_IN_AT
from tests.factories import TEST_PASSWORD


def age_session(client, **ago: datetime.timedelta):
    """Move the session's clock back, as if that much time had passed."""
    session = client.session
    now = timezone.now().timestamp()
    for key, delta in {
        SIGNED_IN_AT: ago.get("signed_in"),
        LAST_ACTIVE_AT: ago.get("active"),
    }.items():
        if delta is not None:
            session[key] = now - delta.total_seconds()
    session.save()


def minutes(n):
    return datetime.timedelta(minutes=n)


@pytest.mark.rule("001-9-personal-sign-in")
@pytest.mark.parametrize(
    ("signed_in", "active", "still_signed_in"),
    [
        (minutes(20), minutes(14), True),
        (minutes(20), minutes(15), False),
        (datetime.timedelta(hours=12) - minutes(1), minutes(0), True),
        (datetime.timedelta(hours=12), minutes(0), False),
    ],
    ids=["idle-14-min", "idle-15-min", "11h59m-active", "12h-active"],
)
def test_idle_and_absolute_limits(client, supervisor, signed_in, active, still_signed_in):
    client.force_login(supervisor)
    age_session(client, signed_in=signed_in, active=active)

    response = client.get("/")

    assert (response.status_code == 200) is still_signed_in
    if not still_signed_in:
        assert response.url.startswith("/sign-in/")
        assert "Kirjaudu sisään" in client.get(response.url).text


def test_the_reason_is_told_on_the_sign_in_page(client, supervisor):
    client.force_login(supervisor)
    age_session(client, active=minutes(16))

    response = client.get("/", follow=True)

    assert "15 minuutin" in response.text


def test_activity_moves_the_idle_limit(client, supervisor):
    client.force_login(supervisor)
    age_session(client, active=minutes(10))
    client.get("/")
    age_session(client, active=minutes(10))  # twenty minutes since sign-in, ten since activity

    assert client.get("/").status_code == 200


def test_signing_in_gives_a_new_session_id(client, supervisor):
    client.get("/sign-in/")
    client.session.save()
    before = client.session.session_key

    client.post("/sign-in/", {"username": supervisor.username, "password": TEST_PASSWORD})

    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(supervisor.pk)


@pytest.mark.rule("001-9-personal-sign-in")
def test_signing_out_ends_the_session_on_the_server(client, supervisor):
    client.force_login(supervisor)
    key = client.session.session_key

    client.post("/sign-out/")

    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.rule("001-9-personal-sign-in")
def test_deactivating_a_user_ends_their_open_sessions_at_once(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/").status_code == 200

    supervisor.is_active = False
    supervisor.save()

    assert client.get("/").status_code == 302


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_deactivated_users_sessions_stay_ended_after_reactivation(
    client, supervisor, case_worker
):
    client.force_login(supervisor)
    key = client.session.session_key
    colleague = type(client)()
    colleague.force_login(case_worker)

    supervisor.is_active = False
    supervisor.save()
    supervisor.is_active = True
    supervisor.save()

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
