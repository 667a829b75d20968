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
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from access.models import User
from access.policy import (
    Action,
    Decision,
    Section,
    clients_openable_by,
    clients_referred_to,
    clients_visible_to,
    decide,
    newest_viewing_consents,
)
from audit.actions import Action as LoggedAction
from audit.context import RequestContext
from audit.models import AccessEvent
from audit.services import CLIENT_NOT_FOUND, ITEM_NOT_FOUND, look_record
from clients.identity_code import IdentityCode
from clients.models import Client, ClientGroup, Referral
from records.sections import PROVIDERS

SEARCH_RESULT_LIMIT = 50
# Sections with a page of their own, where their look is logged alone: the health section.
OWN_PAGE_SECTIONS = (Section.HEALTH,)
# What a client page needs unless it says otherwise: the record, without the gated sections.
EVERY_SECTION = tuple(section for section in Section if section not in OWN_PAGE_SECTIONS)
# How each of the policy's actions is written in the log.
LOGGED_AS = {
    Action.VIEW: LoggedAction.CLIENT_VIEWED,
    Action.RECORD: LoggedAction.CLIENT_VIEWED,
    Action.PRINT: LoggedAction.CLIENT_PRINTED,
    Action.EXPORT: LoggedAction.CLIENT_EXPORTED,
    Action.INTAKE: LoggedAction.CLIENT_VIEWED,
}


class ClientNotFound(Exception):
    """No such client, or one the actor may not know exists: both look the same from outside."""


class AccessDenied(Exception):
    """The client is known to the actor, but a condition fails. Carries the decision.

    And the client's name, so that the refusal says whom it is about: the attempt is logged with
    the client before the name is shown, and a client the actor may not know exists is never
    refused this way (ClientNotFound).
    """

    def __init__(
        self, decision: Decision, client_name: str = "", reasons: tuple[str, ...] | None = None
    ):
        # The record's reasons, or, for a page of a gated section, that section's as well.
        self.reasons = decision.reasons if reasons is None else reasons
        super().__init__(", ".join(self.reasons))
        self.decision = decision
        self.client_name = client_name


class ItemNotFound(Exception):
    """The client may be shown, but the item asked for is not theirs: answered as missing."""


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
        """The client: the full identity, or the consent request's or health page's brief of it."""
        if Section.IDENTITY in self.sections:
            return self.sections[Section.IDENTITY]
        if Section.HEALTH in self.sections:
            return self.sections[Section.HEALTH].client
        return self.sections[Section.CONSENT_REQUEST].client

    @property
    def referrals(self) -> list:
        return self.sections.get(Section.REFERRALS, [])

    @property
    def service_needs(self) -> list:
        return self.sections.get(Section.SERVICE_NEEDS, [])

    @property
    def health_items(self) -> list:
        health = self.sections.get(Section.HEALTH)
        return health.items if health else []

    @property
    def health_open(self) -> bool:
        """Whether the health section may be opened: from the decision, never from its items."""
        return Section.HEALTH in self.decision.sections

    @property
    def health_closed(self) -> tuple:
        """Why the health section stays closed: the same whether or not it holds anything."""
        return self.decision.closed.get(Section.HEALTH, ())

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
    """A client found, or, for an identity code of a client in the worker's municipalities who is
    not referred to their service, only that (`client` is None: nothing of them is shown)."""

    client: Client | None
    openable: bool = False

    @property
    def not_referred(self) -> bool:
        return self.client is None


def open_client(
    *,
    actor: User,
    client_id: int,
    purpose: StatedPurpose,
    context: RequestContext,
    action: Action = Action.VIEW,
    needs: tuple[Section, ...] = EVERY_SECTION,
    details: dict | None = None,
    item: int | None = None,
    at: datetime.datetime | None = None,
) -> ClientRecord:
    """Decide on `action`, log it and return the sections the page `needs` that may be shown.

    `item` names one item of the one section needed (a consent whose scan is asked for): an item
    that is not the client's is logged as refused and raises ItemNotFound. Raise ClientNotFound
    or AccessDenied (after logging the attempt) when nothing may be shown.
    """
    at = at or timezone.now()
    decision = record = None
    refusal: tuple[str, ...] = ()
    item_missing = False
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
                if shown and item is not None and not _has_item(shown, client, item):
                    item_missing, shown = True, ()
                refusal = decision.reasons if shown else _refusal_reasons(needs, decision)
                event = look_record(
                    actor=actor,
                    context=context,
                    action=LOGGED_AS[action],
                    at=decision.at,
                    outcome=_outcome(decision, shown),
                    client=client,
                    reason_codes=[*refusal, *([ITEM_NOT_FOUND] if item_missing else [])],
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
    if item_missing:
        raise ItemNotFound
    if record is None:
        raise AccessDenied(decision, client_name=client_name, reasons=refusal)
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
    """Search the clients referred to the actor's service, log the criteria and what was listed.

    A name lists only clients with an active referral that one of the actor's grants covers. An
    identity code (exact) may also say that a client of the actor's municipalities was found but
    is not referred to their service; elsewhere the answer is the same as for no such client.
    """
    at = at or timezone.now()
    referred = clients_referred_to(actor, at=at).select_related("home_municipality")
    not_referred = False
    if identity_code is not None:
        found_query = referred.filter(identity_code=identity_code.code)
        criteria = {"identity_code": identity_code.masked}
    else:
        found_query = referred.filter(last_name__iexact=last_name.strip())
        if first_names.strip():
            found_query = found_query.filter(first_names__icontains=first_names.strip())
        criteria = {"last_name": last_name.strip(), "first_names": first_names.strip()}
    try:
        with transaction.atomic():
            found = list(
                found_query.order_by("last_name", "first_names", "pk")[:SEARCH_RESULT_LIMIT]
            )
            if identity_code is not None and not found:
                not_referred = (
                    clients_visible_to(actor, at=at)
                    .filter(identity_code=identity_code.code)
                    .exists()
                )
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
                # Whom the results named, for the clients' own access reports.
                details={"clients": [client.pk for client in found]}
                | ({"not_referred": True} if not_referred else {}),
            )
    except DatabaseError as error:
        raise AccessLogUnavailable from error
    if not_referred:
        return [SearchResult(client=None)]
    return [SearchResult(client=client, openable=client.pk in openable) for client in found]


