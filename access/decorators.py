from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from access.middleware import url_with_next
from access.roles import Role, roles_of
from access.two_factor import authenticated_recently


def role_required(role: Role):
    """Refuse (403) a signed-in user who does not hold `role`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if role not in roles_of(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def recent_sign_in_required(view):
    """Ask for the password and a code again if the last sign-in is older than RECENT_SIGN_IN.

    A form posted after that is not acted on: the user confirms, and comes back to the page.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not authenticated_recently(request.session, within=settings.RECENT_SIGN_IN):
            return redirect(url_with_next("identity_confirm", request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper
