"""The only doors to client data. Each decides, logs, and only then returns what may be shown.

Views reach these through `records.pages.client_page` and never query client models themselves.
Every function writes its access event in the same transaction as the read, before anything is
rendered: if the event cannot be written, AccessLogUnavailable is raised and nothing about the
client leaves this module.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from access.models import User
from access.policy import (
    Action,
    Decision,
    Section,
    clients_openable_by,
    clients_visible_to,
    decide,
    newest_viewing_consents,
)
from audit.actions import Action as LoggedAction
from audit.context import RequestContext
from audit.models import AccessEvent
from audit.services import CLIENT_NOT_FOUND, look_record
from clients.identity_code import IdentityCode
from clients.models import Client, Referral
from records.sections import PROVIDERS

SEARCH_RESULT_LIMIT = 50
EVERY_SECTION = tuple(Section)
# How each of the policy's actions is written in the log.
LOGGED_AS = {
    Action.VIEW: LoggedAction.CLIENT_VIEWED,
    Action.RECORD: LoggedAction.CLIENT_VIEWED,
    Action.PRINT: LoggedAction.CLIENT_PRINTED,
    Action.EXPORT: LoggedAction.CLIENT_EXPORTED,
}


class ClientNotFound(Exception):
    """No such client, or one the actor may not know exists: both look the same from outside."""


class AccessDenied(Exception):
    """The client is known to the actor, but a condition fails. Carries the decision.

    And the client's name, so that the refusal says whom it is about: the attempt is logged with
    the client before the name is shown, and a client the actor may not know exists is never
    refused this way (ClientNotFound).
    """

    def __init__(self, decision: Decision, client_name: str = ""):
        super().__init__(", ".join(decision.reasons))
        self.decision = decision
        self.client_name = client_name


class AccessLogUnavailable(Exception):
    """The access event could not be written, so nothing may be shown."""


@dataclass(frozen=True)
class StatedPurpose:
    code: str
    note: str = ""


@dataclass(frozen=True)
class ClientRecord:
    """What may be shown of one client: the fetched sections, by section; nothing else."""

    decision: Decision
    event: AccessEvent
    purpose: StatedPurpose
    sections: dict[Section, Any] = field(default_factory=dict)

    @property
    def limited(self) -> bool:
        """Only the consent request may be shown."""
        return not self.decision.allowed

    @property
    def client(self):
        """The client: the full identity, or the consent request's brief of it."""
        if Section.IDENTITY in self.sections:
            return self.sections[Section.IDENTITY]
        return self.sections[Section.CONSENT_REQUEST].client

    @property
    def referrals(self) -> list:
        return self.sections.get(Section.REFERRALS, [])

    @property
    def service_needs(self) -> list:
        return self.sections.get(Section.SERVICE_NEEDS, [])

    @property
    def consents(self) -> list:
        """The full consents, or the consent request's statuses of them."""
        if Section.CONSENTS in self.sections:
            return self.sections[Section.CONSENTS]
        if Section.CONSENT_REQUEST in self.sections:
            return self.sections[Section.CONSENT_REQUEST].consents
        return []


@dataclass(frozen=True)
class SearchResult:
    client: Client
    openable: bool


def open_client(
    *,
    actor: User,
    client_id: int,
    purpose: StatedPurpose,
    context: RequestContext,
    action: Action = Action.VIEW,
    needs: tuple[Section, ...] = EVERY_SECTION,
    details: dict | None = None,
    at: datetime.datetime | None = None,
) -> ClientRecord:
    """Decide on `action`, log it and return the sections the page `needs` that may be shown.

    Raise ClientNotFound or AccessDenied (after logging the attempt) when none may be.
    """
    at = at or timezone.now()
    decision = record = None
    client_name = ""
    try:
        with transaction.atomic():
            client = Client.objects.select_related("home_municipality").filter(pk=client_id).first()
            if client is None:
                _log_missing_client(actor=actor, client_id=client_id, context=context, at=at)
            else:
                client_name = client.full_name
                decision = decide(
                    actor=actor, client=client, purpose=_code(purpose), action=action, at=at
                )
                shown = _shown(needs, decision)
                event = look_record(
                    actor=actor,
                    context=context,
                    action=LOGGED_AS[action],
                    at=decision.at,
                    outcome=_outcome(decision, shown),
                    client=client,
                    reason_codes=decision.reasons,
                    basis=decision.basis,
                    decision_id=decision.decision_id,
                    policy_version=decision.policy_version,
                    sections=shown,
                    purpose_code=_code(purpose) or "",
                    purpose_text=purpose.note if purpose else "",
                    details=details,
                )
                if shown:
                    # Fetch only the sections that may be shown: what is not fetched cannot leak.
                    fetched = {section: PROVIDERS[section].fetch(client) for section in shown}
                    record = ClientRecord(
                        decision=decision, event=event, purpose=purpose, sections=fetched
                    )
    except DatabaseError as error:
        raise AccessLogUnavailable from error
    # Raised only after the transaction has committed, so a refusal stays in the log.
    if decision is None or not decision.client_visible:
        raise ClientNotFound
    if record is None:
        raise AccessDenied(decision, client_name=client_name)
    return record


