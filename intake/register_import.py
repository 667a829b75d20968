"""The register import: a JSON Lines file of clients, referrals and service needs, in batches.

Each batch of lines is checked on its own (intake.lines), then against what is stored, read for
the whole batch in a few queries, and each line is planned as one outcome: created, updated,
unchanged or rejected. A batch is then written in one transaction, in one of two ways:

* the fast path: the batch's new rows and their typed events in a few bulk inserts, and the few
  updates (contact details, a referral's end) through their services. A line is atomic because
  the batch is: it is written whole or not at all, with its typed event.
* the services' path, line by line, each in a savepoint of its own through the intake services
  (with django-auditlog's history): when the fast path meets anything it did not plan for (a
  refusal, a row written meanwhile by someone else), its batch is rolled back and redone this
  way, and `through_services=True` uses it throughout (the benchmark's comparison).

Natural keys make the import idempotent: a line already stored is unchanged, so a second run
changes nothing and a run killed midway is finished by running it again.
"""

import datetime
import hashlib
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.auth.models import AbstractUser
from django.db import DatabaseError, transaction
from django.utils import timezone

from access.scope import municipalities_served_by
from audit.actions import Action
from audit.services import Change, change_records
from clients.models import (
    Client,
    ClientGroup,
    ClientRelationship,
    Municipality,
    Referral,
    ServiceNeed,
)
from clients.services import (
    ClientDetails,
    IntakeRefused,
    client_register,
    client_update,
    new_referral_refusal,
    referral_end,
    referral_record,
    referral_recorded_details,
    service_need_document,
)
from intake.lines import (
    ClientLine,
    Line,
    Reason,
    Reference,
    ReferralLine,
    Rejection,
    ServiceNeedLine,
    is_blank,
    numbered_lines,
    parse_line,
)

BATCH_SIZE = 1000
CLIENT_COMPARED = ("first_names", "last_name", "mother_tongue", "service_language", "source")


@dataclass
class Report:
    read: int = 0
    blank: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def changed(self) -> int:
        return self.created + self.updated


# What planning a line against the stored rows decides.
@dataclass
class Unchanged:
    line: Line


@dataclass
class RegisterClient:
    line: ClientLine
    client: Client
    relationship: ClientRelationship


@dataclass
class UpdateContact:
    line: ClientLine
    client: Client
    contact: dict[str, str]


@dataclass
class RecordReferral:
    line: ReferralLine
    referral: Referral


@dataclass
class EndReferral:
    line: ReferralLine
    referral: Referral


@dataclass
class DocumentNeed:
    line: ServiceNeedLine
    need: ServiceNeed
    # The assessments this one replaces: stored ones, or earlier ones of the same batch.
    supersedes: list[ServiceNeed]


Outcome = (
    Unchanged
    | RegisterClient
    | UpdateContact
    | RecordReferral
    | EndReferral
    | DocumentNeed
    | Rejection
)
CREATES = (RegisterClient, RecordReferral, DocumentNeed)
UPDATES = (UpdateContact, EndReferral)


@dataclass
class ClientState:
    """One client as stored, with what the batch has planned for them so far."""

    client: Client
    relationship: ClientRelationship | None
    referrals: list[Referral]
    needs: dict[tuple, ServiceNeed]
    documented: list[ServiceNeed]

    def referral(self, group: ClientGroup, referred_on: datetime.date) -> Referral | None:
        for referral in self.referrals:
            if referral.group_id == group.pk and referral.referred_on == referred_on:
                return referral
        return None


def need_key(assessed_on: datetime.date, assessed_by: str, assessment: str) -> tuple:
    return (assessed_on, assessed_by, assessment)


