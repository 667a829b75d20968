"""A new member of staff's first password, set from a link their access administrator hands them.

The link is Django's password-reset token (PasswordResetTokenGenerator): signed with SECRET_KEY,
nothing stored, valid for PASSWORD_RESET_TIMEOUT, and spent the moment it is used, since the
token covers the password and the last sign-in. Nothing about the person travels by e-mail.
"""

import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def first_password_path(user) -> str:
    """The path of the page where `user` sets their first password, with a fresh token."""
    return reverse(
        "first_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def first_password_link_valid_until() -> datetime.datetime:
    """When a link made now stops working."""
    return timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def may_set_first_password(user) -> bool:
    """Only an account in use that has never signed in: the link is no way round a password."""
    return user.is_active and user.last_login is None
