"""Screening the log with the detection rules: build each worker's day, run the rules, keep what
they find as alerts in the worker's case.

A day is screened once the day after it has ended: its looks may be explained by an entry made
the next day (review.trail.TRAIL_AFTER). The nightly task screens every day that has become due
since the last screening (`screen_due_days`); a supervisor may screen a day again on demand. A
screened day's numbers are kept (`ScreenedDay`) for the baselines of the days after it; an alert
is found once per rule, worker and day, however often the day is screened.

The preview runs one rule with thresholds that are not saved over a period, for the workers a
supervisor oversees, and keeps nothing: it warms up the baselines from the weeks before the period
instead of reading the kept numbers, which were made with the rules then in force.

Cost: each run reads the period's looks and searches, the trail around them once
(review.trail), and, for the looks nothing explains, the year before for the same worker and
client; whatever the number of workers, a handful of queries per month screened.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from access.models import User
from access.purposes import Purpose
from audit.actions import Action
from audit.models import AccessEvent
from clients.models import Client, Referral
from review.models import Alert, Case, ScreenedDay, ScreeningRun
from review.rules import (
    HELSINKI,
    RULES,
    DayLook,
    DaySearch,
    Finding,
    WorkerDay,
    surname_parts,
)
from review.selectors import rule_states
from review.trail import CLIENT_LOOKS, RECORDED, Look, explain

# A baseline is the worker's usual day: their most recent active days within a window.
BASELINE_DAYS = 20
BASELINE_WINDOW = datetime.timedelta(days=60)
# "Never served": no look at or trail with the client by the worker in this long before.
SERVED_LOOKBACK = datetime.timedelta(days=365)
# A client referred to the service this recently, whom no other worker has served since, is
# nobody's client yet: a first look at them starts the service. Our choice, measured on the
# synthetic year (README); the rule's explanation (review.rules) names the 30 days.
NEWLY_REFERRED = datetime.timedelta(days=30)
# The days read and explained together: the trail around them is read once.
CHUNK_DAYS = 31
# The first screening ever looks back this far, so that baselines exist from the start.
FIRST_SCREENING_DAYS = 60
# Query parameters a statement, well under SQLite's limit.
IDS_A_QUERY = 2000

RuleValues = dict[str, dict[str, int]]


def rules_in_force() -> RuleValues:
    """The rules switched on, each with its thresholds (the newest setting of each rule counts;
    a threshold it does not name keeps its default)."""
    return {state.rule.code: state.values for state in rule_states() if state.enabled}


def due_until(today: datetime.date) -> datetime.date:
    """The last day that may be screened on `today`: the day after it must have ended."""
    return today - datetime.timedelta(days=2)


@dataclass
class Baselines:
    """Each worker's earlier active days, as the number of clients with an unexplained look."""

    days: dict[int, list[tuple[datetime.date, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def kept(cls, *, before: datetime.date, workers: Iterable[int] | None = None) -> "Baselines":
        rows = ScreenedDay.objects.filter(
            day__lt=before, day__gte=before - BASELINE_WINDOW, looks__gt=0
        )
        if workers is not None:
            rows = rows.filter(worker__in=list(workers))
        baselines = cls()
        for worker_id, day, count in rows.order_by("day").values_list(
            "worker_id", "day", "unexplained_clients"
        ):
            baselines.days[worker_id].append((day, count))
        return baselines

    def of(self, worker_id: int, day: datetime.date) -> tuple[int, ...]:
        earlier = [
            count
            for seen, count in self.days.get(worker_id, ())
            if day - BASELINE_WINDOW <= seen < day
        ]
        return tuple(earlier[-BASELINE_DAYS:])

    def add(self, day: WorkerDay) -> None:
        if day.looks:
            self.days[day.worker_id].append((day.day, len(day.unexplained_clients)))


def worker_days(
    first: datetime.date,
    last: datetime.date,
    *,
    baselines: Baselines,
    workers: Iterable[int] | None = None,
) -> Iterator[tuple[datetime.date, list[WorkerDay]]]:
    """Each day from `first` to `last` in order, with the day of every worker who looked at or
    searched for a client that day; each day's numbers join `baselines` for the days after."""
    workers = None if workers is None else set(workers)
    start = first
    while start <= last:
        end = min(last, start + datetime.timedelta(days=CHUNK_DAYS - 1))
        by_day = _chunk(start, end, workers)
        day = start
        while day <= end:
            days = [
                WorkerDay(
                    worker_id=worker_id,
                    day=day,
                    looks=tuple(looks),
                    searches=tuple(searches),
                    baseline=baselines.of(worker_id, day),
                )
                for worker_id, (looks, searches) in sorted(by_day.get(day, {}).items())
            ]
            for worker_day in days:
                baselines.add(worker_day)
            yield day, days
            day += datetime.timedelta(days=1)
        start = end + datetime.timedelta(days=1)


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=HELSINKI)


def _chunk(first: datetime.date, last: datetime.date, workers: set[int] | None):
    """The looks and searches of the days `first`..`last`, by day and worker."""
    events = AccessEvent.objects.filter(
        occurred_at__gte=start_of_day(first),
        occurred_at__lt=start_of_day(last + datetime.timedelta(days=1)),
    )
    if workers is not None:
        events = events.filter(actor__in=workers)
    looks = list(
        events.filter(action__in=CLIENT_LOOKS)
        .exclude(purpose_code=Purpose.INTAKE)  # the labour authority's intake is not case work
        .order_by("occurred_at", "id")
        .values_list("id", "actor_id", "client_id", "occurred_at", "decision")
    )
    searches = (
        events.filter(action=Action.CLIENT_SEARCHED)
        .exclude(details__has_key="intake")
        .order_by("occurred_at", "id")
        .values_list("id", "actor_id", "occurred_at", "details__clients")
    )
    allowed = [
        Look(pk, actor, client, at)
        for pk, actor, client, at, decision in looks
        if decision == AccessEvent.Decision.ALLOWED
    ]
    explained = explain(allowed)
    unexplained = [look for look in allowed if not explained[look.id]]
    first_looks, served = _first_looks(unexplained)
    newly_referred = _newly_referred(
        [look for look in unexplained if look.id in first_looks], served
    )
    same_surname = _same_surnames(unexplained)

    by_day: dict = defaultdict(lambda: defaultdict(lambda: ([], [])))
    for pk, actor, client, at, decision in looks:
        by_day[at.astimezone(HELSINKI).date()][actor][0].append(
            DayLook(
                id=pk,
                at=at,
                client_id=client,
                allowed=decision == AccessEvent.Decision.ALLOWED,
                denied=decision == AccessEvent.Decision.DENIED,
                explained=tuple(explained.get(pk, ())),
                first_look=pk in first_looks,
                newly_referred=pk in newly_referred,
                same_surname=pk in same_surname,
            )
        )
    for pk, actor, at, found in searches.iterator(chunk_size=5000):
        by_day[at.astimezone(HELSINKI).date()][actor][1].append(
            DaySearch(pk, at, tuple(found or ()))
        )
    return by_day


ServedAt = dict[int, list[tuple[int, datetime.datetime]]]


def _first_looks(looks: list[Look]) -> tuple[set[int], ServedAt]:
    """The looks at a client the same worker had not looked at, nor recorded anything for, in
    the year before; and who served each of those clients when (any worker's looks and trail,
    the labour authority's intake aside), for `_newly_referred`."""
    if not looks:
        return set(), {}
    served: ServedAt = defaultdict(list)
    since = min(look.occurred_at for look in looks) - SERVED_LOOKBACK
    until = max(look.occurred_at for look in looks)
    clients = sorted({look.client_id for look in looks if look.client_id is not None})
    for part in _parts(clients):
        rows = (
            AccessEvent.objects.filter(
                client__in=part,
                occurred_at__gte=since,
                occurred_at__lt=until,
                action__in=[*CLIENT_LOOKS, *RECORDED],
            )
            .exclude(decision__in=[AccessEvent.Decision.DENIED, AccessEvent.Decision.LIMITED])
            .exclude(purpose_code=Purpose.INTAKE)
        )
        for actor, client, at in rows.values_list("actor_id", "client_id", "occurred_at"):
            served[client].append((actor, at))
    first = {
        look.id
        for look in looks
        if not any(
            actor == look.actor_id and look.occurred_at - SERVED_LOOKBACK <= at < look.occurred_at
            for actor, at in served.get(look.client_id or 0, ())
        )
    }
    return first, served


def _newly_referred(looks: list[Look], served: ServedAt) -> set[int]:
    """The looks at a client new to the service: referred within NEWLY_REFERRED before the day
    of the look (or on it), and served by no other worker since the day of the referral. A
    neighbour whose own worker has already met them is not new."""
    if not looks:
        return set()
    since = min(look.occurred_at for look in looks).astimezone(HELSINKI).date() - NEWLY_REFERRED
    until = max(look.occurred_at for look in looks).astimezone(HELSINKI).date()
    referred: dict[int, list[datetime.date]] = defaultdict(list)
    for part in _parts(sorted({look.client_id for look in looks if look.client_id is not None})):
        rows = Referral.objects.filter(
            client__in=part, referred_on__gte=since, referred_on__lte=until
        ).values_list("client_id", "referred_on")
        for client, referred_on in rows:
            referred[client].append(referred_on)
    return {look.id for look in looks if _new_to_the_service(look, referred, served)}


def _new_to_the_service(
    look: Look, referred: dict[int, list[datetime.date]], served: ServedAt
) -> bool:
    day = look.occurred_at.astimezone(HELSINKI).date()
    client = look.client_id or 0
    for referred_on in referred.get(client, ()):
        if day - NEWLY_REFERRED <= referred_on <= day and not any(
            actor != look.actor_id and start_of_day(referred_on) <= at < look.occurred_at
            for actor, at in served.get(client, ())
        ):
            return True
    return False


def _same_surnames(looks: list[Look]) -> set[int]:
    """The looks at a client who shares a part of the worker's surname."""
    if not looks:
        return set()
    workers = dict(
        User.objects.filter(pk__in={look.actor_id for look in looks}).values_list("pk", "last_name")
    )
    clients: dict[int, str] = {}
    for part in _parts(sorted({look.client_id for look in looks if look.client_id is not None})):
        clients.update(Client.objects.filter(pk__in=part).values_list("pk", "last_name"))
    return {
        look.id
        for look in looks
        if surname_parts(workers.get(look.actor_id, ""))
        & surname_parts(clients.get(look.client_id or 0, ""))
    }


def _parts(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), IDS_A_QUERY):
        yield ids[start : start + IDS_A_QUERY]


def findings_of(days: list[WorkerDay], rules: RuleValues) -> list[Finding]:
    """What the rules in `rules` find in `days`, rule by rule in the registry's order."""
    found = []
    for day in days:
        for rule in RULES:
            if rule.code in rules:
                finding = rule.find(day, rules[rule.code])
                if finding is not None:
                    found.append(finding)
    return found


# --- Keeping what was found ----------------------------------------------------------------


def screening_run(
    *, day: datetime.date, requested_by: User | None = None, rules: RuleValues | None = None
) -> ScreeningRun:
    """Screen one day of the whole log with the rules in force, keep its numbers and its alerts.

    Run again for the same day, it finds the same alerts and adds only new ones (a rule switched
    on since, a trail that no longer explains nothing): an alert is never found twice.
    """
    rules = rules_in_force() if rules is None else rules
    started_at = timezone.now()
    baselines = Baselines.kept(before=day)
    ((_, days),) = worker_days(day, day, baselines=baselines)
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            day=day,
            requested_by=requested_by,
            started_at=started_at,
            rules=rules,
            looks_read=sum(len(worker_day.looks) for worker_day in days),
        )
        _keep_numbers(days)
        run.alerts_found = _keep_alerts(run, findings_of(days, rules))
        run.finished_at = timezone.now()
        run.save(update_fields=["alerts_found", "finished_at"])
    return run


