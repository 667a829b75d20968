"""The supervisor's page of one client: who looked at them, when and why, within the scope.

No address names the client: the page is reached by the opaque key of a client found by identity
code in the log search (review.remembered), or by an event in scope that names the client. A
client no event in scope names, a key the session does not know, an event out of scope: each is
a 404, the attempt logged as denied. Each page shown is itself a look at the log
(atmt.log.client_viewed), naming the client, so that the client's own report shows that a
supervisor reviewed the looks at them; the criteria are kept with the identity code masked.
"""

from django.db import DatabaseError, transaction
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access.decorators import role_required
from access.roles import Role
from audit.actions import Action
from audit.context import RequestContext
from audit.models import AccessEvent
from audit.services import look_record
from clients.models import Client
from review.activity import WorkingHours, rows_of
from review.activity_forms import KeysetPageForm
from review.client_activity import client_activity, client_events
from review.remembered import remembered_clients
from review.search import Criteria, page_of
from review.search_views import OUT_OF_SCOPE, log_unavailable
from review.selectors import events_in_scope_of

# The reason codes of a look refused: no event in scope names the client (or the event names
# none), or the session does not know the key.
CLIENT_OUT_OF_SCOPE = "client_out_of_scope"
CLIENT_NOT_REMEMBERED = "client_not_remembered"


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET"])
def access_log_client(request, key: str):
    """The client the log search found by identity code, by the key the session keeps."""
    client_id = remembered_clients(request).get(key)
    if client_id is None:
        return _refused(request, client=None, reason=CLIENT_NOT_REMEMBERED, details={})
    client = Client.objects.filter(pk=client_id).first()
    return _client_page(request, client, details={})


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET"])
def access_log_event_client(request, event_id: int):
    """The client an event in scope names."""
    event = events_in_scope_of(request.user).select_related("client").filter(pk=event_id).first()
    details = {"event": event_id}
    if event is None:
        return _refused(request, client=None, reason=OUT_OF_SCOPE, details=details)
    return _client_page(request, event.client, details=details)


def _client_page(request, client: Client | None, *, details: dict):
    form = KeysetPageForm(request.GET)
    if not form.is_valid():
        return render(request, "400.html", status=400)
    if client is None:
        return _refused(request, client=None, reason=CLIENT_OUT_OF_SCOPE, details=details)
    events = client_events(request.user, client)
    if not events.exists():
        return _refused(request, client=client, reason=CLIENT_OUT_OF_SCOPE, details=details)
    hours = WorkingHours.in_force()
    try:
        with transaction.atomic():
            # The page first, then the looks: the log only grows, so the second read holds
            # every look the page shows, with its explanations.
            page = page_of(
                events, before=form.cleaned_data["before"], after=form.cleaned_data["after"]
            )
            activity = client_activity(supervisor=request.user, client=client)
            _log(request, client, details, reason=None, shown=len(page))
    except DatabaseError:
        return log_unavailable(request)
    return render(
        request,
        "review/client.html",
        {
            "client": client,
            "masked_code": Criteria(client=client).logged()["client"],
            "by_worker": activity.by_worker,
            "page": page,
            "rows": rows_of(page, explanations=activity.explanations, hours=hours),
        },
    )


def _refused(request, *, client: Client | None, reason: str, details: dict):
    """Log the refused look, then answer as if there were no such page; the client is named only
    when the supervisor found them by a logged search of their own."""
    try:
        with transaction.atomic():
            _log(request, client, details, reason=reason, shown=None)
    except DatabaseError:
        return log_unavailable(request)
    raise Http404


def _log(request, client: Client | None, details: dict, *, reason: str | None, shown: int | None):
    look_record(
        actor=request.user,
        action=Action.LOG_CLIENT_VIEWED,
        at=timezone.now(),
        context=RequestContext.from_request(request),
        outcome=AccessEvent.Decision.DENIED if reason else AccessEvent.Decision.ALLOWED,
        client=client,
        reason_codes=[reason] if reason else [],
        search_criteria=Criteria(client=client).logged() if client else {},
        result_count=shown,
        details=details,
    )
