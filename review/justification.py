"""Asking a worker to justify views, their answer, the finding, and the reported grounds.

Each step takes its actor, checks that it is theirs to take and not yet taken, fills its own
fields once and writes one typed change event in the same transaction. A refusal is a
`JustificationRefused` with a stable code. The events' details hold ids and codes only: the
question, the answer and the notes are free text, and stay on the request.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from access.models import User
from audit.actions import LOOKS, Action
from audit.models import AccessEvent
from audit.services import change_record
from review.models import JustificationRequest
from review.selectors import events_in_scope_of, workers_overseen_by

# How far ahead an answer may be asked for: a justification is asked about recent work.
LONGEST_DUE = datetime.timedelta(days=60)
# How many of a worker's recent looks the supervisor may pick more events from.
RECENT_EVENTS = 20


class JustificationRefused(Exception):
    """The step cannot be taken; `code` says why (stable, for the pages and the tests)."""

    NO_EVENTS = "justification_no_events"
    EVENT_OUT_OF_SCOPE = "justification_event_out_of_scope"
    WORKER_NOT_OVERSEEN = "justification_worker_not_overseen"
    OWN_EVENTS = "justification_own_events"
    DUE_IN_THE_PAST = "justification_due_in_the_past"
    DUE_TOO_FAR = "justification_due_too_far"
    EMPTY_TEXT = "justification_empty_text"
    NOT_YOURS = "justification_not_yours"
    ALREADY_ANSWERED = "justification_already_answered"
    NOT_ANSWERED = "justification_not_answered"
    ALREADY_CLOSED = "justification_already_closed"
    NOT_REPORTED = "justification_not_reported"
    ALREADY_HANDLED = "justification_report_already_handled"

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def events_to_ask_about(supervisor: User, worker: User) -> QuerySet[AccessEvent]:
    """The worker's own looks at client data within the supervisor's scope: what may be asked."""
    return events_in_scope_of(supervisor).filter(actor=worker, action__in=LOOKS)


def recent_events_to_ask_about(supervisor: User, worker: User) -> QuerySet[AccessEvent]:
    return (
        events_to_ask_about(supervisor, worker)
        .select_related("client")
        .order_by("-id")[:RECENT_EVENTS]
    )


def requests_asked_by(supervisor: User) -> QuerySet[JustificationRequest]:
    """The supervisor's own requests, about workers they still oversee."""
    return JustificationRequest.objects.filter(
        supervisor=supervisor, worker__in=workers_overseen_by(supervisor)
    ).select_related("worker")


def open_requests_to(worker: User) -> QuerySet[JustificationRequest]:
    """What the worker still has to answer, the soonest due first."""
    return JustificationRequest.objects.filter(worker=worker, answered_at__isnull=True).order_by(
        "due_on", "id"
    )


def reported_grounds() -> QuerySet[JustificationRequest]:
    """Requests closed "not justified": the grounds the access administrators are told of."""
    return (
        JustificationRequest.objects.filter(finding=JustificationRequest.Finding.NOT_JUSTIFIED)
        .select_related("worker", "supervisor", "report_handled_by")
        .order_by("report_handled_at", "-closed_at", "-id")
    )