def screen_due_days(*, today: datetime.date | None = None) -> list[ScreeningRun]:
    """Screen, in order, every day that has become due since the last day screened (the first
    time, the last FIRST_SCREENING_DAYS days): the nightly work. Nothing is due twice."""
    today = today or timezone.localdate()
    last = due_until(today)
    screened = ScreeningRun.objects.filter(requested_by__isnull=True).order_by("-day").first()
    first = (
        screened.day + datetime.timedelta(days=1)
        if screened
        else last - datetime.timedelta(days=FIRST_SCREENING_DAYS - 1)
    )
    runs = []
    rules = rules_in_force()
    while first <= last:
        runs.append(screening_run(day=first, rules=rules))
        first += datetime.timedelta(days=1)
    return runs


def _keep_numbers(days: list[WorkerDay]) -> None:
    ScreenedDay.objects.bulk_create(
        [
            ScreenedDay(
                worker_id=day.worker_id,
                day=day.day,
                looks=len(day.looks),
                clients=len(day.clients),
                unexplained_clients=len(day.unexplained_clients),
            )
            for day in days
        ],
        update_conflicts=True,
        unique_fields=["worker", "day"],
        update_fields=["looks", "clients", "unexplained_clients"],
        batch_size=1000,
    )


def _keep_alerts(run: ScreeningRun, findings: list[Finding]) -> int:
    """Add the findings not yet alerts to their workers' open cases; how many were added.

    In bulk, a few statements whatever the number: a day at national scale may find thousands.
    """
    known = set(Alert.objects.filter(day=run.day).values_list("rule", "worker_id", "day"))
    new = [f for f in findings if (f.rule, f.worker_id, f.day) not in known]
    if not new:
        return 0
    cases = _open_cases_of({finding.worker_id for finding in new}, at=run.started_at)
    alerts = Alert.objects.bulk_create(
        [
            Alert(
                case=cases[finding.worker_id],
                rule=finding.rule,
                worker_id=finding.worker_id,
                day=finding.day,
                details=finding.details,
                run=run,
                found_at=run.started_at,
            )
            for finding in new
        ],
        batch_size=1000,
    )
    Alert.events.through.objects.bulk_create(
        [
            Alert.events.through(alert_id=alert.pk, accessevent_id=event_id)
            for alert, finding in zip(alerts, new, strict=True)
            for event_id in finding.event_ids
        ],
        batch_size=5000,
    )
    return len(new)


