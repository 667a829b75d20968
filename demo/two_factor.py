"""Demo users' authenticators, with keys anyone can know: for trying ATMT, never in production."""

import hashlib
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import User
from sign_in.two_factor import AUTHENTICATOR_NAME, confirmed_authenticator, manual_key


class NoCodeYet(Exception):
    """The codes usable now have been used; the next one comes with the next 30 seconds."""


def demo_authenticator_key(username: str) -> str:
    """The demo user's key, the same on every machine (hex, as django-otp stores it)."""
    # 20 bytes, the length authenticator apps expect; derived, not random, on purpose.
    return hashlib.sha256(f"ATMT demo {username}".encode()).hexdigest()[:40]


def demo_manual_key(username: str) -> str:
    return manual_key(TOTPDevice(key=demo_authenticator_key(username)))


def demo_authenticator_load(user: User) -> bool:
    """Enrol the demo user with the known key unless they have an authenticator already."""
    if confirmed_authenticator(user) is not None:
        return False
    TOTPDevice.objects.create(
        user=user,
        name=AUTHENTICATOR_NAME,
        key=demo_authenticator_key(user.get_username()),
        confirmed=True,
    )
    return True


def current_code(device: TOTPDevice) -> str:
    """A code the device accepts now, as an authenticator app would show it.

    django-otp accepts each time step's code once, and one step ahead (its tolerance): after a
    sign-in in the same 30 seconds the next step's code still works at once.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    for step_ahead in range(device.tolerance + 1):
        if totp.t() + step_ahead > device.last_t:
            totp.time += step_ahead * device.step
            return f"{totp.token():0{device.digits}d}"
    raise NoCodeYet
