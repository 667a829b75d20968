"""Two-factor sign-in: a time-based one-time code (django-otp) after the password.

Every user enrols an authenticator app at their first sign-in and receives single-use recovery
codes for the day the phone is lost. Until the second factor is passed, the session reaches only
the sign-in pages (sign_in/middleware.py). Wrong codes count towards the same account lockout as
wrong passwords (django-axes), so five failures of either kind lock the account.
"""

import base64
import datetime
import secrets

import segno
from axes.utils import reset as axes_reset
from django.contrib.auth import logout
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import Action
from audit.models import AccessEvent
from audit.services import change_record
from sign_in.sessions import SIGNED_IN_AT

AUTHENTICATED_AT = "atmt.authenticated_at"
AUTHENTICATOR_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10
# Twenty-four characters from 31 that cannot be mistaken for one another: 118 bits each
# (ASVS 5.0 6.5.2 asks for at least 112), typed in six groups of four.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 24
RECOVERY_CODE_GROUP = 4
# The key of the recovery codes' digests is derived from SECRET_KEY with this salt.
RECOVERY_DIGEST_SALT = "atmt.sign_in.recovery_code"


# Enrolment shows a new secret only to a session whose password was entered this recently, and
# after the last reset: a session left open from before the reset, or a password-only session
# grown old, signs in again first.
ENROLMENT_WINDOW = datetime.timedelta(minutes=10)


class TwoFactorRefused(Exception):
    """The change is not allowed; the (translated) message says why, `code` names the reason."""

    OWN_ACCOUNT = "own_account"
    SUPERUSER = "superuser"

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.code = code


def confirmed_authenticator(user: AbstractUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_authenticator(user: AbstractUser) -> TOTPDevice:
    """The authenticator being enrolled: the same key on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def manual_key(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG QR code (the page's CSP allows no other origin)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, omitsize=True)
    # Safe: segno writes only the QR code's own rectangles and paths; the address (with the user
    # name) is in the pattern of modules, never in the markup as text.
    return mark_safe(svg)  # noqa: S308


def code_matches(user: AbstractUser, code: str) -> Device | None:
    """The device that accepts `code`: six digits from the app, or an unused recovery code.

    One code signs in once, however many requests race with it: the device's row is locked
    (SELECT ... FOR UPDATE) until its last-used step or its used-up recovery code is written, so
    a second request with the same code waits, then finds it used. A recovery code is used up by
    matching it.
    """
    code = "".join(code.split()).replace("-", "").lower()
    with transaction.atomic():
        if code.isdigit():
            device = (
                TOTPDevice.objects.select_for_update()
                .filter(user=user, confirmed=True)
                .order_by("pk")
                .first()
            )
            return device if device is not None and device.verify_token(code) else None
        recovery = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if recovery is not None and recovery.verify_token(_recovery_digest(code)):
            return recovery
        return None


def recovery_codes_left(user: AbstractUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def recovery_codes_issue(user: AbstractUser) -> list[str]:
    """New recovery codes, replacing any earlier ones. Shown once; only their digests are kept."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_recovery_digest(code)) for code in codes
    )
    return [_recovery_code_shown(code) for code in codes]


def _recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def _recovery_code_shown(code: str) -> str:
    step = RECOVERY_CODE_GROUP
    return "-".join(code[start : start + step] for start in range(0, len(code), step))


def _recovery_digest(code: str) -> str:
    """What is stored of a recovery code: a keyed hash, so a copy of the database alone is useless.

    HMAC-SHA-256 with a key derived from SECRET_KEY; one digest per attempt, looked up by
    equality (django-otp's StaticToken), never a slow hash per stored code. django-otp keeps 16
    characters: the first 96 bits of the digest in URL-safe base64. The code itself carries
    118 bits, so the digest cannot be turned back into it, and a guess matches one of ten stored
    digests with a chance of 10 in 2**96.
    """
    digest = salted_hmac(RECOVERY_DIGEST_SALT, code, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


@transaction.atomic
def enrolment_confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the new authenticator with its first code; return the user's recovery codes."""
    if not device.verify_token("".join(code.split())):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # The devices are not in the change history: their rows hold the secret key.
    change_record(actor=request.user, action=Action.TWO_FACTOR_ENROLLED, target=request.user)
    second_factor_passed(request, device)
    return recovery_codes_issue(request.user)


def second_factor_passed(request, device: Device) -> None:
    """The sign-in is complete: mark the session, note the time, forgive earlier failures."""
    otp_login(request, device)
    # A new session id for the new level of trust: an id seen before this step is worth nothing.
    request.session.cycle_key()
    request.session[AUTHENTICATED_AT] = timezone.now().timestamp()
    axes_reset(username=request.user.get_username())


def sign_in_failed(request, user: AbstractUser) -> bool:
    """Count a wrong code or password like a failed sign-in; end the session if now locked.

    django-axes records the failure (time, address, path) and decides the lockout.
    """
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    return end_if_locked(request)


def end_if_locked(request) -> bool:
    """End the session if django-axes has just locked the account; say whether it did."""
    locked = bool(getattr(request, "axes_locked_out", False))
    if locked:
        logout(request)
    return locked


def authenticated_recently(session, *, within) -> bool:
    authenticated_at = session.get(AUTHENTICATED_AT)
    if authenticated_at is None:
        return False
    return timezone.now().timestamp() - authenticated_at < within.total_seconds()


@transaction.atomic
def two_factor_reset(*, actor, user: AbstractUser) -> None:
    """Remove the user's authenticator and recovery codes: they enrol again at next sign-in.

    Open sessions of the user lose their second factor with the device and return to enrolment.
    """
    if actor.pk == user.pk:
        raise TwoFactorRefused(
            _("Nobody resets their own two-factor sign-in; use a recovery code."),
            code=TwoFactorRefused.OWN_ACCOUNT,
        )
    if user.is_superuser:
        raise TwoFactorRefused(
            _(
                "A superuser's two-factor sign-in is not reset here: another superuser does it "
                "on the maintenance pages."
            ),
            code=TwoFactorRefused.SUPERUSER,
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    change_record(actor=actor, action=Action.TWO_FACTOR_RESET, target=user)


def last_reset(user: AbstractUser) -> AccessEvent | None:
    """The newest reset of the user's two-factor sign-in (atmt.two_factor.reset), if any."""
    return (
        AccessEvent.objects.filter(
            action=Action.TWO_FACTOR_RESET,
            target_type=user._meta.label_lower,
            target_id=str(user.pk),
        )
        .select_related("actor")
        .order_by("-occurred_at", "-pk")
        .first()
    )


def may_enrol(session, reset: AccessEvent | None) -> bool:
    """Whether this session may be shown a new secret: its password is recent, and newer than
    the last reset of the user's two-factor sign-in."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        return False
    if timezone.now().timestamp() - signed_in_at >= ENROLMENT_WINDOW.total_seconds():
        return False
    return reset is None or signed_in_at > reset.occurred_at.timestamp()
