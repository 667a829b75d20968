"""Signing in from tests: the whole sign-in, or the password only, and codes to type."""

from django.test import Client as PasswordOnlyClient
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.two_factor import current_code
from sign_in.two_factor import AUTHENTICATED_AT


class SignedInClient(PasswordOnlyClient):
    """A test client whose force_login is a whole sign-in: the password and the second factor.

    The session is marked as django-otp marks it after a correct code from the user's (real)
    authenticator, at the moment of signing in. `PasswordOnlyClient` stops after the password.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session[AUTHENTICATED_AT] = timezone.now().timestamp()
        session.save()


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator, enrolled now if they have none."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True)
    return device


def code_now(user) -> str:
    """The code the user's authenticator app shows now (and django-otp still accepts)."""
    return current_code(authenticator(user))
