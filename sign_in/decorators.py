from functools import wraps

from django.conf import settings
from django.shortcuts import redirect

from sign_in.middleware import url_with_next
from sign_in.two_factor import authenticated_recently


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
