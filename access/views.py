"""Access administration: applications, decisions and revocations (issue 5, first pages)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access.decorators import recent_sign_in_required, role_required
from access.forms import (
    AccessApplicationForm,
    ApplicationForWorkerForm,
    DecisionForm,
    RevocationForm,
    initial_from,
)
from access.models import AccessApplication, AccessGrant, User
from access.roles import Role, roles_of
from access.selectors import applications_pending, grants_by_state
from access.services import (
    AccessChangeRefused,
    access_application_approve,
    access_application_reject,
    access_application_submit,
    grant_revoke,
)
from access.two_factor import TwoFactorRefused, confirmed_authenticator, two_factor_reset

ENDED_GRANTS_SHOWN = 50


@role_required(Role.ACCESS_ADMIN)
def access_overview(request):
    grants = grants_by_state()
    return render(
        request,
        "access/overview.html",
        {
            "applications": applications_pending(),
            "current": grants["current"],
            "ending_soon": grants["ending_soon"],
            "ended": grants["ended"][:ENDED_GRANTS_SHOWN],
        },
    )


@require_http_methods(["GET", "POST"])
def application_new(request):
    """A case worker applies for themselves; a supervisor applies for a worker."""
    roles = roles_of(request.user)
    if Role.SUPERVISOR in roles:
        form_class = ApplicationForWorkerForm
    elif Role.CASE_WORKER in roles:
        form_class = AccessApplicationForm
    else:
        raise PermissionDenied
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            access_application_submit(
                actor=request.user,
                applicant=form.cleaned_data.get("applicant", request.user),
                scope=form.scope(),
                tasks=form.cleaned_data["tasks"],
            )
        except AccessChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("The application has been sent to the access administrators.")
            )
            return redirect("home")
    return render(request, "access/application_new.html", {"form": form})


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def application_decide(request, application_id: int):
    application = get_object_or_404(
        AccessApplication.objects.select_related("applicant", "applied_by", "municipality"),
        pk=application_id,
    )
    form = DecisionForm(
        request.POST if request.method == "POST" else None, initial=initial_from(application)
    )
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                access_application_approve(
                    actor=request.user,
                    application=application,
                    granted=form.scope(),
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Approved: the access right has been granted."))
            else:
                access_application_reject(
                    actor=request.user, application=application, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The application has been rejected."))
        except AccessChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("access:overview")
    return render(
        request, "access/application_decide.html", {"application": application, "form": form}
    )


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def grant_revoke_page(request, grant_id: int):
    grant = get_object_or_404(
        AccessGrant.objects.select_related("grantee", "municipality"), pk=grant_id
    )
    form = RevocationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            grant_revoke(actor=request.user, grant=grant, reason=form.cleaned_data["reason"])
        except AccessChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The access right has been revoked. It no longer works."))
            return redirect("access:overview")
    return render(request, "access/grant_revoke.html", {"grant": grant, "form": form})


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def two_factor_reset_page(request, user_id: int):
    """Reset a user's two-factor sign-in when they have lost both phone and recovery codes."""
    person = get_object_or_404(User, pk=user_id)
    error = None
    if request.method == "POST":
        try:
            two_factor_reset(actor=request.user, user=person)
        except TwoFactorRefused as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                _("Two-factor sign-in reset: %(name)s sets it up again at the next sign-in.")
                % {"name": person},
            )
            return redirect("access:overview")
    return render(
        request,
        "access/two_factor_reset.html",
        {"person": person, "enrolled": confirmed_authenticator(person) is not None, "error": error},
    )