def due_date_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The earliest and the latest day an answer may be asked for, asked on `today`."""
    return today, today + LONGEST_DUE


@transaction.atomic
def justification_request(
    *,
    supervisor: User,
    worker: User,
    events: Iterable[AccessEvent],
    question: str,
    due_on: datetime.date,
) -> JustificationRequest:
    """Ask `worker` to justify `events`, each their own look within the supervisor's scope."""
    if worker.pk == supervisor.pk:
        # A supervisor who also works with clients answers to another supervisor, not to themself.
        raise JustificationRefused(JustificationRefused.OWN_EVENTS)
    if not workers_overseen_by(supervisor).filter(pk=worker.pk).exists():
        raise JustificationRefused(JustificationRefused.WORKER_NOT_OVERSEEN)
    event_ids = sorted({event.pk for event in events})
    if not event_ids:
        raise JustificationRefused(JustificationRefused.NO_EVENTS)
    allowed = events_to_ask_about(supervisor, worker).filter(pk__in=event_ids).count()
    if allowed != len(event_ids):
        raise JustificationRefused(JustificationRefused.EVENT_OUT_OF_SCOPE)
    earliest, latest = due_date_bounds(timezone.localdate())
    if due_on < earliest:
        raise JustificationRefused(JustificationRefused.DUE_IN_THE_PAST)
    if due_on > latest:
        raise JustificationRefused(JustificationRefused.DUE_TOO_FAR)
    request = JustificationRequest.objects.create(
        supervisor=supervisor,
        worker=worker,
        question=_text(question),
        due_on=due_on,
        asked_at=timezone.now(),
    )
    request.events.set(event_ids)
    change_record(
        actor=supervisor,
        action=Action.JUSTIFICATION_REQUESTED,
        target=request,
        details={"worker": worker.pk, "events": event_ids, "due_on": due_on.isoformat()},
    )
    return request


@transaction.atomic
def justification_answer(
    *, worker: User, request: JustificationRequest, answer: str
) -> JustificationRequest:
    """The worker's answer, once: it is evidence, so it is never replaced."""
    request = _locked(request)
    if request.worker_id != worker.pk:
        raise JustificationRefused(JustificationRefused.NOT_YOURS)
    if request.answered_at is not None:
        raise JustificationRefused(JustificationRefused.ALREADY_ANSWERED)
    request.answer = _text(answer)
    request.answered_at = timezone.now()
    request.save(update_fields=["answer", "answered_at"])
    change_record(
        actor=worker,
        action=Action.JUSTIFICATION_ANSWERED,
        target=request,
        details={"late": request.due_on < timezone.localdate()},
    )
    return request


@transaction.atomic
def justification_close(
    *, supervisor: User, request: JustificationRequest, finding: str, note: str
) -> JustificationRequest:
    """Close an answered request with a finding. "Not justified" reports the grounds to the
    access administrators (004 §5a ¶4): the closed request is the report they see."""
    request = _locked(request)
    if not requests_asked_by(supervisor).filter(pk=request.pk).exists():
        raise JustificationRefused(JustificationRefused.NOT_YOURS)
    if request.closed_at is not None:
        raise JustificationRefused(JustificationRefused.ALREADY_CLOSED)
    if request.answered_at is None:
        raise JustificationRefused(JustificationRefused.NOT_ANSWERED)
    request.finding = JustificationRequest.Finding(finding)
    request.closing_note = _text(note)
    request.closed_at = timezone.now()
    request.save(update_fields=["finding", "closing_note", "closed_at"])
    change_record(
        actor=supervisor,
        action=Action.JUSTIFICATION_CLOSED,
        target=request,
        details={
            "finding": request.finding,
            "grounds_reported": request.grounds_reported,
        },
    )
    return request


@transaction.atomic
def grounds_report_handle(
    *, admin: User, request: JustificationRequest, note: str
) -> JustificationRequest:
    """The access administrator records that the reported grounds have been dealt with, such
    as by revoking the worker's grant (the revocation is its own event, with its reason)."""
    request = _locked(request)
    if not request.grounds_reported:
        raise JustificationRefused(JustificationRefused.NOT_REPORTED)
    if request.report_handled_at is not None:
        raise JustificationRefused(JustificationRefused.ALREADY_HANDLED)
    request.report_handled_by = admin
    request.report_handled_at = timezone.now()
    request.report_handling_note = _text(note)
    request.save(update_fields=["report_handled_by", "report_handled_at", "report_handling_note"])
    change_record(
        actor=admin,
        action=Action.JUSTIFICATION_REPORT_HANDLED,
        target=request,
        details={"worker": request.worker_id},
    )
    return request


def _locked(request: JustificationRequest) -> JustificationRequest:
    """The row as it is now, held until the step commits: two steps never both see it untaken."""
    return JustificationRequest.objects.select_for_update().get(pk=request.pk)


def _text(value: str) -> str:
    text = value.strip()
    if not text:
        raise JustificationRefused(JustificationRefused.EMPTY_TEXT)
    return text
