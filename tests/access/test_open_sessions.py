"""A user sees their open sessions and can end the others (OWASP ASVS 5.0 7.5)."""

import pytest
from django.test import Client

from audit.actions import Action
from audit.models import AccessEvent
from sign_in.sessions import SIGNED_IN_FROM, session_ref
from tests.factories import TEST_PASSWORD
from tests.sign_in import SignedInClient

SESSIONS = "/sessions/"


@pytest.fixture
def two_sessions(case_worker):
    """The case worker signed in at two computers."""
    here, there = SignedInClient(), SignedInClient()
    here.force_login(case_worker)
    there.force_login(case_worker)
    return here, there


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_user_sees_each_of_their_open_sessions_and_which_is_this_one(two_sessions):
    here, there = two_sessions

    sessions = here.get(SESSIONS).context["sessions"]

    assert [s.current for s in sessions] == [True, False]
    assert {s.ref for s in sessions} == {
        session_ref(here.session.session_key),
        session_ref(there.session.session_key),
    }
    assert all(s.signed_in_at and s.last_active_at for s in sessions)
    page = here.get(SESSIONS).text
    assert here.session.session_key not in page and there.session.session_key not in page


@pytest.mark.rule("001-9-personal-sign-in")
def test_ending_the_other_sessions_signs_them_out_and_keeps_this_one(two_sessions, case_worker):
    here, there = two_sessions

    response = here.post(SESSIONS)

    assert response.status_code == 302
    assert there.get("/").url.startswith("/sign-in/")
    assert here.get("/").status_code == 200
    event = AccessEvent.objects.get(action=Action.SESSIONS_ENDED)
    assert (event.actor, event.target_id, event.details) == (
        case_worker,
        str(case_worker.pk),
        {"count": 1},
    )


def test_one_other_session_is_ended_by_its_reference(case_worker):
    here, there, third = SignedInClient(), SignedInClient(), SignedInClient()
    for browser in (here, there, third):
        browser.force_login(case_worker)

    here.post(SESSIONS, {"session": session_ref(there.session.session_key)})

    assert there.get("/").url.startswith("/sign-in/")
    assert third.get("/").status_code == 200


def test_nobody_ends_another_users_session(case_worker, supervisor):
    mine, theirs = SignedInClient(), SignedInClient()
    mine.force_login(case_worker)
    theirs.force_login(supervisor)

    mine.post(SESSIONS, {"session": session_ref(theirs.session.session_key)})

    assert theirs.get("/").status_code == 200
    assert not AccessEvent.objects.filter(action=Action.SESSIONS_ENDED).exists()


def test_a_session_remembers_the_address_it_signed_in_from(case_worker):
    browser = Client()

    browser.post("/sign-in/", {"username": case_worker.username, "password": TEST_PASSWORD})

    assert browser.session[SIGNED_IN_FROM] == "127.0.0.1"