def load_states(codes: Iterable[str]) -> dict[str, ClientState]:
    """The stored clients of these identity codes, with their rows, in four queries."""
    clients = {client.pk: client for client in Client.objects.filter(identity_code__in=codes)}
    states = {
        client.identity_code: ClientState(client, None, [], {}, []) for client in clients.values()
    }
    by_pk = {client.pk: states[client.identity_code] for client in clients.values()}
    relationships = ClientRelationship.objects.filter(client__in=clients).order_by(
        "client", "started_on", "id"
    )
    for relationship in relationships:  # the newest one last
        by_pk[relationship.client_id].relationship = relationship
    for referral in Referral.objects.filter(client__in=clients):
        by_pk[referral.client_id].referrals.append(referral)
    for need in ServiceNeed.objects.filter(client__in=clients):
        state = by_pk[need.client_id]
        state.needs[need_key(need.assessed_on, need.assessed_by, need.assessment)] = need
        if need.status == ServiceNeed.Status.DOCUMENTED:
            state.documented.append(need)
    return states


class SeenKeys:
    """Each line's natural key and number, kept on disk so that memory stays flat.

    A second line with the same key in one file is a duplicate, wherever it is.
    """

    def __init__(self):
        self._file = tempfile.NamedTemporaryFile(suffix=".sqlite3")  # noqa: SIM115 (closed in close())
        self._db = sqlite3.connect(self._file.name)
        self._db.execute("CREATE TABLE seen (key BLOB PRIMARY KEY, line INTEGER) WITHOUT ROWID")

    def first_lines(self, lines: list[Line]) -> dict[int, int]:
        """For each line whose key an earlier line had: its number -> that earlier line's."""
        duplicates: dict[int, int] = {}
        first: dict[bytes, int] = {}
        digests = [(self._digest(line.key), line.number) for line in lines]
        stored = self._stored([digest for digest, _ in digests])
        for digest, number in digests:
            earlier = stored.get(digest) or first.get(digest)
            if earlier is not None:
                duplicates[number] = earlier
            else:
                first[digest] = number
        self._db.executemany("INSERT INTO seen VALUES (?, ?)", first.items())
        return duplicates

    def close(self):
        self._db.close()
        self._file.close()

    def _stored(self, digests: list[bytes]) -> dict[bytes, int]:
        found: dict[bytes, int] = {}
        for start in range(0, len(digests), 500):
            chunk = digests[start : start + 500]
            placeholders = ",".join("?" * len(chunk))
            query = f"SELECT key, line FROM seen WHERE key IN ({placeholders})"  # noqa: S608
            found.update(self._db.execute(query, chunk).fetchall())
        return found

    @staticmethod
    def _digest(key: tuple) -> bytes:
        return hashlib.blake2b("\x1f".join(key).encode(), digest_size=16).digest()


