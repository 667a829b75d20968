"""Writes to client records: the labour authority's intake, and the service-need assessments.

Each service takes the actor, checks the rule it enforces (raising IntakeRefused with a stable
code), makes its change and writes its typed event in one transaction; nothing is overwritten
(an ended referral keeps its row, a superseded assessment stays, a move is a row of its own).
The pages and the register import both call these, so a rule holds whichever way data comes in.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.context import set_actor
from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from audit.actions import Action
from audit.services import change_record
from clients.models import (
    Client,
    ClientGroup,
    ClientMove,
    ClientRelationship,
    Municipality,
    Referral,
    ServiceNeed,
)


class Refusal(models.TextChoices):
    """Why an intake change was not made: stable codes, shown translated by the pages."""

    ALREADY_REGISTERED = "already_registered"
    NOT_IN_CLASSIFICATION = "not_in_classification"
    SAME_MUNICIPALITY = "same_municipality"
    MOVE_IN_FUTURE = "move_in_future"
    MOVE_BEFORE_LAST = "move_before_last"
    RELATIONSHIP_ONGOING = "relationship_ongoing"
    RELATIONSHIP_ENDED = "relationship_ended"
    BEFORE_RELATIONSHIP = "before_relationship"
    END_BEFORE_START = "end_before_start"
    ALREADY_REFERRED = "already_referred"
    REFERRAL_ENDED = "referral_ended"
    LATER_REFERRAL = "later_referral"


class IntakeRefused(Exception):
    def __init__(self, code: Refusal):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ClientDetails:
    """What registering a client needs; the identity code already validated and normalised."""

    identity_code: str
    first_names: str
    last_name: str
    home_municipality: Municipality
    mother_tongue: str
    service_language: str
    email: str = ""
    phone: str = ""
    street_address: str = ""
    postal_code: str = ""
    post_office: str = ""


@transaction.atomic
def client_register(
    *, actor: AbstractUser, details: ClientDetails, started_on: datetime.date, source: str
) -> Client:
    """Register a new client with their first client relationship."""
    if Client.objects.filter(identity_code=details.identity_code).exists():
        raise IntakeRefused(Refusal.ALREADY_REGISTERED)
    _require_in_classification(details.home_municipality)
    with set_actor(actor):
        try:
            # A savepoint: the same code registered at the same moment by someone else is a
            # refusal like any other, not a broken transaction.
            with transaction.atomic():
                client = Client.objects.create(
                    **details.__dict__, recorded_by_id=actor.pk, source=source
                )
        except IntegrityError:
            raise IntakeRefused(Refusal.ALREADY_REGISTERED) from None
        relationship = ClientRelationship.objects.create(
            client=client, started_on=started_on, recorded_by_id=actor.pk, source=source
        )
    change_record(
        actor=actor,
        action=Action.CLIENT_REGISTERED,
        target=client,
        client_id=client.pk,
        details={"relationship": relationship.pk, "started_on": started_on.isoformat()},
    )
    return client


# What a register import may change on a registered client: how to reach them. Names, the home
# municipality (a move, with its date) and the relationship have services of their own.
CONTACT_FIELDS = ("email", "phone", "street_address", "postal_code", "post_office")


@transaction.atomic
def client_update(*, actor: AbstractUser, client: Client, contact: dict[str, str]) -> list[str]:
    """Change the client's contact details; return the names of the fields that changed.

    The event names the fields only: their old and new values are in the change history, which
    is shown to those who may see them, while the log is read more widely.
    """
    unknown = set(contact) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    client = _locked(client)
    changed = [name for name in contact if getattr(client, name) != contact[name]]
    if not changed:
        return []
    with set_actor(actor):
        for name in changed:
            setattr(client, name, contact[name])
        client.save(update_fields=changed)
    change_record(
        actor=actor,
        action=Action.CLIENT_CONTACT_CHANGED,
        target=client,
        client_id=client.pk,
        details={"fields": changed},
    )
    return changed


@transaction.atomic
def client_move(
    *,
    actor: AbstractUser,
    client: Client,
    municipality: Municipality,
    moved_on: datetime.date,
    source: str,
) -> ClientMove:
    """Move the client to another home municipality from `moved_on` (today at the latest).

    Referrals follow the client; grants and agreements are the new municipality's from then on,
    because the policy reads the client's home municipality at every request. A move is
    recorded when it has happened (the population register reports it afterwards), so that
    the home municipality is never one in the future.
    """
    client = _locked(client)
    if municipality.pk == client.home_municipality_id:
        raise IntakeRefused(Refusal.SAME_MUNICIPALITY)
    _require_in_classification(municipality)
    if moved_on > timezone.localdate():
        raise IntakeRefused(Refusal.MOVE_IN_FUTURE)
    last = client.moves.order_by("-moved_on").values_list("moved_on", flat=True).first()
    if last is not None and moved_on < last:
        raise IntakeRefused(Refusal.MOVE_BEFORE_LAST)
    with set_actor(actor):
        move = ClientMove.objects.create(
            client=client,
            moved_from_id=client.home_municipality_id,
            moved_to=municipality,
            moved_on=moved_on,
            recorded_by_id=actor.pk,
            source=source,
        )
        client.home_municipality = municipality
        client.save(update_fields=["home_municipality"])
    change_record(
        actor=actor,
        action=Action.CLIENT_MOVED,
        target=move,
        client_id=client.pk,
        details={"from": move.moved_from_id, "to": municipality.pk, "on": moved_on.isoformat()},
    )
    return move


@transaction.atomic
def relationship_start(
    *, actor: AbstractUser, client: Client, started_on: datetime.date, source: str
) -> ClientRelationship:
    """A returning client's new client relationship: it restarts the retention clock."""
    client = _locked(client)
    current = client.relationship
    if current is not None:
        if current.ended_on is None:
            raise IntakeRefused(Refusal.RELATIONSHIP_ONGOING)
        if started_on < current.ended_on:
            raise IntakeRefused(Refusal.END_BEFORE_START)
    with set_actor(actor):
        relationship = ClientRelationship.objects.create(
            client=client, started_on=started_on, recorded_by_id=actor.pk, source=source
        )
    change_record(
        actor=actor,
        action=Action.RELATIONSHIP_STARTED,
        target=relationship,
        client_id=client.pk,
        details={"started_on": started_on.isoformat()},
    )
    return relationship


