"""Session limits: signed out after 15 idle minutes, and 12 hours after signing in at the latest.

The limits live in the session itself and are checked on every request, so they hold whatever
the browser does with its cookie.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import change_record

IDLE_LIMIT = datetime.timedelta(minutes=15)
ABSOLUTE_LIMIT = datetime.timedelta(hours=12)
# Activity is written back at most this often: a write on every request would be wasted.
ACTIVITY_RESOLUTION = datetime.timedelta(minutes=1)

SIGNED_IN_AT = "atmt.signed_in_at"
LAST_ACTIVE_AT = "atmt.last_active_at"
# The address the session signed in from, shown to its user among their open sessions.
SIGNED_IN_FROM = "atmt.signed_in_from"


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVE_AT] = now
    request.session[SIGNED_IN_FROM] = request.META.get("REMOTE_ADDR") or ""


@dataclass(frozen=True)
class OpenSession:
    """One of a user's sessions as its user sees it. `ref` names it without its key."""

    ref: str
    signed_in_at: datetime.datetime | None
    last_active_at: datetime.datetime | None
    address: str
    current: bool


def session_ref(session_key: str) -> str:
    """A keyed hash of a session key: the page can name a session without revealing its key."""
    return salted_hmac("atmt.sign_in.session", session_key, algorithm="sha256").hexdigest()[:32]


def open_sessions_of(user, *, current_key: str) -> list[OpenSession]:
    """The user's sessions that have not ended, the current one first, then newest first."""
    sessions = [
        OpenSession(
            ref=session_ref(key),
            signed_in_at=_moment(data.get(SIGNED_IN_AT)),
            last_active_at=_moment(data.get(LAST_ACTIVE_AT)),
            address=data.get(SIGNED_IN_FROM, ""),
            current=key == current_key,
        )
        for key, data in _sessions_of(user)
    ]
    return sorted(
        sessions,
        key=lambda s: (not s.current, -(s.signed_in_at or _EPOCH).timestamp()),
    )


@transaction.atomic
def sessions_end_others(*, user, current_key: str, ref: str | None = None) -> int:
    """End the user's other sessions (or the one named by `ref`); how many ended.

    The ended sessions are deleted on the server: their cookies lead to the sign-in page.
    """
    keys = [
        key
        for key, _data in _sessions_of(user)
        if key != current_key and (ref is None or session_ref(key) == ref)
    ]
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    if deleted:
        change_record(
            actor=user, action=Action.SESSIONS_ENDED, target=user, details={"count": deleted}
        )
    return deleted


def _sessions_of(user) -> list[tuple[str, dict]]:
    """(key, data) of every unexpired session of `user`.

    Django keeps no index of sessions by user, so this reads every unexpired session: fine for
    one user's page now; a national deployment would keep its own table (issue 15).
    """
    found = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if data.get(SESSION_KEY) == str(user.pk):
            found.append((session.session_key, data))
    return found


_EPOCH = datetime.datetime.fromtimestamp(0, tz=datetime.UTC)


def _moment(timestamp: float | None) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC) if timestamp else None


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_when_deactivated(sender, instance, **kwargs):
    """Deactivating a user deletes their sessions for good.

    Django alone only stops honouring them while the account is inactive: a reactivation would
    bring an old cookie back to life.
    """
    if not instance.is_active:
        sessions_end(instance)


def sessions_end(user) -> int:
    """Delete every session of `user` on the server; how many there were."""
    keys = [key for key, _data in _sessions_of(user)]
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    return deleted


class SessionLimitsMiddleware:
    """Sign out a session past either limit; the sign-in requirement then sends it to sign in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self.enforce(request, timezone.now().timestamp())
        return self.get_response(request)

    def enforce(self, request, now: float) -> None:
        signed_in_at = request.session.get(SIGNED_IN_AT)
        last_active_at = request.session.get(LAST_ACTIVE_AT)
        if signed_in_at is None or last_active_at is None:
            # A session without the clock predates it or was tampered with: start again.
            self.end(request, _("Please sign in again."))
        elif now - signed_in_at >= ABSOLUTE_LIMIT.total_seconds():
            self.end(request, _("You were signed out: a session lasts 12 hours at most."))
        elif now - last_active_at >= IDLE_LIMIT.total_seconds():
            self.end(request, _("You were signed out after 15 minutes without activity."))
        elif now - last_active_at >= ACTIVITY_RESOLUTION.total_seconds():
            request.session[LAST_ACTIVE_AT] = now

    @staticmethod
    def end(request, message: str) -> None:
        logout(request)  # flushes the session on the server too
        messages.info(request, message)