class RegisterImport:
    def __init__(
        self,
        *,
        actor: AbstractUser,
        batch_size: int = BATCH_SIZE,
        through_services: bool = False,
        on_batch: Callable[[Report], None] | None = None,
    ):
        self.actor = actor
        self.batch_size = batch_size
        self.through_services = through_services
        self.on_batch = on_batch or (lambda report: None)
        self.reference = Reference(
            municipalities={m.code: m for m in Municipality.objects.all()},
            groups={group.code: group for group in ClientGroup.objects.all()},
            today=timezone.localdate(),
        )
        self.served = set(municipalities_served_by(actor).values_list("pk", flat=True))
        self.today = self.reference.today

    def run(self, stream: Iterable[bytes]) -> Report:
        report = Report()
        seen = SeenKeys()
        try:
            for batch in _batches(numbered_lines(stream), self.batch_size):
                self._import_batch(batch, report, seen)
                self.on_batch(report)
        finally:
            seen.close()
        return report

    def _import_batch(self, batch: list[tuple[int, bytes]], report: Report, seen: SeenKeys):
        report.read += len(batch)
        checked = []
        for number, raw in batch:
            if is_blank(raw):
                report.blank += 1
            else:
                checked.append(parse_line(number, raw, self.reference))
        lines = [line for line in checked if not isinstance(line, Rejection)]
        duplicates = seen.first_lines(lines)
        report.rejections.extend(line for line in checked if isinstance(line, Rejection))
        report.rejections.extend(
            Rejection(
                line.number,
                Reason.DUPLICATE_LINE,
                f"Line {duplicates[line.number]} has the same key.",
                line.identity.masked,
            )
            for line in lines
            if line.number in duplicates
        )
        lines = [line for line in lines if line.number not in duplicates]
        outcomes = None if self.through_services else self._fast(lines)
        if outcomes is None:
            outcomes = self._through_services(lines)
        _tally(outcomes, report)
        report.rejections.sort(key=lambda rejection: rejection.number)

    def _fast(self, lines: list[Line]) -> list[Outcome] | None:
        """The batch planned and written in bulk; None if it must be redone line by line."""
        try:
            with transaction.atomic():
                states = load_states({line.identity.code for line in lines})
                outcomes = [self._plan(line, states) for line in lines]
                self._write_fast(outcomes)
        except (IntakeRefused, DatabaseError):
            return None
        return outcomes

    def _through_services(self, lines: list[Line]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        with transaction.atomic():
            for line in lines:
                outcomes.append(self._line_through_services(line))
        return outcomes

    def _line_through_services(self, line: Line) -> Outcome:
        try:
            with transaction.atomic():  # a savepoint: the line is written whole or not at all
                outcome = self._plan(line, load_states([line.identity.code]))
                self._write_through_service(outcome)
        except IntakeRefused as refusal:
            return Rejection(
                line.number,
                Reason(refusal.code) if refusal.code in Reason else Reason.WRITE_FAILED,
                REFUSAL_MESSAGES.get(refusal.code, "Refused."),
                line.identity.masked,
            )
        except DatabaseError as error:
            return Rejection(
                line.number,
                Reason.WRITE_FAILED,
                f"The database refused the line ({type(error).__name__}).",
                line.identity.masked,
            )
        return outcome

    # Planning: the same rules as the intake services, read from the batch's states.

    def _plan(self, line: Line, states: dict[str, ClientState]) -> Outcome:
        state = states.get(line.identity.code)
        if isinstance(line, ClientLine):
            return self._plan_client(line, state, states)
        if state is None:
            return _reject(line, Reason.CLIENT_NOT_REGISTERED, "No client has this identity code.")
        if state.client.home_municipality_id not in self.served:
            return _reject(line, Reason.OUT_OF_SCOPE, OUT_OF_SCOPE_MESSAGE)
        if isinstance(line, ReferralLine):
            return self._plan_referral(line, state)
        return self._plan_need(line, state)

    def _plan_client(
        self, line: ClientLine, state: ClientState | None, states: dict[str, ClientState]
    ) -> Outcome:
        if line.home_municipality.pk not in self.served:
            return _reject(line, Reason.OUT_OF_SCOPE, OUT_OF_SCOPE_MESSAGE)
        if state is None:
            return self._plan_registration(line, states)
        differing = [
            name for name in CLIENT_COMPARED if getattr(state.client, name) != getattr(line, name)
        ]
        if state.client.home_municipality_id != line.home_municipality.pk:
            differing.append("home_municipality")
        if state.relationship is None or state.relationship.started_on != line.started_on:
            differing.append("relationship_started_on")
        if differing:
            return _reject(
                line,
                Reason.DIFFERS_FROM_RECORD,
                f"Differs from the registered client in {', '.join(differing)}; "
                "an import changes only contact details.",
            )
        contact = {
            name: value
            for name, value in line.contact.items()
            if getattr(state.client, name) != value
        }
        if not contact:
            return Unchanged(line)
        return UpdateContact(line, state.client, contact)

    def _plan_registration(self, line: ClientLine, states: dict[str, ClientState]) -> Outcome:
        if not line.home_municipality.in_classification:
            return _reject(line, Reason.NOT_IN_CLASSIFICATION, NOT_IN_CLASSIFICATION_MESSAGE)
        client = Client(
            identity_code=line.identity.code,
            first_names=line.first_names,
            last_name=line.last_name,
            home_municipality=line.home_municipality,
            mother_tongue=line.mother_tongue,
            service_language=line.service_language,
            recorded_by_id=self.actor.pk,
            source=line.source,
            **line.contact,
        )
        relationship = ClientRelationship(
            client=client,
            started_on=line.started_on,
            recorded_by_id=self.actor.pk,
            source=line.source,
        )
        states[line.identity.code] = ClientState(client, relationship, [], {}, [])
        return RegisterClient(line, client, relationship)

    def _plan_referral(self, line: ReferralLine, state: ClientState) -> Outcome:
        stored = state.referral(line.group, line.referred_on)
        if stored is not None:
            return self._plan_referral_end(line, stored)
        refusal = new_referral_refusal(
            state.relationship,
            [referral for referral in state.referrals if referral.group_id == line.group.pk],
            referred_on=line.referred_on,
            ended_on=line.ended_on,
        )
        if refusal is not None:
            return _reject(line, Reason(refusal), REFUSAL_MESSAGES[refusal])
        referral = Referral(
            client=state.client,
            group=line.group,
            referring_authority=line.referring_authority,
            referred_on=line.referred_on,
            ended_on=line.ended_on,
            end_reason=line.end_reason,
            recorded_by_id=self.actor.pk,
            source=line.source,
        )
        state.referrals.append(referral)
        return RecordReferral(line, referral)

    def _plan_referral_end(self, line: ReferralLine, stored: Referral) -> Outcome:
        differing = [
            name
            for name in ("referring_authority", "source")
            if getattr(stored, name) != getattr(line, name)
        ]
        if line.ended_on is None and stored.ended_on is not None:
            differing.append("ended_on")
        if differing:
            return _reject(
                line,
                Reason.DIFFERS_FROM_RECORD,
                f"Differs from the recorded referral in {', '.join(differing)}.",
            )
        if (stored.ended_on, stored.end_reason) == (line.ended_on, line.end_reason):
            return Unchanged(line)
        if stored.ended_on is not None and stored.ended_on <= self.today:
            return _reject(line, Reason.REFERRAL_ENDED, "The referral has already ended.")
        # Later lines of the batch see the referral as it will be (referral_end reads its own).
        stored.ended_on, stored.end_reason = line.ended_on, line.end_reason
        return EndReferral(line, stored)

    def _plan_need(self, line: ServiceNeedLine, state: ClientState) -> Outcome:
        stored = state.needs.get(need_key(line.assessed_on, line.assessed_by, line.assessment))
        if stored is not None:
            if stored.source != line.source:
                return _reject(
                    line,
                    Reason.DIFFERS_FROM_RECORD,
                    "Differs from the documented service need in source.",
                )
            return Unchanged(line)
        need = ServiceNeed(
            client=state.client,
            assessment=line.assessment,
            assessed_on=line.assessed_on,
            assessed_by=line.assessed_by,
            source=line.source,
            recorded_by_id=self.actor.pk,
        )
        supersedes = state.documented
        for previous in supersedes:
            previous.status = ServiceNeed.Status.SUPERSEDED
        state.documented = [need]
        state.needs[need_key(line.assessed_on, line.assessed_by, line.assessment)] = need
        return DocumentNeed(line, need, supersedes)

    # Writing.

    def _write_fast(self, outcomes: list[Outcome]) -> None:
        """The batch's changes: updates through their services, new rows and events in bulk."""
        for outcome in outcomes:
            if isinstance(outcome, UPDATES):
                self._write_through_service(outcome)
        registrations = [o for o in outcomes if isinstance(o, RegisterClient)]
        referrals = [o for o in outcomes if isinstance(o, RecordReferral)]
        needs = [o for o in outcomes if isinstance(o, DocumentNeed)]
        Client.objects.bulk_create([o.client for o in registrations])
        # Each row below takes its client's new key from the client it was planned with.
        ClientRelationship.objects.bulk_create([o.relationship for o in registrations])
        Referral.objects.bulk_create([o.referral for o in referrals])
        superseded = [p.pk for o in needs for p in o.supersedes if p.pk is not None]
        ServiceNeed.objects.filter(pk__in=superseded).update(status=ServiceNeed.Status.SUPERSEDED)
        ServiceNeed.objects.bulk_create([o.need for o in needs])
        change_records(
            actor=self.actor,
            changes=[
                *(_registered(o) for o in registrations),
                *(_referred(o) for o in referrals),
                *(_documented(o) for o in needs),
            ],
        )

    def _write_through_service(self, outcome: Outcome) -> None:
        actor = self.actor
        match outcome:
            case RegisterClient(line=line):
                client_register(
                    actor=actor,
                    details=_details(line),
                    started_on=line.started_on,
                    source=line.source,
                )
            case UpdateContact(client=client, contact=contact):
                client_update(actor=actor, client=client, contact=contact)
            case RecordReferral(line=line, referral=referral):
                referral_record(
                    actor=actor,
                    client=referral.client,
                    group=line.group,
                    referring_authority=line.referring_authority,
                    referred_on=line.referred_on,
                    ended_on=line.ended_on,
                    end_reason=line.end_reason,
                    source=line.source,
                )
            case EndReferral(line=line, referral=referral):
                assert line.ended_on is not None  # noqa: S101 (planned only with an end)
                referral_end(
                    actor=actor,
                    referral=referral,
                    ended_on=line.ended_on,
                    reason=Referral.EndReason(line.end_reason),
                )
            case DocumentNeed(line=line, need=need):
                service_need_document(
                    actor=actor,
                    client=need.client,
                    assessment=line.assessment,
                    assessed_on=line.assessed_on,
                    assessed_by=line.assessed_by,
                    source=line.source,
                )


OUT_OF_SCOPE_MESSAGE = "The client's home municipality is not one the actor serves."
NOT_IN_CLASSIFICATION_MESSAGE = "The municipality is no longer in the classification."
REFUSAL_MESSAGES = {
    "not_in_classification": NOT_IN_CLASSIFICATION_MESSAGE,
    "relationship_ended": "The client relationship has ended.",
    "before_relationship": "The referral starts before the client relationship.",
    "end_before_start": "The referral ends on or before the day it starts.",
    "already_referred": "The client has a referral of this group overlapping this one.",
    "referral_ended": "The referral has already ended.",
    "already_registered": "The client is already registered.",
}


def _reject(line: Line, reason: Reason, message: str) -> Rejection:
    return Rejection(line.number, reason, message, line.identity.masked)


def _details(line: ClientLine) -> ClientDetails:
    return ClientDetails(
        identity_code=line.identity.code,
        first_names=line.first_names,
        last_name=line.last_name,
        home_municipality=line.home_municipality,
        mother_tongue=line.mother_tongue,
        service_language=line.service_language,
        **line.contact,
    )


# The typed events of the fast path: the services' details, and the line and the names of the
# fields the import wrote (the fast path writes no django-auditlog entry; see README).


def _registered(outcome: RegisterClient) -> Change:
    client = outcome.client
    return Change(
        Action.CLIENT_REGISTERED,
        client,
        client.pk,
        {
            "relationship": outcome.relationship.pk,
            "started_on": outcome.relationship.started_on.isoformat(),
            **_imported(
                outcome.line,
                [
                    "identity_code",
                    "first_names",
                    "last_name",
                    "home_municipality",
                    "mother_tongue",
                    "service_language",
                    *outcome.line.contact,
                ],
            ),
        },
    )


def _referred(outcome: RecordReferral) -> Change:
    referral = outcome.referral
    fields = ["group", "referring_authority", "referred_on"]
    if referral.ended_on is not None:
        fields += ["ended_on", "end_reason"]
    return Change(
        Action.REFERRAL_RECORDED,
        referral,
        referral.client_id,
        referral_recorded_details(referral, outcome.line.group) | _imported(outcome.line, fields),
    )


def _documented(outcome: DocumentNeed) -> Change:
    superseded = [previous.pk for previous in outcome.supersedes]
    details = {"superseded": superseded} if superseded else {}
    fields = ["assessment", "assessed_on", "assessed_by"]
    return Change(
        Action.SERVICE_NEED_DOCUMENTED,
        outcome.need,
        outcome.need.client_id,
        details | _imported(outcome.line, fields),
    )


def _imported(line: Line, fields: list[str]) -> dict:
    return {"import": {"line": line.number, "fields": sorted({*fields, "source"})}}


def _tally(outcomes: list[Outcome], report: Report) -> None:
    for outcome in outcomes:
        if isinstance(outcome, Rejection):
            report.rejections.append(outcome)
        elif isinstance(outcome, CREATES):
            report.created += 1
        elif isinstance(outcome, UPDATES):
            report.updated += 1
        else:
            report.unchanged += 1


def _batches(lines: Iterator[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    while batch := list(islice(lines, size)):
        yield batch
