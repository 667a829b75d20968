"""What one worker did over a period, as their supervisor reviews it: the figures, the looks per
day with those out of hours, and each allowed look's explanations.

It starts from review.search.matching with the worker and the period as the criteria, so that
this page, its timeline and the log search can never disagree about which events are in scope.
A *look* is a look at one client's record (review.trail.CLIENT_LOOKS), allowed, limited to the
consent request or denied; searches and changes are in the timeline but not among the looks.

Cost: one query for the period's looks and the trail around the allowed ones (review.trail, two
more), whatever their number.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from access.models import User
from audit.models import AccessEvent
from review.activity import Share, WorkingHours, needs_explaining
from review.search import HELSINKI, Criteria, matching
from review.trail import CLIENT_LOOKS, Explanation, Look, explain

# The period when none is asked for: the last thirty days, today included.
DEFAULT_DAYS = 30
# The longest period a page shows: a year, a leap year's included.
LONGEST_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Days in Finland, `first` to `last`, both included."""

    first: datetime.date
    last: datetime.date

    @property
    def days(self) -> list[datetime.date]:
        count = (self.last - self.first).days + 1
        return [self.first + datetime.timedelta(days=offset) for offset in range(count)]

    def criteria(self, worker: User) -> Criteria:
        return Criteria(worker=worker, period_from=self.first, period_to=self.last)

    def logged(self) -> dict[str, str]:
        return {"period_from": self.first.isoformat(), "period_to": self.last.isoformat()}


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    looks: int = 0
    out_of_hours: int = 0

    @property
    def in_hours(self) -> int:
        return self.looks - self.out_of_hours


@dataclass(frozen=True)
class Figures:
    looks: int
    clients: int  # distinct clients looked at
    denied: int
    out_of_hours: int
    explained: Share  # of the allowed looks


@dataclass(frozen=True)
class WorkerActivity:
    figures: Figures
    days: list[DayCount]
    # Every allowed look of the period, by event id: its explanations, empty when unexplained.
    explanations: dict[int, tuple[Explanation, ...]]


def worker_activity(
    *, supervisor: User, worker: User, period: Period, hours: WorkingHours
) -> WorkerActivity:
    """`worker`'s looks over `period` within `supervisor`'s scope, counted and explained."""
    looks = matching(supervisor, period.criteria(worker)).filter(action__in=CLIENT_LOOKS)
    rows = list(looks.values_list("id", "client_id", "occurred_at", "action", "decision"))
    explanations = explain(
        [
            Look(pk, worker.pk, client_id, at)
            for pk, client_id, at, action, decision in rows
            if needs_explaining(action, decision)
        ]
    )
    per_day: Counter[datetime.date] = Counter()
    out_per_day: Counter[datetime.date] = Counter()
    for _pk, _client_id, at, _action, _decision in rows:
        day = at.astimezone(HELSINKI).date()
        per_day[day] += 1
        out_per_day[day] += hours.outside(at)
    figures = Figures(
        looks=len(rows),
        clients=len({client_id for _pk, client_id, *_ in rows if client_id is not None}),
        denied=sum(decision == AccessEvent.Decision.DENIED for *_, decision in rows),
        out_of_hours=sum(out_per_day.values()),
        explained=Share(
            part=sum(bool(found) for found in explanations.values()), whole=len(explanations)
        ),
    )
    return WorkerActivity(
        figures=figures,
        days=[DayCount(day, per_day[day], out_per_day[day]) for day in period.days],
        explanations=explanations,
    )
