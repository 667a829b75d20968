"""A lockout an outsider cannot aim (issue 10): django-axes locks the pair (user name, address),
and the spread throttles beside it (sign_in/throttle.py) stop one address guessing many names
and one name guessed from many addresses."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from access.selectors import locked_usernames
from access.services import account_unlock
from sign_in.models import SignInBlock
from sign_in.throttle import SPREAD_LIMIT
from tests.factories import TEST_PASSWORD

SIGN_IN = "/sign-in/"
OUTSIDER = "203.0.113.66"
OFFICE = "198.51.100.10"


def sign_in_from(address, username, password):
    return Client(REMOTE_ADDR=address).post(SIGN_IN, {"username": username, "password": password})


def lock_of(response) -> str | None:
    """Which lock refused the sign-in, as the page names it (`pair`, `address`, `username`)."""
    marker = 'data-lock="'
    if marker not in response.text:
        return None
    return response.text.split(marker, 1)[1].split('"', 1)[0]


@pytest.mark.rule("001-9-personal-sign-in")
def test_five_failures_from_an_outsiders_address_do_not_lock_the_user_out_elsewhere(supervisor):
    for _ in range(5):
        sign_in_from(OUTSIDER, supervisor.username, "wrong-password")

    assert sign_in_from(OUTSIDER, supervisor.username, TEST_PASSWORD).status_code == 429
    assert sign_in_from(OFFICE, supervisor.username, TEST_PASSWORD).status_code == 302


@pytest.mark.rule("001-9-personal-sign-in")
def test_one_persons_typing_errors_do_not_lock_the_office_behind_one_address(
    supervisor, case_worker
):
    for _ in range(5):
        sign_in_from(OFFICE, case_worker.username, "wrong-password")

    assert lock_of(sign_in_from(OFFICE, case_worker.username, TEST_PASSWORD)) == "pair"
    assert sign_in_from(OFFICE, supervisor.username, TEST_PASSWORD).status_code == 302


def test_an_office_where_twenty_people_mistype_keeps_signing_in(supervisor):
    for number in range(SPREAD_LIMIT - 1):
        sign_in_from(OFFICE, f"colleague{number}", "wrong-password")
    sign_in_from(OFFICE, supervisor.username, "wrong-password")

    assert sign_in_from(OFFICE, supervisor.username, TEST_PASSWORD).status_code == 302


@pytest.mark.rule("001-9-personal-sign-in")
def test_an_address_failing_on_more_than_twenty_user_names_is_refused_for_an_hour(supervisor):
    for number in range(SPREAD_LIMIT + 1):
        sign_in_from(OUTSIDER, f"guess{number}", "wrong-password")

    refused = sign_in_from(OUTSIDER, supervisor.username, TEST_PASSWORD)

    assert refused.status_code == 429
    assert lock_of(refused) == "address"
    block = SignInBlock.objects.get(kind=SignInBlock.Kind.ADDRESS, key=OUTSIDER)
    assert block.until - block.blocked_at == datetime.timedelta(hours=1)
    assert sign_in_from(OFFICE, supervisor.username, TEST_PASSWORD).status_code == 302
    assert supervisor.username not in locked_usernames()
    # An hour later the address may try again.
    SignInBlock.objects.update(until=timezone.now() - datetime.timedelta(seconds=1))
    assert sign_in_from(OUTSIDER, supervisor.username, TEST_PASSWORD).status_code == 302


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_user_name_failing_from_more_than_twenty_addresses_is_locked(supervisor):
    for number in range(SPREAD_LIMIT + 1):
        sign_in_from(f"192.0.2.{number + 1}", supervisor.username, "wrong-password")

    refused = sign_in_from(OFFICE, supervisor.username, TEST_PASSWORD)

    assert refused.status_code == 429
    assert lock_of(refused) == "username"
    assert supervisor.username in locked_usernames()


def test_the_access_administrator_lifts_a_spread_lock(supervisor, access_admin):
    for number in range(SPREAD_LIMIT + 1):
        sign_in_from(f"192.0.2.{number + 1}", supervisor.username, "wrong-password")

    account_unlock(actor=access_admin, username=supervisor.username)

    assert supervisor.username not in locked_usernames()
    assert sign_in_from(OFFICE, supervisor.username, TEST_PASSWORD).status_code == 302
