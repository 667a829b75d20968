from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from atmt.identity_codes import without_identity_codes
from sign_in.two_factor import confirmed_authenticator


def second_factor_not_required(view):
    """Mark a view that a signed-in user reaches before passing the second factor."""
    view.second_factor_required = False
    return view


class SecondFactorRequiredMiddleware:
    """Send a signed-in user who has not passed the second factor to enrol or to enter a code.

    Works like Django's LoginRequiredMiddleware, one step later: every view needs the second
    factor unless marked with `second_factor_not_required`. Until then the session reaches no
    page with client or log data, nor any other page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "second_factor_required", True):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        step = "two_factor_code" if confirmed_authenticator(user) else "two_factor_enrol"
        return redirect(url_with_next(step, request.get_full_path()))


def url_with_next(view_name: str, next_url: str) -> str:
    """The page `view_name`, told where to return afterwards (never with an identity code)."""
    return f"{reverse(view_name)}?{urlencode({'next': without_identity_codes(next_url)})}"