@transaction.atomic
def relationship_end(
    *, actor: AbstractUser, client: Client, ended_on: datetime.date
) -> ClientRelationship:
    """End the client relationship on `ended_on`, the day the four-year retention clock starts.

    Referrals still in force end with it: without a relationship there is nothing to refer. A
    referral that would only begin after that day is refused: it must be corrected first.
    """
    client = _locked(client)
    relationship = _ongoing_relationship(client)
    if ended_on < relationship.started_on:
        raise IntakeRefused(Refusal.END_BEFORE_START)
    open_referrals = Referral.objects.filter(client=client).filter(
        models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=ended_on)
    )
    if open_referrals.filter(referred_on__gte=ended_on).exists():
        raise IntakeRefused(Refusal.LATER_REFERRAL)
    for referral in open_referrals:
        _end_referral(actor, referral, ended_on, Referral.EndReason.RELATIONSHIP_ENDED)
    with set_actor(actor):
        relationship.ended_on = ended_on
        relationship.save(update_fields=["ended_on"])
    change_record(
        actor=actor,
        action=Action.RELATIONSHIP_ENDED,
        target=relationship,
        client_id=client.pk,
        details={"ended_on": ended_on.isoformat()},
    )
    return relationship


@transaction.atomic
def referral_record(
    *,
    actor: AbstractUser,
    client: Client,
    group: ClientGroup,
    referring_authority: str,
    referred_on: datetime.date,
    ended_on: datetime.date | None,
    source: str,
    end_reason: str = "",
) -> Referral:
    """Refer the client to the service with a client-group tag, from `referred_on`.

    One referral per group at a time: a second one of the same group overlapping it is refused,
    so that ending a referral ends the group's tag. A referral recorded with its end (an import
    of one that has already ended) carries the reason it ended.
    """
    client = _locked(client)
    refusal = new_referral_refusal(
        client.relationship,
        Referral.objects.filter(client=client, group=group),
        referred_on=referred_on,
        ended_on=ended_on,
    )
    if refusal is not None:
        raise IntakeRefused(refusal)
    with set_actor(actor):
        referral = Referral.objects.create(
            client=client,
            group=group,
            referring_authority=referring_authority,
            referred_on=referred_on,
            ended_on=ended_on,
            end_reason=end_reason if ended_on is not None else "",
            recorded_by_id=actor.pk,
            source=source,
        )
    change_record(
        actor=actor,
        action=Action.REFERRAL_RECORDED,
        target=referral,
        client_id=client.pk,
        details=referral_recorded_details(referral, group),
    )
    return referral


