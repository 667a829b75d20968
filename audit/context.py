"""Where a request came from, as the log records it, and the request being served now.

Services write their events without a request in their signature: the request being served is
kept here for its duration (as django-auditlog keeps its actor), and a command run outside any
request records none.
"""

import contextvars
import uuid
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "atmt_current_request", default=None
)


@dataclass(frozen=True)
class RequestContext:
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

    @classmethod
    def current(cls) -> "RequestContext | None":
        request = _current_request.get()
        return cls.from_request(request) if request is not None else None


class RequestIdMiddleware:
    """Give each request an id that the log records and the response carries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4()
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response["X-Request-ID"] = str(request.request_id)
        return response
