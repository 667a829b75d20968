"""What the client pages share: the purpose stated in this session, and the refusal pages."""

from django.http import Http404
from django.shortcuts import redirect, render

from access.policy import REASON_EXPLANATIONS
from audit.services import RequestContext
from clients.accessors import (
    AccessDenied,
    AccessLogUnavailable,
    ClientNotFound,
    StatedPurpose,
    client_known_to,
)

# Purposes stated in this session, by client id: reused until the session ends.
PURPOSES_SESSION_KEY = "atmt.purposes"


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
        raise Http404 from None
    except AccessLogUnavailable:
        return access_log_unavailable(request)
    return None


def ask_purpose_first(request, client_id: int):
    """Before the first look at a client in a session: a stranger gets 404, others the form."""
    return refuse_stranger(request, client_id) or redirect("clients:purpose", client_id=client_id)


def open_or_refuse(request, client_id: int, open_client, **kwargs):
    """Call an accessor with the session's purpose; return its record or the refusal response."""
    purpose = stated_purpose(request, client_id)
    if purpose is None:
        return ask_purpose_first(request, client_id)
    try:
        return open_client(
            actor=request.user,
            client_id=client_id,
            purpose=purpose,
            context=RequestContext.from_request(request),
            **kwargs,
        )
    except ClientNotFound:
        raise Http404 from None
    except AccessDenied as denied:
        return denied_page(request, denied)
    except AccessLogUnavailable:
        return access_log_unavailable(request)


def denied_page(request, denied: AccessDenied):
    explanations = [REASON_EXPLANATIONS[reason] for reason in denied.decision.reasons]
    return render(
        request,
        "clients/denied.html",
        {"explanations": explanations, "decision": denied.decision},
        status=403,
    )


def access_log_unavailable(request):
    return render(request, "clients/access_log_unavailable.html", status=503)
