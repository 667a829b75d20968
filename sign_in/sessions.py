"""Session limits: signed out after 15 idle minutes, and 12 hours after signing in at the latest.

The limits live in the session itself and are checked on every request, so they hold whatever
the browser does with its cookie.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

IDLE_LIMIT = datetime.timedelta(minutes=15)
ABSOLUTE_LIMIT = datetime.timedelta(hours=12)
# Activity is written back at most this often: a write on every request would be wasted.
ACTIVITY_RESOLUTION = datetime.timedelta(minutes=1)

SIGNED_IN_AT = "atmt.signed_in_at"
LAST_ACTIVE_AT = "atmt.last_active_at"


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVE_AT] = now


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_when_deactivated(sender, instance, **kwargs):
    """Deactivating a user deletes their sessions for good.

    Django alone only stops honouring them while the account is inactive: a reactivation would
    bring an old cookie back to life.
    """
    if not instance.is_active:
        sessions_end(instance)


def sessions_end(user) -> int:
    """Delete every session of `user` on the server; how many there were.

    Sessions are not indexed by user, so the unexpired ones are read; deactivation is rare.
    """
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
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