@transaction.atomic
def referral_end(
    *,
    actor: AbstractUser,
    referral: Referral,
    ended_on: datetime.date,
    reason: Referral.EndReason,
) -> Referral:
    """End a referral on `ended_on` (its first day no longer in force), with the reason."""
    _locked(referral.client)
    referral = Referral.objects.get(pk=referral.pk)
    if referral.ended_on is not None and referral.ended_on <= timezone.localdate():
        raise IntakeRefused(Refusal.REFERRAL_ENDED)
    if ended_on <= referral.referred_on:
        raise IntakeRefused(Refusal.END_BEFORE_START)
    return _end_referral(actor, referral, ended_on, reason)


def _end_referral(
    actor: AbstractUser, referral: Referral, ended_on: datetime.date, reason: Referral.EndReason
) -> Referral:
    with set_actor(actor):
        referral.ended_on = ended_on
        referral.end_reason = reason
        referral.save(update_fields=["ended_on", "end_reason"])
    change_record(
        actor=actor,
        action=Action.REFERRAL_ENDED,
        target=referral,
        client_id=referral.client_id,
        details={"ended_on": ended_on.isoformat(), "reason": str(reason)},
    )
    return referral


@transaction.atomic
def service_need_document(
    *,
    actor: AbstractUser,
    client: Client,
    assessment: str,
    assessed_on: datetime.date,
    assessed_by: str,
    source: str,
) -> ServiceNeed:
    """Record a new service-need assessment; the one it replaces stays, marked superseded."""
    # Lock the client's row so that two assessments recorded at once cannot both stay current.
    client = _locked(client)
    superseded = []
    with set_actor(actor):  # the change history names the actor, also outside a request
        for previous in client.service_needs.filter(status=ServiceNeed.Status.DOCUMENTED):
            # One save per row (not a queryset update) so the change history records each.
            previous.status = ServiceNeed.Status.SUPERSEDED
            previous.save(update_fields=["status"])
            superseded.append(previous.pk)
        need = ServiceNeed.objects.create(
            client=client,
            assessment=assessment,
            assessed_on=assessed_on,
            assessed_by=assessed_by,
            source=source,
            # The user model lives above this app: the row links the actor by key.
            recorded_by_id=actor.pk,
        )
    change_record(
        actor=actor,
        action=Action.SERVICE_NEED_DOCUMENTED,
        target=need,
        client_id=client.pk,
        details={"superseded": superseded} if superseded else {},
    )
    return need


def new_referral_refusal(
    relationship: ClientRelationship | None,
    same_group: Iterable[Referral],
    *,
    referred_on: datetime.date,
    ended_on: datetime.date | None,
) -> Refusal | None:
    """Why a new referral may not be recorded, if it may not, judged on rows already read: the
    client's newest relationship and their referrals of the same group.

    The one statement of the rule: referral_record reads the rows from the database, the
    register import's fast path from its batch.
    """
    if relationship is None or relationship.ended_on is not None:
        return Refusal.RELATIONSHIP_ENDED
    if referred_on < relationship.started_on:
        return Refusal.BEFORE_RELATIONSHIP
    if ended_on is not None and ended_on <= referred_on:
        return Refusal.END_BEFORE_START
    if any(_in_force_together(other, referred_on, ended_on) for other in same_group):
        return Refusal.ALREADY_REFERRED
    return None


def _in_force_together(
    other: Referral, referred_on: datetime.date, ended_on: datetime.date | None
) -> bool:
    """Whether `other` is in force on a day of the referral from `referred_on` to `ended_on`."""
    if other.ended_on is not None and other.ended_on <= referred_on:
        return False
    return ended_on is None or other.referred_on < ended_on


def referral_recorded_details(referral: Referral, group: ClientGroup) -> dict:
    """The typed event's details of a recorded referral: also what the register import writes."""
    details = {"group": group.code, "referred_on": referral.referred_on.isoformat()}
    if referral.ended_on is not None:
        details |= {"ended_on": referral.ended_on.isoformat(), "reason": referral.end_reason}
    return details


def _locked(client: Client) -> Client:
    """The client's row, locked until the transaction ends: two officials' changes to one
    client (two moves, a referral and the relationship's end) happen one after the other."""
    return Client.objects.select_for_update().get(pk=client.pk)


def _ongoing_relationship(client: Client) -> ClientRelationship:
    relationship = client.relationship
    if relationship is None or relationship.ended_on is not None:
        raise IntakeRefused(Refusal.RELATIONSHIP_ENDED)
    return relationship


def _require_in_classification(municipality: Municipality) -> None:
    if not municipality.in_classification:
        raise IntakeRefused(Refusal.NOT_IN_CLASSIFICATION)
