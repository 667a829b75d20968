"""Writing the access log. Rows are only ever added (see AccessEvent)."""

import uuid
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from access.policy import Decision
from access.roles import roles_of
from audit.models import AccessEvent

# Recorded when the requested client does not exist; the policy never decides on such a client.
CLIENT_NOT_FOUND = "client_not_found"


@dataclass(frozen=True)
class RequestContext:
    """Where a request came from, as the access log records it."""

    request_id: uuid.UUID
    session_hash: str
    ip_address: str | None

    @classmethod
    def from_request(cls, request: HttpRequest) -> "RequestContext":
        session_key = request.session.session_key or ""
        return cls(
            request_id=getattr(request, "request_id", None) or uuid.uuid4(),
            # Keyed hash: links the events of one session without storing a usable session key.
            session_hash=salted_hmac(
                "atmt.audit.session", session_key, algorithm="sha256"
            ).hexdigest()
            if session_key
            else "",
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )


def access_event_record(
    *,
    actor,
    context: RequestContext,
    action: str,
    decision: Decision | None = None,
    client=None,
    client_missing: bool = False,
    requested_client_ref: str = "",
    sections: tuple[str, ...] = (),
    purpose_code: str = "",
    purpose_text: str = "",
    search_criteria: dict | None = None,
    result_count: int | None = None,
) -> AccessEvent:
    """Write one access event.

    `decision` is the policy's answer for a client; a search has none and is recorded as
    allowed. `client_missing` records an attempt on a client that does not exist.
    """
    if client_missing:
        outcome, reasons = AccessEvent.Decision.DENIED, [CLIENT_NOT_FOUND]
    elif decision is None:
        outcome, reasons = AccessEvent.Decision.ALLOWED, []
    else:
        outcome, reasons = _outcome(decision, sections), list(decision.reasons)
    return AccessEvent.objects.create(
        actor=actor,
        actor_username=actor.get_username(),
        actor_name=actor.get_full_name(),
        actor_roles=[role.value for role in roles_of(actor)],
        actor_organisation=actor.organisation,
        client=client,
        requested_client_ref=requested_client_ref,
        action=action,
        sections=list(sections),
        purpose_code=purpose_code,
        purpose_text=purpose_text,
        decision=outcome,
        reason_codes=reasons,
        basis=decision.basis if decision else {},
        decision_id=decision.decision_id if decision else None,
        policy_version=decision.policy_version if decision else "",
        search_criteria=search_criteria or {},
        result_count=result_count,
        request_id=context.request_id,
        session_hash=context.session_hash,
        ip_address=context.ip_address,
    )


def _outcome(decision: Decision, sections) -> str:
    if decision.allowed:
        return AccessEvent.Decision.ALLOWED
    # Shown in part: identity and consents while the consent is missing.
    return AccessEvent.Decision.LIMITED if sections else AccessEvent.Decision.DENIED
