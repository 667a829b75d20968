"""Client pages. Every read of client data goes through clients.accessors, never a query here."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from access.decorators import role_required
from access.policy import REASON_EXPLANATIONS
from access.purposes import Purpose
from access.roles import Role
from audit.services import RequestContext
from clients.accessors import (
    AccessDenied,
    AccessLogUnavailable,
    ClientNotFound,
    StatedPurpose,
    caseload,
    client_known_to,
    find_clients,
    open_client_record,
)
from clients.forms import ClientSearchForm, PurposeForm

CASELOAD_PAGE_SIZE = 25
# Purposes stated in this session, by client id: reused until the session ends.
PURPOSES_SESSION_KEY = "atmt.purposes"


@role_required(Role.CASE_WORKER)
def caseload_list(request):
    page = Paginator(caseload(request.user), CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "clients/caseload.html", {"page": page})


@role_required(Role.CASE_WORKER)
@require_http_methods(["GET", "POST"])
def client_search(request):
    # POST only: an identity code must never appear in a URL, a log line or browser history.
    form = ClientSearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid():
        try:
            results = find_clients(
                actor=request.user,
                context=RequestContext.from_request(request),
                identity_code=form.cleaned_data["identity_code"],
                last_name=form.cleaned_data["last_name"],
                first_names=form.cleaned_data["first_names"],
            )
        except AccessLogUnavailable:
            return _access_log_unavailable(request)
    return render(request, "clients/search.html", {"form": form, "results": results})


@require_http_methods(["GET", "POST"])
def purpose_choose(request, client_id: int):
    if refusal := _refuse_stranger(request, client_id):
        return refusal
    stated = _stated_purpose(request, client_id)
    initial = {"purpose": stated.code, "note": stated.note} if stated else None
    form = PurposeForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        _remember_purpose(
            request,
            client_id,
            StatedPurpose(form.cleaned_data["purpose"], form.cleaned_data["note"]),
        )
        return redirect("clients:record", client_id=client_id)
    return render(request, "clients/purpose.html", {"form": form, "client_id": client_id})


def client_record(request, client_id: int):
    purpose = _stated_purpose(request, client_id)
    if purpose is None:
        return _refuse_stranger(request, client_id) or redirect(
            "clients:purpose", client_id=client_id
        )
    try:
        record = open_client_record(
            actor=request.user,
            client_id=client_id,
            purpose=purpose,
            context=RequestContext.from_request(request),
        )
    except ClientNotFound:
        raise Http404 from None
    except AccessDenied as denied:
        return _denied(request, client_id, denied)
    except AccessLogUnavailable:
        return _access_log_unavailable(request)
    return render(
        request,
        "clients/record.html",
        {"record": record, "purpose": purpose, "purpose_label": Purpose(purpose.code).label},
    )


def _refuse_stranger(request, client_id: int):
    """404, with the attempt logged, for a client the user may not know exists; else None."""
    try:
        client_known_to(
            actor=request.user, client_id=client_id, context=RequestContext.from_request(request)
        )
    except ClientNotFound:
        raise Http404 from None
    except AccessLogUnavailable:
        return _access_log_unavailable(request)
    return None


def _denied(request, client_id: int, denied: AccessDenied):
    explanations = [REASON_EXPLANATIONS[reason] for reason in denied.decision.reasons]
    return render(
        request,
        "clients/denied.html",
        {"explanations": explanations, "client_id": client_id, "decision": denied.decision},
        status=403,
    )


def _access_log_unavailable(request):
    return render(request, "clients/access_log_unavailable.html", status=503)


def _stated_purpose(request, client_id: int) -> StatedPurpose | None:
    stated = request.session.get(PURPOSES_SESSION_KEY, {}).get(str(client_id))
    return StatedPurpose(**stated) if stated else None


def _remember_purpose(request, client_id: int, purpose: StatedPurpose) -> None:
    purposes = request.session.get(PURPOSES_SESSION_KEY, {})
    purposes[str(client_id)] = {"code": purpose.code, "note": purpose.note}
    request.session[PURPOSES_SESSION_KEY] = purposes
