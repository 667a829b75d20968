"""The second step of signing in, enrolment, recovery codes and confirming one's identity again."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.views import PasswordChangeView, PasswordResetConfirmView
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from atmt.identity_codes import without_identity_codes
from sign_in.first_password import may_set_first_password
from sign_in.forms import (
    EnrolmentCodeForm,
    FirstPasswordForm,
    IdentityConfirmationForm,
    OneTimeCodeForm,
    OwnPasswordChangeForm,
)
from sign_in.middleware import second_factor_not_required, url_with_next
from sign_in.sessions import open_sessions_of, sessions_end_others
from sign_in.two_factor import (
    code_matches,
    confirmed_authenticator,
    end_if_locked,
    enrolment_authenticator,
    enrolment_confirm,
    last_reset,
    manual_key,
    may_enrol,
    qr_code_svg,
    recovery_codes_left,
    second_factor_passed,
    sign_in_failed,
)

# The recovery codes are shown once, on the page after enrolment; kept in the session until then.
NEW_RECOVERY_CODES = "atmt.new_recovery_codes"


@second_factor_not_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_code(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if confirmed_authenticator(request.user) is None:
        return redirect(url_with_next("two_factor_enrol", _next_url(request)))
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = code_matches(request.user, form.cleaned_data["code"])
        if device is not None:
            second_factor_passed(request, device)
            if isinstance(device, StaticDevice):
                _warn_recovery_code_used(request)
            return redirect(_next_url(request))
        if sign_in_failed(request, request.user):
            return redirect("login")  # django-axes answers with the lockout page instead
        form.add_error("code", _("The code is wrong or has already been used. Try again."))
    return render(
        request,
        "registration/two_factor_code.html",
        {"form": form, "next": _next_url(request), "demo": _demo_hint(request)},
    )


@second_factor_not_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """First sign-in: add the authenticator app, prove it works, receive recovery codes."""
    if request.user.is_verified() or confirmed_authenticator(request.user) is not None:
        return redirect(url_with_next("two_factor_code", _next_url(request)))
    reset = last_reset(request.user)
    if not may_enrol(request.session, reset):
        # A new secret only after the password again: the session may predate a reset, or its
        # password may be old. Signing in again brings the user back here.
        back = url_with_next("two_factor_enrol", _next_url(request))
        logout(request)
        messages.info(request, _("Sign in again to set up two-factor sign-in."))
        return redirect(url_with_next("login", back))
    device = enrolment_authenticator(request.user)
    form = EnrolmentCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = enrolment_confirm(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session[NEW_RECOVERY_CODES] = codes
            return redirect(url_with_next("two_factor_recovery_codes", _next_url(request)))
        if sign_in_failed(request, request.user):
            return redirect("login")
        form.add_error("code", _("The code does not match. Check the key and try again."))
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": qr_code_svg(device),
            "manual_key": manual_key(device),
            "reset": reset,
        },
    )


@require_http_methods(["GET"])
def two_factor_recovery_codes(request):
    """Show the new recovery codes once; a reload finds them gone from the session."""
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if codes is None:
        return redirect(_next_url(request))
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@sensitive_post_parameters("password", "code")
@require_http_methods(["GET", "POST"])
def identity_confirm(request):
    """Password and code again, when a decision needs a recent sign-in (RECENT_SIGN_IN)."""
    form = IdentityConfirmationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = request.user
        password_ok = (
            authenticate(
                request, username=user.get_username(), password=form.cleaned_data["password"]
            )
            == user
        )
        device = code_matches(user, form.cleaned_data["code"]) if password_ok else None
        if device is not None:
            second_factor_passed(request, device)
            return redirect(_next_url(request))
        # authenticate() has already counted a wrong password; a wrong code is counted here.
        locked = sign_in_failed(request, user) if password_ok else end_if_locked(request)
        if locked:
            return redirect("login")
        form.add_error(None, _("The password or the code is wrong. Try again."))
    return render(
        request,
        "registration/identity_confirm.html",
        {
            "form": form,
            "next": _next_url(request),
            "minutes": int(settings.RECENT_SIGN_IN.total_seconds() // 60),
        },
    )


@require_http_methods(["GET", "POST"])
def open_sessions(request):
    """The user's own open sessions: where and when each signed in; end the others."""
    current_key = request.session.session_key or ""
    if request.method == "POST":
        ended = sessions_end_others(
            user=request.user, current_key=current_key, ref=request.POST.get("session") or None
        )
        messages.success(
            request,
            ngettext("%(count)d session was ended.", "%(count)d sessions were ended.", ended)
            % {"count": ended},
        )
        return redirect("open_sessions")
    sessions = open_sessions_of(request.user, current_key=current_key)
    return render(request, "registration/open_sessions.html", {"sessions": sessions})


class OwnPasswordChange(PasswordChangeView):
    """A signed-in user changes their own password, giving the old one first.

    Django keeps this session signed in under a new id (update_session_auth_hash) and ends the
    user's other sessions, whose stored password hash no longer matches.
    """

    form_class = OwnPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


def _warn_recovery_code_used(request) -> None:
    left = recovery_codes_left(request.user)
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code. %(left)d code is left.",
            "You signed in with a recovery code. %(left)d codes are left.",
            left,
        )
        % {"left": left},
    )


def _next_url(request) -> str:
    candidate = without_identity_codes(request.POST.get("next") or request.GET.get("next") or "")
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _demo_hint(request) -> str | None:
    """On a development machine, how to get a demo user's code; never in production."""
    if not apps.is_installed("demo"):
        return None
    return f".venv/bin/python manage.py demo_code {request.user.get_username()}"


class FirstPassword(PasswordResetConfirmView):
    """Set a first password from the link an access administrator handed over.

    Django's view moves the token from the address into the session at once, so the page the
    person types on (and any address it leaks) holds no token. Then they sign in and set up
    two-factor sign-in like everyone else.
    """

    form_class = FirstPasswordForm
    template_name = "registration/first_password.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and may_set_first_password(user) else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is set. Sign in with it, then set up two-factor sign-in."),
        )
        return response
