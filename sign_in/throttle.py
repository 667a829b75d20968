"""Two throttles beside django-axes, against attacks spread over many user names or addresses.

django-axes locks the pair (user name, address) after five failures (AXES_LOCKOUT_PARAMETERS),
so an outsider cannot lock someone else's account from their own address, and a whole office
behind one NAT address keeps working when one person mistypes. django-axes has one failure limit
for all its parameters, so the two wider limits live here, read from django-axes' failure log
(AccessFailureLog) and kept in a table of their own (SignInBlock):

- an address that fails on more than SPREAD_LIMIT distinct user names within SPREAD_WINDOW is
  refused (429) for BLOCK_TIME: one place guessing passwords for many names;
- a user name that fails from more than SPREAD_LIMIT addresses within SPREAD_WINDOW is locked
  for BLOCK_TIME: one name guessed from many places. An access administrator lifts it with the
  django-axes lock (access.services.account_unlock).

Wrong codes count as well: they are reported as failed sign-ins (two_factor.sign_in_failed).
"""

import datetime

from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sign_in.models import SignInBlock

SPREAD_LIMIT = 20
SPREAD_WINDOW = datetime.timedelta(hours=1)
BLOCK_TIME = datetime.timedelta(hours=1)
# The longest user name or address kept; django-axes keeps as much.
KEY_LENGTH = 255
# The sign-in form's field, as django-axes reads it (AXES_USERNAME_FORM_FIELD, its default).
USERNAME_FIELD = "username"


def _key(value) -> str:
    return str(value or "")[:KEY_LENGTH]


def is_blocked(kind: str, key, *, at: datetime.datetime | None = None) -> bool:
    at = at or timezone.now()
    return SignInBlock.objects.filter(kind=kind, key=_key(key), until__gt=at).exists()


def blocked_usernames(*, at: datetime.datetime | None = None) -> set[str]:
    """User names locked now by the spread throttle."""
    at = at or timezone.now()
    return set(
        SignInBlock.objects.filter(kind=SignInBlock.Kind.USERNAME, until__gt=at).values_list(
            "key", flat=True
        )
    )


def username_unblock(username: str) -> int:
    """Lift the spread lock on a user name; how many blocks ended."""
    ended, _ = SignInBlock.objects.filter(
        kind=SignInBlock.Kind.USERNAME, key=_key(username), until__gt=timezone.now()
    ).delete()
    return ended


def _block(kind: str, key: str, at: datetime.datetime) -> None:
    if not SignInBlock.objects.filter(kind=kind, key=key, until__gt=at).exists():
        SignInBlock.objects.create(kind=kind, key=key, blocked_at=at, until=at + BLOCK_TIME)


@receiver(user_login_failed)
def count_spread_failures(sender, credentials, request=None, **kwargs) -> None:
    """After each failed sign-in, block the address or the user name past the spread limit.

    The failure being reported is counted here whatever order the receivers run in, so the
    limit holds whether or not django-axes has already written it to its log.
    """
    if request is None:
        return
    username = _key(credentials.get(USERNAME_FIELD))
    address = _key(get_client_ip_address(request))
    at = timezone.now()
    recent = AccessFailureLog.objects.filter(attempt_time__gte=at - SPREAD_WINDOW)
    names = set(recent.filter(ip_address=address).values_list("username", flat=True))
    if len(names | {username}) > SPREAD_LIMIT:
        _block(SignInBlock.Kind.ADDRESS, address, at)
    addresses = set(recent.filter(username=username).values_list("ip_address", flat=True))
    if username and len(addresses | {address}) > SPREAD_LIMIT:
        _block(SignInBlock.Kind.USERNAME, username, at)


class SpreadThrottleMiddleware:
    """Refuse a sign-in from a throttled address, or for a user name locked by the spread limit.

    Only the password step is refused: the code step needs a password that passed it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("login"):
            at = timezone.now()
            if is_blocked(SignInBlock.Kind.ADDRESS, get_client_ip_address(request), at=at):
                return _refused(request, SignInBlock.Kind.ADDRESS)
            username = request.POST.get(USERNAME_FIELD)
            if username and is_blocked(SignInBlock.Kind.USERNAME, username, at=at):
                return _refused(request, SignInBlock.Kind.USERNAME)
        return self.get_response(request)


def _refused(request, lock: str):
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"lock": lock}, status=429)
