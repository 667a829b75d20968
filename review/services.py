"""The supervisors' writes around the detection rules: switching a rule and its thresholds,
asking for a day to be screened, closing a case. Each writes its typed event in its transaction;
a refusal is a `ReviewRefused` with a stable code."""

import datetime

from django.db import transaction
from django.utils import timezone

from access.models import User
from audit.actions import Action
from audit.services import change_record
from review.models import Case, RuleSetting
from review.rules import RULES_BY_CODE
from review.screening import due_until
from review.selectors import workers_overseen_by
from review.tasks import screen_day


class ReviewRefused(Exception):
    """The step cannot be taken; `code` says why (stable, for the pages and the tests)."""

    UNKNOWN_RULE = "review_unknown_rule"
    THRESHOLD_OUT_OF_BOUNDS = "review_threshold_out_of_bounds"
    NOTHING_CHANGED = "review_nothing_changed"
    DAY_NOT_DUE = "review_day_not_due"
    CASE_NOT_OVERSEEN = "review_case_not_overseen"
    CASE_CLOSED = "review_case_already_closed"
    EMPTY_NOTE = "review_empty_note"

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@transaction.atomic
def rule_setting_change(
    *,
    actor: User,
    rule: str,
    enabled: bool,
    values: dict[str, int],
    at: datetime.datetime | None = None,
) -> RuleSetting:
    """Save a new version of `rule`'s setting: on or off, with every threshold within bounds."""
    if rule not in RULES_BY_CODE:
        raise ReviewRefused(ReviewRefused.UNKNOWN_RULE)
    thresholds = RULES_BY_CODE[rule].thresholds
    complete = {t.code: int(values.get(t.code, t.default)) for t in thresholds}
    if any(not t.minimum <= complete[t.code] <= t.maximum for t in thresholds):
        raise ReviewRefused(ReviewRefused.THRESHOLD_OUT_OF_BOUNDS)
    current = RuleSetting.objects.filter(rule=rule).order_by("-changed_at", "-id").first()
    if current and (current.enabled, current.values) == (enabled, complete):
        raise ReviewRefused(ReviewRefused.NOTHING_CHANGED)
    at = at or timezone.now()
    setting = RuleSetting.objects.create(
        rule=rule, enabled=enabled, values=complete, changed_by=actor, changed_at=at
    )
    change_record(
        actor=actor,
        action=Action.RULE_CHANGED,
        target=setting,
        at=at,
        details={"rule": rule, "enabled": enabled, "values": complete},
    )
    return setting


def screening_request(*, actor: User, day: datetime.date) -> None:
    """Ask the worker to screen `day` again now, with the rules in force (on demand)."""
    if day > due_until(timezone.localdate()):
        raise ReviewRefused(ReviewRefused.DAY_NOT_DUE)
    with transaction.atomic():
        change_record(
            actor=actor,
            action=Action.SCREENING_REQUESTED,
            target=None,
            details={"day": day.isoformat()},
        )
        # Enqueued once the request is in the log: a screening nobody can account for never runs.
        transaction.on_commit(lambda: screen_day.enqueue(day.isoformat(), actor.pk))


@transaction.atomic
def case_close(*, actor: User, case: Case, note: str, at: datetime.datetime | None = None) -> Case:
    """Close the case of a worker `actor` oversees, with what the review found."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not workers_overseen_by(actor).filter(pk=case.worker_id).exists():
        raise ReviewRefused(ReviewRefused.CASE_NOT_OVERSEEN)
    if not case.is_open:
        raise ReviewRefused(ReviewRefused.CASE_CLOSED)
    if not note.strip():
        raise ReviewRefused(ReviewRefused.EMPTY_NOTE)
    case.closed_at = at or timezone.now()
    case.closed_by = actor
    case.closing_note = note.strip()
    case.save(update_fields=["closed_at", "closed_by", "closing_note"])
    change_record(
        actor=actor,
        action=Action.CASE_CLOSED,
        target=case,
        at=case.closed_at,
        details={"worker": case.worker_id, "alerts": case.alerts.count()},
    )
    return case