@dataclass(frozen=True)
class IntakeLookup:
    """Whether an identity code is registered: the client if the official serves their home
    municipality; elsewhere only that it is (`registered_elsewhere`), nothing about where."""

    client: Client | None = None
    registered_elsewhere: bool = False


def look_up_for_intake(
    *,
    actor: User,
    context: RequestContext,
    identity_code: IdentityCode,
    at: datetime.datetime | None = None,
) -> IntakeLookup:
    """Look up one identity code for the labour authority's intake, and log the search.

    Whether a code is registered anywhere is what keeps a client from being registered twice;
    the log names the client either way, so the client's access report shows the search.
    """
    at = at or timezone.now()
    try:
        with transaction.atomic():
            found = Client.objects.filter(identity_code=identity_code.code).first()
            # Whether the official may know of the client, not whether they may open them: an
            # official's own record opens on a refusal that says why (own_record).
            served = (
                found is not None
                and clients_visible_to(actor, action=Action.INTAKE, at=at)
                .filter(pk=found.pk)
                .exists()
            )
            look_record(
                actor=actor,
                context=context,
                action=LoggedAction.CLIENT_SEARCHED,
                at=at,
                search_criteria={"identity_code": identity_code.masked},
                result_count=int(served),
                details={"clients": [found.pk] if found else [], "intake": True}
                | ({"registered_elsewhere": True} if found and not served else {}),
            )
    except DatabaseError as error:
        raise AccessLogUnavailable from error
    if found is None:
        return IntakeLookup()
    return IntakeLookup(client=found) if served else IntakeLookup(registered_elsewhere=True)


def caseload_listed(*, actor: User, context: RequestContext, clients: list[Client]) -> None:
    """Log which clients a caseload page showed; raise AccessLogUnavailable if it cannot be."""
    try:
        with transaction.atomic():
            look_record(
                actor=actor,
                context=context,
                action=LoggedAction.CLIENT_LISTED,
                at=timezone.now(),
                result_count=len(clients),
                details={"clients": [client.pk for client in clients]},
            )
    except DatabaseError as error:
        raise AccessLogUnavailable from error


def caseload(
    actor: User, *, group: ClientGroup | None = None, at: datetime.datetime | None = None
) -> QuerySet[Client]:
    """The clients the actor may open now (of one client `group`, if given), with when their
    viewing consent ends (if it does) and when its scan is due (if it still awaits one).

    Each with `active_referrals`: the referrals in force, with their client group tags.
    """
    at = at or timezone.now()
    today = timezone.localdate(at)
    newest = newest_viewing_consents(today).filter(client=OuterRef("pk"))
    in_force = Referral.objects.active_on(today)
    clients = clients_openable_by(actor, at=at)
    if group is not None:
        clients = clients.filter(Exists(in_force.filter(client=OuterRef("pk"), group=group)))
    return (
        clients.select_related("home_municipality")
        .annotate(
            consent_valid_until=Subquery(newest.values("valid_until")[:1]),
            consent_scan_due_at=Subquery(newest.filter(scan="").values("scan_due_at")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "referrals",
                in_force.select_related("group").order_by("group__code", "pk"),
                to_attr="active_referrals",
            )
        )
        .order_by("last_name", "first_names", "pk")
    )


def _shown(needs: tuple[Section, ...], decision: Decision) -> tuple[Section, ...]:
    """The sections the page needs that may be shown; the consent request is a part of the
    full record, so it is not fetched again beside it."""
    shown = tuple(section for section in needs if section in decision.sections)
    if {Section.IDENTITY, Section.CONSENTS} <= set(shown):
        shown = tuple(section for section in shown if section != Section.CONSENT_REQUEST)
    return shown


def _refusal_reasons(needs: tuple[Section, ...], decision: Decision) -> tuple[str, ...]:
    """Why nothing the page needs may be shown: the record's reasons, and those that keep a
    needed gated section closed (the health section's own, on a record that may be opened)."""
    reasons = list(decision.reasons)
    for section in needs:
        reasons += [r for r in decision.closed.get(section, ()) if r not in reasons]
    return tuple(reasons)


def _has_item(shown: tuple[Section, ...], client: Client, item: int) -> bool:
    """Whether the one section shown that has items holds `item` for this client."""
    [has_item] = [check for s in shown if (check := PROVIDERS[s].has_item) is not None]
    return has_item(client, item)


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
