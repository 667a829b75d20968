"""The supervisor's log pages: search, export, one event. Each look at the log is logged.

"Who watches the watchers" (000 §8): every page of results, every export and every event opened
is itself an event (atmt.log.*), written in the same transaction as the read. If it cannot be
written, nothing is shown (503), as with a look at a client.
"""

from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from access.decorators import role_required
from access.models import AccessGrant, WorkerAgreement
from access.roles import Role
from audit.actions import Action
from audit.context import RequestContext
from audit.models import AccessEvent
from audit.services import look_record
from clients.models import Referral, ServiceNeed
from consent.models import Consent
from review.forms import LogSearchForm
from review.remembered import remember_client, remembered_clients
from review.search import HELSINKI, Criteria, csv_text, export_rows, matching, page_of
from review.selectors import events_in_scope_of

# The reason code of a look at an event outside the supervisor's scope.
OUT_OF_SCOPE = "event_out_of_scope"
# How many of the same session's other events the event page lists.
SESSION_EVENTS_SHOWN = 100


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def access_log(request):
    """The search: a POST takes the criteria (an identity code only so) and redirects to a GET."""
    form = _search_form(request)
    if request.method == "POST":
        if form.is_valid():
            return redirect(f"{request.path}?{_query(request, form)}")
        return render(request, "review/search.html", {"form": form, "page": None}, status=400)
    if not form.is_valid():
        return render(request, "review/search.html", {"form": form, "page": None}, status=400)
    criteria = form.criteria()
    try:
        with transaction.atomic():
            page = page_of(
                matching(request.user, criteria),
                before=form.cleaned_data["before"],
                after=form.cleaned_data["after"],
            )
            _log(request, Action.LOG_SEARCHED, criteria, len(page.events))
    except DatabaseError:
        return log_unavailable(request)
    query = _query(request, form)
    return render(
        request,
        "review/search.html",
        {
            "form": form,
            "page": page,
            "criteria": criteria,
            "query": query,
            "paging_query": f"{query}&" if query else "",
            # The client page is reached by the key the query carries, never by the code.
            "client_key": form.cleaned_data["client"],
        },
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET"])
def access_log_export(request):
    """The search's events as CSV, at most EXPORT_LIMIT of them, the export logged first."""
    form = _search_form(request)
    if not form.is_valid():
        return render(request, "review/search.html", {"form": form, "page": None}, status=400)
    criteria = form.criteria()
    try:
        with transaction.atomic():
            rows = export_rows(matching(request.user, criteria))
            _log(request, Action.LOG_EXPORTED, criteria, len(rows))
    except DatabaseError:
        return log_unavailable(request)
    # No personal data in the file name: it ends up in download folders and mail attachments.
    stamp = timezone.now().astimezone(HELSINKI).strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET"])
def access_log_event(request, event_id: int):
    """One event in scope, its basis and its session; outside scope a 404, the attempt logged."""
    in_scope = events_in_scope_of(request.user)
    try:
        with transaction.atomic():
            event = in_scope.select_related("client").filter(pk=event_id).first()
            look_record(
                actor=request.user,
                action=Action.LOG_EVENT_VIEWED,
                at=timezone.now(),
                context=RequestContext.from_request(request),
                outcome=AccessEvent.Decision.ALLOWED if event else AccessEvent.Decision.DENIED,
                client=event.client if event else None,
                reason_codes=[] if event else [OUT_OF_SCOPE],
                details={"event": event_id},
            )
            if event is not None:
                basis = basis_rows(event.basis)
                same_session = _same_session(in_scope, event)
    except DatabaseError:
        return log_unavailable(request)
    # Raised only after the transaction has committed, so the refused look stays in the log.
    if event is None:
        raise Http404
    return render(
        request,
        "review/event.html",
        {"event": event, "basis": basis, "same_session": same_session},
    )


def log_unavailable(request):
    return render(request, "review/search_unavailable.html", status=503)


def _search_form(request) -> LogSearchForm:
    posted = request.method == "POST"
    return LogSearchForm(
        request.POST if posted else request.GET,
        supervisor=request.user,
        known_clients=remembered_clients(request),
        posted=posted,
    )


def _query(request, form: LogSearchForm) -> str:
    """The criteria as a URL query: codes, ids, dates and the opaque key of a client."""
    data = form.cleaned_data
    client_key = (
        remember_client(request, form.found_client) if form.found_client else data["client"]
    )
    values = {
        "worker": data["worker"].pk if data["worker"] else "",
        "client": client_key,
        "period_from": data["period_from"].isoformat() if data["period_from"] else "",
        "period_to": data["period_to"].isoformat() if data["period_to"] else "",
        "action": data["action"],
        "decision": data["decision"],
        "reason": data["reason"],
        "purpose": data["purpose"],
    }
    return urlencode({name: value for name, value in values.items() if value})


def _log(request, action: Action, criteria: Criteria, count: int) -> None:
    """The look at the log: its criteria (masked), and the client searched for, by name, so that
    the client's own report shows who looked them up in the log."""
    look_record(
        actor=request.user,
        action=action,
        at=timezone.now(),
        context=RequestContext.from_request(request),
        client=criteria.client,
        search_criteria=criteria.logged(),
        result_count=count,
    )


@dataclass(frozen=True)
class BasisRow:
    """One row the policy's decision rested on: what it is, its id, its date, if it still exists."""

    kind: str
    label: str
    pk: int
    date: object = None
    found: bool = True


# What each key of an event's basis names, and the date that identifies the row to a person.
BASIS_KINDS = {
    "referral": (_("Referral"), Referral, "recorded_at"),
    "service_need": (_("Service need"), ServiceNeed, "recorded_at"),
    "consent": (_("Consent"), Consent, "signed_on"),
    "agreement": (_("Worker agreement"), WorkerAgreement, "signed_on"),
    "grant": (_("Access right"), AccessGrant, "granted_at"),
    "health_grant": (_("Access right to health data"), AccessGrant, "granted_at"),
}


def basis_rows(basis: dict) -> list[BasisRow]:
    """The rows `basis` names, each described by its kind, id and date."""
    rows = []
    for kind, pk in basis.items():
        if kind not in BASIS_KINDS or not isinstance(pk, int):
            continue
        label, model, date_field = BASIS_KINDS[kind]
        row = model._default_manager.filter(pk=pk).values_list(date_field, flat=True).first()
        rows.append(BasisRow(kind, str(label), pk, row, found=row is not None))
    return rows


def _same_session(in_scope, event: AccessEvent) -> list[AccessEvent]:
    if not event.session_hash:
        return []
    others = in_scope.filter(session_hash=event.session_hash).exclude(pk=event.pk)
    return list(others.select_related("client").order_by("id")[:SESSION_EVENTS_SHOWN])