def _open_cases_of(workers: set[int], *, at: datetime.datetime) -> dict[int, Case]:
    """Each worker's open case, opened now for those without one."""
    open_cases = Case.objects.select_for_update().filter(
        worker__in=list(workers), closed_at__isnull=True
    )
    cases = {case.worker_id: case for case in open_cases}
    opened = Case.objects.bulk_create(
        [Case(worker_id=worker, opened_at=at) for worker in sorted(workers - set(cases))]
    )
    return cases | {case.worker_id: case for case in opened}


# --- The preview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What a rule would find over a period, and the worker-days it read: the days on which a
    worker looked at or searched for a client, what the findings are counted against."""

    findings: list[Finding]
    worker_days: int

    @property
    def workers(self) -> int:
        return len({finding.worker_id for finding in self.findings})


def preview(
    *,
    rule: str,
    values: dict[str, int],
    first: datetime.date,
    last: datetime.date,
    workers: Iterable[int],
) -> Preview:
    """What `rule` with `values` would find from `first` to `last` among `workers`; nothing kept.

    The baselines are warmed up over the window before `first`, from the log itself.
    """
    baselines = Baselines()
    found = []
    worker_days_read = 0
    warm_up = first - BASELINE_WINDOW
    for day, days in worker_days(warm_up, last, baselines=baselines, workers=workers):
        if day >= first:
            found.extend(findings_of(days, {rule: values}))
            worker_days_read += len(days)
    return Preview(findings=found, worker_days=worker_days_read)
