"""What the client pages share: the `client_page` decorator, the stated purpose, the refusals.

Every view under clients/<id>/ is declared with `client_page` (or `client_purpose_page`, for
choosing the purpose): the decorator opens the client through the door and hands the view its
record, or answers with the refusal, so no view branches on "record or response". The URL walk
(tests/atmt/test_url_access.py) holds every such view to it.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from access.policy import REASON_EXPLANATIONS, Action, Reason, Section
from access.roles import Role, roles_of
from audit.context import RequestContext
from records.accessors import (
    EVERY_SECTION,
    AccessDenied,
    AccessLogUnavailable,
    ClientNotFound,
    ItemNotFound,
    StatedPurpose,
    client_known_to,
    open_client,
)

# Purposes stated in this session, by client id: reused until the session ends.
PURPOSES_SESSION_KEY = "atmt.purposes"
# The mark the URL walk looks for.
CLIENT_PAGE = "client_page"


def client_page(
    *,
    action: Action = Action.VIEW,
    needs: tuple[Section, ...] = EVERY_SECTION,
    details: Callable[..., dict] | None = None,
    item: str | None = None,
    purpose: StatedPurpose | None = None,
):
    """Open the client for `action` with the session's purpose; call the view with the record.

    Case workers' pages take the purpose the worker stated for this client in the session; the
    labour authority's intake pages state their one `purpose` themselves. Each action is its
    role's: an official never opens a case worker's page, nor a case worker an intake page (403).

    `needs` names the sections the page shows; `details(request, **kwargs)` says what the look
    was for (such as which form was printed) and may raise Http404 for a bad parameter; `item`
    names the URL parameter of the one item the page shows (such as a consent's scan).
    """

    def decorator(view):
        @wraps(view)
        def page(request, client_id: int, **kwargs):
            _require_role(request.user, action)
            look_details = details(request, **kwargs) if details else None
            stated = purpose or stated_purpose(request, client_id)
            if stated is None:
                return refuse_stranger(request, client_id) or redirect(
                    "clients:purpose", client_id=client_id
                )
            try:
                record = open_client(
                    actor=request.user,
                    client_id=client_id,
                    purpose=stated,
                    context=RequestContext.from_request(request),
                    action=action,
                    needs=needs,
                    details=look_details,
                    item=kwargs[item] if item else None,
                )
            except (ClientNotFound, ItemNotFound):
                return client_not_found(request)
            except AccessDenied as denied:
                return denied_page(request, denied)
            except AccessLogUnavailable:
                return access_log_unavailable(request)
            return view(request, record, **kwargs)

        setattr(page, CLIENT_PAGE, True)
        return page

    return decorator


def client_purpose_page(view):
    """A page about one client, shown before any decision: a stranger gets the same 404.

    The view gets `client_name`: the name when the door says the page may show it, else "".
    """

    @wraps(view)
    def page(request, client_id: int, **kwargs):
        _require_role(request.user, Action.VIEW)
        try:
            client_name = client_known_to(
                actor=request.user,
                client_id=client_id,
                context=RequestContext.from_request(request),
            )
        except ClientNotFound:
            return client_not_found(request)
        except AccessLogUnavailable:
            return access_log_unavailable(request)
        return view(request, client_id, client_name=client_name, **kwargs)

    setattr(page, CLIENT_PAGE, True)
    return page


def _require_role(user, action: Action) -> None:
    role = Role.LABOUR_OFFICIAL if action == Action.INTAKE else Role.CASE_WORKER
    if role not in roles_of(user):
        raise PermissionDenied


def stated_purpose(request, client_id: int) -> StatedPurpose | None:
    stated = request.session.get(PURPOSES_SESSION_KEY, {}).get(str(client_id))
    return StatedPurpose(**stated) if stated else None


def remember_purpose(request, client_id: int, purpose: StatedPurpose) -> None:
    purposes = request.session.get(PURPOSES_SESSION_KEY, {})
    purposes[str(client_id)] = {"code": purpose.code, "note": purpose.note}
    request.session[PURPOSES_SESSION_KEY] = purposes


def refuse_stranger(request, client_id: int):
    """404, with the attempt logged, for a client the user may not know exists; else None."""
    try:
        client_known_to(
            actor=request.user, client_id=client_id, context=RequestContext.from_request(request)
        )
    except ClientNotFound:
        return client_not_found(request)
    except AccessLogUnavailable:
        return access_log_unavailable(request)
    return None


def client_not_found(request):
    """The app's own 404 page, rendered here rather than by raising Http404.

    With DEBUG on, Django answers a raised Http404 with its English technical page, which
    names the URL patterns; a newcomer trying a client outside their grants (as the README
    suggests) should see what a user sees. The answer is the same 404 as for a missing client.
    """
    return render(request, "404.html", {"request_path": request.path}, status=404)


def denied_page(request, denied: AccessDenied):
    explanations = [REASON_EXPLANATIONS[Reason(reason)] for reason in denied.reasons]
    return render(
        request,
        "clients/denied.html",
        {
            "explanations": explanations,
            "decision": denied.decision,
            # The record may be opened, but the gated section the page shows may not.
            "section_closed": denied.decision.allowed,
            "client_name": denied.client_name,
        },
        status=403,
    )


def access_log_unavailable(request):
    return render(request, "clients/access_log_unavailable.html", status=503)
