"""Access administration: applications, decisions, grants, agreements, users and locks (issue 5)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access.decorators import role_required
from access.forms import (
    AccessApplicationForm,
    AgreementTerminationForm,
    ApplicationForWorkerForm,
    DecisionForm,
    DutiesChangedForm,
    GrantChangeForm,
    GrantFilterForm,
    RevocationForm,
    UnlockForm,
    UserSearchForm,
    WorkerAgreementForm,
    initial_from,
)
from access.models import AccessApplication, AccessGrant, User, WorkerAgreement
from access.roles import Role, roles_of
from access.selectors import (
    agreements_of,
    applications_of,
    applications_pending,
    change_history_of,
    grants_by_state,
    grants_of,
    locked_accounts,
    users_matching,
)
from access.services import (
    AccessChangeRefused,
    access_application_approve,
    access_application_reject,
    access_application_submit,
    account_unlock,
    agreement_end_for_changed_duties,
    agreement_record,
    agreement_terminate,
    grant_change,
    grant_revoke,
)
from sign_in.decorators import recent_sign_in_required
from sign_in.two_factor import TwoFactorRefused, confirmed_authenticator, two_factor_reset

GRANTS_PAGE_SIZE = 25
USERS_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 50
# Each grant list on the overview pages on its own, with its own page parameter.
GRANT_LISTS = {"ending_soon": "ending_page", "current": "current_page", "ended": "ended_page"}


@role_required(Role.ACCESS_ADMIN)
def access_overview(request):
    filters = GrantFilterForm(request.GET or None)
    grants = grants_by_state(only=filters.grant_filter())
    context = {"applications": applications_pending(), "filters": filters}
    for name, page_param in GRANT_LISTS.items():
        context[name] = Paginator(grants[name], GRANTS_PAGE_SIZE).get_page(
            request.GET.get(page_param)
        )
        context[f"{name}_query"] = _query_without(request, page_param)
    return render(request, "access/overview.html", context)


def _query_without(request, parameter: str) -> str:
    """The page's GET parameters (filters, other lists' pages) for a link that sets `parameter`."""
    kept = [(name, value) for name, value in request.GET.items() if name != parameter and value]
    return urlencode(kept)


@require_http_methods(["GET", "POST"])
def application_new(request):
    """A case worker applies for themselves; a supervisor applies for a worker."""
    roles = roles_of(request.user)
    form_class: type[AccessApplicationForm]
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
def grant_change_page(request, grant_id: int):
    grant = get_object_or_404(
        AccessGrant.objects.select_related("grantee", "municipality"), pk=grant_id
    )
    form = GrantChangeForm(request.POST if request.method == "POST" else None, grant=grant)
    if form.is_valid():
        try:
            grant_change(
                actor=request.user,
                grant=grant,
                changed=form.scope(),
                reason=form.cleaned_data["reason"],
            )
        except AccessChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The access right has been changed."))
            return redirect("access:user", user_id=grant.grantee_id)
    return render(request, "access/grant_change.html", {"grant": grant, "form": form})


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def agreement_new(request):
    initial = {"worker": request.GET.get("worker"), "signed_on": timezone.localdate()}
    form = WorkerAgreementForm(
        request.POST if request.method == "POST" else None, initial=initial, actor=request.user
    )
    if form.is_valid():
        try:
            agreement = agreement_record(actor=request.user, **form.cleaned_data)
        except AccessChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The worker agreement has been recorded."))
            return redirect("access:user", user_id=agreement.worker_id)
    return render(request, "access/agreement_new.html", {"form": form})


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def agreement_terminate_page(request, agreement_id: int):
    agreement = _agreement(agreement_id)
    form = AgreementTerminationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            agreement_terminate(
                actor=request.user,
                agreement=agreement,
                notice_given_on=form.cleaned_data["notice_given_on"],
            )
        except AccessChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The termination has been recorded."))
            return redirect("access:user", user_id=agreement.worker_id)
    return render(
        request, "access/agreement_terminate.html", {"agreement": agreement, "form": form}
    )


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def agreement_duties_changed_page(request, agreement_id: int):
    """Destructive: the page says what ends and asks for confirmation before anything is done."""
    agreement = _agreement(agreement_id)
    form = DutiesChangedForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            agreement_end_for_changed_duties(actor=request.user, agreement=agreement)
        except AccessChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("The agreement and every access right of the worker have ended.")
            )
            return redirect("access:user", user_id=agreement.worker_id)
    live_grants = grants_of(agreement.worker).live(timezone.now())
    return render(
        request,
        "access/agreement_duties_changed.html",
        {"agreement": agreement, "form": form, "live_grants": live_grants},
    )


def _agreement(agreement_id: int) -> WorkerAgreement:
    return get_object_or_404(
        WorkerAgreement.objects.select_related("worker", "municipality"), pk=agreement_id
    )


@role_required(Role.ACCESS_ADMIN)
def user_list(request):
    form = UserSearchForm(request.GET or None)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    page = Paginator(users_matching(text), USERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "access/user_list.html",
        {"form": form, "page": page, "search_query": urlencode({"text": text}) if text else ""},
    )


@role_required(Role.ACCESS_ADMIN)
def user_detail(request, user_id: int):
    """Everything about one user's access: agreements, applications, grants, and their history."""
    person = get_object_or_404(User, pk=user_id)
    page = Paginator(change_history_of(person), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "access/user_detail.html",
        {
            "person": person,
            # Nobody records or ends their own agreement: the page offers neither.
            "own_page": person.pk == request.user.pk,
            "now": timezone.now(),
            "two_factor_enrolled": confirmed_authenticator(person) is not None,
            "agreements": agreements_of(person),
            "applications": applications_of(person),
            "grants": grants_of(person),
            "page": page,
            "history": page.object_list,
        },
    )


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def locked_account_list(request):
    form = UnlockForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        username = form.cleaned_data["username"]
        try:
            account_unlock(actor=request.user, username=username)
        except AccessChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("The account %(username)s has been unlocked.") % {"username": username},
            )
            return redirect("access:locked_accounts")
    return render(
        request, "access/locked_accounts.html", {"form": form, "locked": locked_accounts()}
    )


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def two_factor_reset_page(request, user_id: int):
    """Reset a user's two-factor sign-in when they have lost both phone and recovery codes."""
    person = get_object_or_404(User, pk=user_id)
    error = error_code = None
    if request.method == "POST":
        try:
            two_factor_reset(actor=request.user, user=person)
        except TwoFactorRefused as refused:
            error, error_code = str(refused), refused.code
        else:
            messages.success(
                request,
                _("Two-factor sign-in reset: %(name)s sets it up again at the next sign-in.")
                % {"name": person},
            )
            return redirect("access:user", user_id=person.pk)
    return render(
        request,
        "access/two_factor_reset.html",
        {
            "person": person,
            "enrolled": confirmed_authenticator(person) is not None,
            "error": error,
            "error_code": error_code,
        },
    )
