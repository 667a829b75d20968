"""The only doors to client data. Each decides, logs, and only then returns what may be shown.

Views call these and never query client models themselves. Every function writes its access
event in the same transaction as the read, before anything is rendered: if the event cannot be
written, AccessLogUnavailable is raised and nothing about the client leaves this module.
"""

import datetime
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from access.models import User
from access.policy import Decision, clients_openable_by, clients_visible_to, decide
from audit.models import AccessEvent
from audit.services import RequestContext, access_event_record
from clients.identity_code import IdentityCode
from clients.models import Client, Referral, ServiceNeed
from consent.models import Consent

RECORD_SECTIONS = ("identity", "referrals", "service_needs", "consents")
SEARCH_RESULT_LIMIT = 50


class ClientNotFound(Exception):
    """No such client, or one the actor may not know exists: both look the same from outside."""


class AccessDenied(Exception):
    """The client is known to the actor, but a condition fails. Carries the decision."""

    def __init__(self, decision: Decision):
        super().__init__(", ".join(decision.reasons))
        self.decision = decision


class AccessLogUnavailable(Exception):
    """The access event could not be written, so nothing may be shown."""


@dataclass(frozen=True)
class StatedPurpose:
    code: str
    note: str = ""


@dataclass(frozen=True)
class ClientRecord:
    client: Client
    referrals: list[Referral]
    service_needs: list[ServiceNeed]
    consents: list[Consent]
    decision: Decision
    event: AccessEvent


@dataclass(frozen=True)
class SearchResult:
    client: Client
    openable: bool


def open_client_record(
    *,
    actor: User,
    client_id: int,
    purpose: StatedPurpose | None,
    context: RequestContext,
    at: datetime.datetime | None = None,
) -> ClientRecord:
    """Decide on, log and return one client's record; raise if it may not be shown."""
    at = at or timezone.now()
    decision = record = None
    try:
        with transaction.atomic():
            client = Client.objects.select_related("home_municipality").filter(pk=client_id).first()
            if client is None:
                _log_missing_client(actor=actor, client_id=client_id, context=context)
            else:
                decision = decide(actor=actor, client=client, purpose=_code(purpose), at=at)
                event = access_event_record(
                    actor=actor,
                    context=context,
                    action=AccessEvent.Action.VIEW,
                    decision=decision,
                    client=client,
                    sections=RECORD_SECTIONS if decision.allowed else (),
                    purpose_code=_code(purpose) or "",
                    purpose_text=purpose.note if purpose else "",
                )
                record = _record(client, decision, event) if decision.allowed else None
    except DatabaseError as error:
        raise AccessLogUnavailable from error
    # Raised only after the transaction has committed, so a refusal stays in the log.
    if decision is None or not decision.client_visible:
        raise ClientNotFound
    if record is None:
        raise AccessDenied(decision)
    return record


def client_known_to(
    *, actor: User, client_id: int, context: RequestContext, at: datetime.datetime | None = None
) -> None:
    """Raise ClientNotFound, and log the attempt, unless `actor` may know the client exists.

    For pages that show nothing about the client (such as choosing a purpose) but must still
    answer a stranger exactly as they would answer for a missing client.
    """
    at = at or timezone.now()
    if clients_visible_to(actor, at=at).filter(pk=client_id).exists():
        return
    try:
        with transaction.atomic():
            client = Client.objects.filter(pk=client_id).first()
            if client is None:
                _log_missing_client(actor=actor, client_id=client_id, context=context)
            else:
                access_event_record(
                    actor=actor,
                    context=context,
                    action=AccessEvent.Action.VIEW,
                    decision=decide(actor=actor, client=client, purpose=None, at=at),
                    client=client,
                )
    except DatabaseError as error:
        raise AccessLogUnavailable from error
    raise ClientNotFound


def find_clients(
    *,
    actor: User,
    context: RequestContext,
    identity_code: IdentityCode | None = None,
    last_name: str = "",
    first_names: str = "",
    at: datetime.datetime | None = None,
) -> list[SearchResult]:
    """Search among the clients the actor may know, log the criteria, and say which may open."""
    at = at or timezone.now()
    candidates = clients_visible_to(actor, at=at).select_related("home_municipality")
    if identity_code is not None:
        candidates = candidates.filter(identity_code=identity_code.code)
        criteria = {"identity_code": identity_code.masked}
    else:
        candidates = candidates.filter(last_name__iexact=last_name.strip())
        if first_names.strip():
            candidates = candidates.filter(first_names__icontains=first_names.strip())
        criteria = {"last_name": last_name.strip(), "first_names": first_names.strip()}
    try:
        with transaction.atomic():
            found = list(candidates[:SEARCH_RESULT_LIMIT])
            openable = set(
                clients_openable_by(actor, at=at)
                .filter(pk__in=[client.pk for client in found])
                .values_list("pk", flat=True)
            )
            access_event_record(
                actor=actor,
                context=context,
                action=AccessEvent.Action.SEARCH,
                search_criteria=criteria,
                result_count=len(found),
            )
    except DatabaseError as error:
        raise AccessLogUnavailable from error
    return [SearchResult(client=client, openable=client.pk in openable) for client in found]


def caseload(actor: User, *, at: datetime.datetime | None = None) -> QuerySet[Client]:
    """The clients the actor may open now, for the caseload list (names and municipality only)."""
    return (
        clients_openable_by(actor, at=at or timezone.now())
        .select_related("home_municipality")
        .order_by("last_name", "first_names", "pk")
    )


def _record(client: Client, decision: Decision, event: AccessEvent) -> ClientRecord:
    return ClientRecord(
        client=client,
        referrals=list(client.referrals.select_related("group", "recorded_by")),
        service_needs=list(client.service_needs.select_related("recorded_by")),
        consents=list(client.consents.select_related("recorded_by", "withdrawn_by")),
        decision=decision,
        event=event,
    )


def _log_missing_client(*, actor: User, client_id: int, context: RequestContext) -> None:
    access_event_record(
        actor=actor,
        context=context,
        action=AccessEvent.Action.VIEW,
        client_missing=True,
        requested_client_ref=str(client_id)[:64],
    )


def _code(purpose: StatedPurpose | None) -> str | None:
    return purpose.code if purpose else None