def may(
    *,
    actor: User,
    client_id: int,
    purpose: StatedPurpose | None,
    action: Action,
    at: datetime.datetime | None = None,
) -> Decision:
    """The policy's decision on a write to a record the page has already opened (and logged).

    The write's own service logs the change; a refused write changes nothing.
    """
    client = Client.objects.get(pk=client_id)
    return decide(
        actor=actor, client=client, purpose=_code(purpose), action=action, at=at or timezone.now()
    )


def client_known_to(
    *, actor: User, client_id: int, context: RequestContext, at: datetime.datetime | None = None
) -> str:
    """Raise ClientNotFound, and log the attempt, unless `actor` may know the client exists.

    For pages shown before any decision (choosing a purpose) that must still answer a stranger
    exactly as they would answer for a missing client. Returns the client's name when the actor
    may open the client's record now but for the purpose, else "": the name of a client on the
    actor's caseload is one the caseload already shows them (and listing it is logged), so
    naming that client here tells nothing new and needs no look of its own. Any other client
    is named only on the refusal, after the decision has been logged.
    """
    at = at or timezone.now()
    if clients_visible_to(actor, at=at).filter(pk=client_id).exists():
        openable = (
            clients_openable_by(actor, at=at)
            .filter(pk=client_id)
            .values_list("first_names", "last_name")
            .first()
        )
        return " ".join(openable) if openable else ""
    try:
        with transaction.atomic():
            client = Client.objects.filter(pk=client_id).first()
            if client is None:
                _log_missing_client(actor=actor, client_id=client_id, context=context, at=at)
            else:
                decision = decide(
                    actor=actor, client=client, purpose=None, action=Action.VIEW, at=at
                )
                look_record(
                    actor=actor,
                    context=context,
                    action=LoggedAction.CLIENT_VIEWED,
                    at=decision.at,
                    outcome=AccessEvent.Decision.DENIED,
                    client=client,
                    reason_codes=decision.reasons,
                    basis=decision.basis,
                    decision_id=decision.decision_id,
                    policy_version=decision.policy_version,
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
            look_record(
                actor=actor,
                context=context,
                action=LoggedAction.CLIENT_SEARCHED,
                at=at,
                search_criteria=criteria,
                result_count=len(found),
            )
    except DatabaseError as error:
        raise AccessLogUnavailable from error
    return [SearchResult(client=client, openable=client.pk in openable) for client in found]


def caseload(actor: User, *, at: datetime.datetime | None = None) -> QuerySet[Client]:
    """The clients the actor may open now, with when their viewing consent ends (if it does).

    Each with `active_referrals`: the referrals in force, with their client group tags.
    """
    at = at or timezone.now()
    today = timezone.localdate(at)
    consent_ends = newest_viewing_consents(today).filter(client=OuterRef("pk"))
    active_referrals = (
        Referral.objects.filter(referred_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("group")
        .order_by("group__code", "pk")
    )
    return (
        clients_openable_by(actor, at=at)
        .select_related("home_municipality")
        .annotate(consent_valid_until=Subquery(consent_ends.values("valid_until")[:1]))
        .prefetch_related(Prefetch("referrals", active_referrals, to_attr="active_referrals"))
        .order_by("last_name", "first_names", "pk")
    )


def _shown(needs: tuple[Section, ...], decision: Decision) -> tuple[Section, ...]:
    """The sections the page needs that may be shown; the consent request is a part of the
    full record, so it is not fetched again beside it."""
    shown = tuple(section for section in needs if section in decision.sections)
    if {Section.IDENTITY, Section.CONSENTS} <= set(shown):
        shown = tuple(section for section in shown if section != Section.CONSENT_REQUEST)
    return shown


def _outcome(decision: Decision, shown: tuple[Section, ...]) -> str:
    if decision.allowed and shown:
        return AccessEvent.Decision.ALLOWED
    # Shown in part: the consent request while the consent is missing.
    return AccessEvent.Decision.LIMITED if shown else AccessEvent.Decision.DENIED


def _log_missing_client(
    *, actor: User, client_id: int, context: RequestContext, at: datetime.datetime
) -> None:
    look_record(
        actor=actor,
        context=context,
        action=LoggedAction.CLIENT_VIEWED,
        at=at,
        outcome=AccessEvent.Decision.DENIED,
        reason_codes=[CLIENT_NOT_FOUND],
        requested_client_ref=str(client_id)[:64],
    )


def _code(purpose: StatedPurpose | None) -> str | None:
    return purpose.code if purpose else None
