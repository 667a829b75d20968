"""The only doors to client data. Each decides, logs, and only then returns what may be shown.

Views call these and never query client models themselves. Every function writes its access
event in the same transaction as the read, before anything is rendered: if the event cannot be
written, AccessLogUnavailable is raised and nothing about the client leaves this module.
"""

import datetime
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from access.models import User
from access.policy import (
    Decision,
    clients_openable_by,
    clients_visible_to,
    decide,
    newest_viewing_consents,
)
from audit.models import AccessEvent
from audit.services import RequestContext, access_event_record
from clients.identity_code import IdentityCode
from clients.models import Client, Referral, ServiceNeed
from consent.models import Consent

RECORD_SECTIONS = ("identity", "referrals", "service_needs", "consents")
# What a worker may see while only the consent is missing: enough to ask for it.
CONSENT_SECTIONS = ("identity", "consents")
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
    """What may be shown of one client; `limited` when only identity and consents may be."""

    client: Client
    referrals: list[Referral]
    service_needs: list[ServiceNeed]
    consents: list[Consent]
    decision: Decision
    event: AccessEvent

    @property
    def limited(self) -> bool:
        return not self.decision.allowed


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
    """Decide on, log and return one client's record; raise if nothing of it may be shown.

    When only the consent is missing, the record comes back limited to identity and consents,
    so that the worker can ask for the consent.
    """
    return _open_client(
        actor=actor,
        client_id=client_id,
        purpose=purpose,
        context=context,
        action=AccessEvent.Action.VIEW,
        sections_if_allowed=RECORD_SECTIONS,
        at=at,
    )


def open_client_consents(
    *,
    actor: User,
    client_id: int,
    purpose: StatedPurpose | None,
    context: RequestContext,
    action: str = AccessEvent.Action.VIEW,
    sections: tuple[str, ...] = CONSENT_SECTIONS,
    at: datetime.datetime | None = None,
) -> ClientRecord:
    """For the consent pages: identity and consents, whether or not a consent exists yet."""
    return _open_client(
        actor=actor,
        client_id=client_id,
        purpose=purpose,
        context=context,
        action=action,
        sections_if_allowed=sections,
        sections_if_consent_missing=sections,
        at=at,
    )


def _open_client(
    *,
    actor: User,
    client_id: int,
    purpose: StatedPurpose | None,
    context: RequestContext,
    action: str,
    sections_if_allowed: tuple[str, ...],
    sections_if_consent_missing: tuple[str, ...] = CONSENT_SECTIONS,
    at: datetime.datetime | None,
) -> ClientRecord:
    at = at or timezone.now()
    decision = record = None
    try:
        with transaction.atomic():
            client = Client.objects.select_related("home_municipality").filter(pk=client_id).first()
            if client is None:
                _log_missing_client(actor=actor, client_id=client_id, context=context)
            else:
                decision = decide(actor=actor, client=client, purpose=_code(purpose), at=at)
                if decision.allowed:
                    sections = sections_if_allowed
                elif decision.consents_allowed:
                    sections = sections_if_consent_missing
                else:
                    sections = ()
                event = access_event_record(
                    actor=actor,
                    context=context,
                    action=action,
                    decision=decision,
                    client=client,
                    sections=sections,
                    purpose_code=_code(purpose) or "",
                    purpose_text=purpose.note if purpose else "",
                )
                if sections:
                    record = _record(client, decision, event, sections)
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
    """The clients the actor may open now, with when their viewing consent ends (if it does)."""
    at = at or timezone.now()
    consent_ends = newest_viewing_consents(timezone.localdate(at)).filter(client=OuterRef("pk"))
    return (
        clients_openable_by(actor, at=at)
        .select_related("home_municipality")
        .annotate(consent_valid_until=Subquery(consent_ends.values("valid_until")[:1]))
        .order_by("last_name", "first_names", "pk")
    )


def _record(client, decision, event, sections) -> ClientRecord:
    """Fetch only the sections that may be shown: what is not fetched cannot leak."""
    return ClientRecord(
        client=client,
        referrals=list(client.referrals.select_related("group", "recorded_by"))
        if "referrals" in sections
        else [],
        service_needs=list(client.service_needs.select_related("recorded_by"))
        if "service_needs" in sections
        else [],
        # A consent's form or scan is read through the consent itself.
        consents=list(client.consents.select_related("recorded_by", "withdrawn_by"))
        if any(section.startswith("consent") for section in sections)
        else [],
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
