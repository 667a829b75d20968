"""The access administrators' pages for staff accounts (issue 11); writes go through staff.py."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from access.decorators import role_required
from access.forms import StaffAccountForm, StaffFilterForm, StaffRolesForm
from access.models import User
from access.roles import Role
from access.selectors import staff_accounts
from access.staff import (
    StaffChangeRefused,
    StaffScope,
    account_change,
    account_create,
    account_deactivate,
    account_reactivate,
    check_first_password_link,
)
from sign_in.decorators import recent_sign_in_required
from sign_in.first_password import (
    first_password_link_valid_until,
    first_password_path,
    may_set_first_password,
)
from sign_in.middleware import url_with_next
from sign_in.two_factor import authenticated_recently

STAFF_PAGE_SIZE = 50


@role_required(Role.ACCESS_ADMIN)
def staff_list(request):
    filters = StaffFilterForm(request.GET or None)
    accounts = staff_accounts(**filters.staff_filter())
    page = Paginator(accounts, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(person, _role_labels(person)) for person in page]
    kept = [(name, value) for name, value in request.GET.items() if name != "page" and value]
    return render(
        request,
        "access/staff_list.html",
        {"filters": filters, "page": page, "rows": rows, "filter_query": urlencode(kept)},
    )


def _role_labels(person: User) -> list[str]:
    names = {group.name for group in person.groups.all()}  # prefetched
    return [str(role.label) for role in Role if role.value in names]


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@sensitive_post_parameters("identity_code")
@require_http_methods(["GET", "POST"])
def staff_new(request):
    form = StaffAccountForm(request.POST if request.method == "POST" else None)
    refusal = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            account = account_create(
                actor=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                organisation=data["organisation"],
                roles=data["roles"],
                served=data["served"],
                overseen=data["overseen"],
                identity_code=data["identity_code"] or None,
            )
        except StaffChangeRefused as refused:
            refusal = _refuse(form, refused)
        else:
            messages.success(
                request,
                _("The account has been created. Make a sign-in link for %(name)s below.")
                % {"name": account},
            )
            return redirect("access:staff_account", user_id=account.pk)
    return render(request, "access/staff_new.html", {"form": form, "refusal": refusal})


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def staff_account(request, user_id: int):
    """One account: its roles and scope to change, and the ways to take it out of use or back."""
    account = _account(user_id)
    held = StaffScope.held_by(account)
    form = StaffRolesForm(
        request.POST if request.method == "POST" else None,
        initial={
            "roles": [role.value for role in held.roles],
            "served": list(held.served),
            "overseen": list(held.overseen),
        },
    )
    refusal = None
    if form.is_valid():
        try:
            account_change(
                actor=request.user,
                account=account,
                roles=form.cleaned_data["roles"],
                served=form.cleaned_data["served"],
                overseen=form.cleaned_data["overseen"],
            )
        except StaffChangeRefused as refused:
            refusal = _refuse(form, refused)
        else:
            messages.success(request, _("The roles and scope have been saved."))
            return redirect("access:staff_account", user_id=account.pk)
    return render(
        request,
        "access/staff_account.html",
        {
            "account": account,
            "held": held,
            "form": form,
            "refusal": refusal,
            # Nobody changes their own roles: the page offers no form for them.
            "own_account": account.pk == request.user.pk,
            "may_hand_link": may_set_first_password(account),
        },
    )


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def staff_deactivate(request, user_id: int):
    """Destructive: the page says what happens, and only its POST acts."""
    return _confirmed_change(request, user_id, deactivate=True)


@role_required(Role.ACCESS_ADMIN)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def staff_reactivate(request, user_id: int):
    return _confirmed_change(request, user_id, deactivate=False)


def _confirmed_change(request, user_id: int, *, deactivate: bool):
    account = _account(user_id)
    refusal = error = None
    if request.method == "POST":
        service = account_deactivate if deactivate else account_reactivate
        try:
            service(actor=request.user, account=account)
        except StaffChangeRefused as refused:
            refusal, error = refused.code, refused.message
        else:
            messages.success(
                request,
                _("The account is out of use; its sessions have ended.")
                if deactivate
                else _("The account is in use again."),
            )
            return redirect("access:staff_account", user_id=account.pk)
    return render(
        request,
        "access/staff_confirm.html",
        {"account": account, "deactivate": deactivate, "refusal": refusal, "error": error},
    )


@role_required(Role.ACCESS_ADMIN)
@require_POST
def staff_sign_in_link(request, user_id: int):
    """Show a link, once, with which the person sets their first password.

    POST only, so the link is never in an address a browser keeps; nothing is stored.
    """
    account = _account(user_id)
    if not authenticated_recently(request.session, within=settings.RECENT_SIGN_IN):
        # As recent_sign_in_required, but back to the account's page: this address is POST only.
        back = reverse("access:staff_account", kwargs={"user_id": account.pk})
        return redirect(url_with_next("identity_confirm", back))
    try:
        check_first_password_link(actor=request.user, account=account)
    except StaffChangeRefused as refused:
        messages.error(request, refused.message)
        return redirect("access:staff_account", user_id=account.pk)
    return render(
        request,
        "access/staff_sign_in_link.html",
        {
            "account": account,
            "link": request.build_absolute_uri(first_password_path(account)),
            "valid_until": first_password_link_valid_until(),
        },
    )


def _account(user_id: int) -> User:
    # Maintainers' accounts are not staff accounts here: they are not found.
    return get_object_or_404(User, pk=user_id, is_superuser=False)


def _refuse(form, refused: StaffChangeRefused) -> str:
    form.add_error(None, refused.message)
    return refused.code
