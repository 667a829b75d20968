"""What the per-worker and per-client pages share: the working hours that make a look out of
hours, each event's explanations beside it, and a share of looks explained.

Out of hours is what the detection rule of that name counts as out of hours: its thresholds in
force, or its defaults while it has never been set or is switched off, so that the pages mark
the looks the rule would look at.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from audit.models import AccessEvent
from review.rules import OUT_OF_HOURS, RULES_BY_CODE, is_out_of_hours
from review.screening import rules_in_force
from review.trail import CLIENT_LOOKS, Explanation


@dataclass(frozen=True)
class WorkingHours:
    starts_at: int
    ends_at: int

    @classmethod
    def in_force(cls) -> "WorkingHours":
        values = rules_in_force().get(OUT_OF_HOURS) or RULES_BY_CODE[OUT_OF_HOURS].defaults()
        return cls(starts_at=values["starts_at"], ends_at=values["ends_at"])

    def outside(self, at: datetime.datetime) -> bool:
        return is_out_of_hours(at, starts_at=self.starts_at, ends_at=self.ends_at)


def needs_explaining(action: str, decision: str) -> bool:
    """Only a look at a client's record that was allowed is explained, as the rules read it."""
    return action in CLIENT_LOOKS and decision == AccessEvent.Decision.ALLOWED


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, and as a whole percentage (None of nothing)."""

    part: int
    whole: int

    @property
    def rest(self) -> int:
        return self.whole - self.part

    @property
    def percent(self) -> int | None:
        return round(self.part * 100 / self.whole) if self.whole else None

    @property
    def rest_percent(self) -> int | None:
        return 100 - self.percent if self.percent is not None else None


@dataclass(frozen=True)
class Row:
    """One event as the pages list it: whether out of hours, and its explanations, where a look
    needs them (None for any other event: a search, a refusal, a change)."""

    event: AccessEvent
    out_of_hours: bool
    explanations: tuple[Explanation, ...] | None

    @property
    def unexplained(self) -> bool:
        return self.explanations == ()


def rows_of(
    events: Iterable[AccessEvent],
    *,
    explanations: dict[int, tuple[Explanation, ...]],
    hours: WorkingHours,
) -> list[Row]:
    """`events` as rows; `explanations` must hold every allowed look among them (read the events
    first and explain after: the log only grows, so a later read finds every one of them)."""
    return [
        Row(
            event=event,
            out_of_hours=hours.outside(event.occurred_at),
            explanations=explanations[event.pk]
            if needs_explaining(event.action, event.decision)
            else None,
        )
        for event in events
    ]
