"""Client pages. Every read of client data goes through records.accessors, never a query here."""

import datetime

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from access.decorators import role_required
from access.policy import REASON_EXPLANATIONS, Section
from access.purposes import Purpose
from access.roles import Role
from audit.context import RequestContext
from records.accessors import (
    AccessLogUnavailable,
    ClientRecord,
    StatedPurpose,
    caseload,
    caseload_listed,
    find_clients,
)
from records.forms import CaseloadFilterForm, ClientSearchForm, PurposeForm
from records.pages import (
    access_log_unavailable,
    client_page,
    client_purpose_page,
    remember_purpose,
    stated_purpose,
)

CASELOAD_PAGE_SIZE = 25
# The caseload marks clients whose consent to viewing ends sooner than this.
CONSENT_EXPIRY_WARNING = datetime.timedelta(days=30)
# ... and those whose consent stops counting sooner than this unless its scan is attached.
CONSENT_SCAN_WARNING = datetime.timedelta(days=7)


@role_required(Role.CASE_WORKER)
def caseload_list(request):
    # The door decides which clients are listed; the filters only narrow and order that list.
    filters = CaseloadFilterForm(request.GET)
    group = filters.cleaned_data["client_group"] if filters.is_valid() else None
    clients = caseload(request.user, group=group)
    kept: dict[str, str] = {}
    if filters.is_valid():
        if name := filters.cleaned_data["name"].strip():
            clients = clients.filter(Q(last_name__icontains=name) | Q(first_names__icontains=name))
            kept["name"] = name
        if group:
            kept["client_group"] = str(group.pk)
        if filters.cleaned_data["sort"] == CaseloadFilterForm.SORT_CONSENT_END:
            clients = clients.order_by(
                F("consent_valid_until").asc(nulls_last=True), "last_name", "first_names", "pk"
            )
            kept["sort"] = CaseloadFilterForm.SORT_CONSENT_END
    page = Paginator(clients, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    try:
        caseload_listed(
            actor=request.user,
            context=RequestContext.from_request(request),
            clients=list(page.object_list),
        )
    except AccessLogUnavailable:
        return access_log_unavailable(request)
    now = timezone.now()
    return render(
        request,
        "clients/caseload.html",
        {
            "page": page,
            "filters": filters,
            "filter_query": urlencode(kept),
            "filtered": bool(kept.keys() - {"sort"}),
            "expiry_warning_from": now + CONSENT_EXPIRY_WARNING,
            "scan_warning_from": now + CONSENT_SCAN_WARNING,
        },
    )


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
            return access_log_unavailable(request)
    return render(request, "clients/search.html", {"form": form, "results": results})


@client_purpose_page
@require_http_methods(["GET", "POST"])
def purpose_choose(request, client_id: int, client_name: str):
    stated = stated_purpose(request, client_id)
    initial = {"purpose": stated.code, "note": stated.note} if stated else None
    form = PurposeForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        purpose = StatedPurpose(form.cleaned_data["purpose"], form.cleaned_data["note"])
        remember_purpose(request, client_id, purpose)
        return redirect("clients:record", client_id=client_id)
    return render(
        request,
        "clients/purpose.html",
        {"form": form, "client_id": client_id, "client_name": client_name},
    )


@client_page()
def client_record(request, record: ClientRecord):
    purpose = record.purpose
    entries = record.sections.get(Section.ENTRIES)
    return render(
        request,
        "clients/record.html",
        {
            "record": record,
            "purpose": purpose,
            "purpose_label": Purpose(purpose.code).label,
            "explanations": [REASON_EXPLANATIONS[r] for r in record.decision.reasons],
            "health_explanations": [REASON_EXPLANATIONS[r] for r in record.health_closed],
            "entries": entries.page(request.GET.get("page")) if entries else None,
            "may_record": record.decision.record_allowed,
        },
    )
