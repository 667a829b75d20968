"""Which looks at a client the worker's own work trail explains.

A look is *explained* when the worker's own trail with that client accounts for it: an entry
they recorded about the client, a consent or a health item they recorded for the client, a
search by identity code that found the client earlier the same day, or a justification of
theirs that a supervisor accepted. Explanations are computed when asked for, never stored, so a
trail recorded later (a late entry) explains the look from then on. They are shown beside an
event and never hide it: a supervisor still sees every look.

`explain` takes the looks and answers with a few queries whatever their number: the trail of
every worker concerned over the period is read once and searched in memory.
"""

import bisect
import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.actions import Action
from audit.models import AccessEvent
from review.models import JustificationRequest

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")

# The looks at one client's record that need explaining. Searches and caseload pages name
# clients but open no record; the log pages are the supervisors' own looks.
CLIENT_LOOKS = (Action.CLIENT_VIEWED, Action.CLIENT_PRINTED, Action.CLIENT_EXPORTED)

# A recorded item explains the looks around it. Before: a client is met every week or two, and
# a look between meetings follows up the last one. After: an entry is made without undue delay
# (003), the day of the meeting or the next, and the look that prepared it comes before it.
TRAIL_BEFORE = datetime.timedelta(days=14)
TRAIL_AFTER = datetime.timedelta(days=1)


class Explanation(models.TextChoices):
    ENTRY = "entry_recorded", _("an entry the worker recorded about the client")
    CONSENT = "consent_recorded", _("a consent the worker recorded for the client")
    HEALTH_ITEM = "health_item_recorded", _("a health item the worker recorded for the client")
    SEARCH = "searched_by_identity_code", _("the worker's search by identity code found the client")
    JUSTIFIED = "justification_accepted", _("the worker's justification was accepted")


# The changes that leave a worker's trail with a client, by the explanation they give.
RECORDED = {
    Action.ENTRY_RECORDED: Explanation.ENTRY,
    Action.ENTRY_CORRECTED: Explanation.ENTRY,
    Action.CONSENT_RECORDED: Explanation.CONSENT,
    Action.CONSENT_WITHDRAWN: Explanation.CONSENT,
    Action.CONSENT_SCAN_ATTACHED: Explanation.CONSENT,
    Action.HEALTH_ITEM_RECORDED: Explanation.HEALTH_ITEM,
}

_RECORDED_BY_CODE = {action.value: explanation for action, explanation in RECORDED.items()}


@dataclass(frozen=True)
class Look:
    """What `explain` needs of a look: its id, who looked at whom, and when."""

    id: int
    actor_id: int
    client_id: int | None
    occurred_at: datetime.datetime


def looks_of(events: Iterable[AccessEvent]) -> list[Look]:
    return [Look(e.pk, e.actor_id, e.client_id, e.occurred_at) for e in events]


def explain(looks: Sequence[Look]) -> dict[int, tuple[Explanation, ...]]:
    """Each look's explanations, by its id: empty for a look the trail does not explain.

    Only looks at one client's record are explained; give no others.
    """
    with_client = [look for look in looks if look.client_id is not None]
    if not with_client:
        return {look.id: () for look in looks}
    trail = Trail.read(
        actors={look.actor_id for look in with_client},
        since=min(look.occurred_at for look in with_client) - TRAIL_BEFORE,
        until=max(look.occurred_at for look in with_client) + TRAIL_AFTER,
    )
    return {look.id: trail.explanations(look) for look in looks}


class Trail:
    """The workers' trail over a period, indexed by (worker, client): sorted times per kind."""

    def __init__(self):
        self.recorded: dict[tuple[int, int], dict[Explanation, list[datetime.datetime]]] = (
            defaultdict(lambda: defaultdict(list))
        )
        self.searched: dict[tuple[int, int], list[datetime.datetime]] = defaultdict(list)
        self.justified: set[tuple[int, int, datetime.date]] = set()
        self.justified_events: set[int] = set()

    @classmethod
    def read(cls, *, actors: set[int], since: datetime.datetime, until: datetime.datetime):
        trail = cls()
        around = AccessEvent.objects.filter(
            actor__in=actors, occurred_at__gte=since, occurred_at__lte=until
        )
        recorded = around.filter(action__in=list(RECORDED), client__isnull=False)
        for actor_id, client_id, action, at in recorded.values_list(
            "actor_id", "client_id", "action", "occurred_at"
        ).iterator(chunk_size=5000):
            trail.recorded[actor_id, client_id][_RECORDED_BY_CODE[action]].append(at)
        # Only a search by identity code: the worker knew exactly whom they were looking for.
        # The intake's lookups are the labour authority's, not a worker's service.
        searches = around.filter(
            action=Action.CLIENT_SEARCHED, search_criteria__has_key="identity_code"
        ).exclude(details__has_key="intake")
        for actor_id, at, found in searches.values_list(
            "actor_id", "occurred_at", "details__clients"
        ).iterator(chunk_size=5000):
            for client_id in found or ():
                trail.searched[actor_id, client_id].append(at)
        for times in trail.searched.values():
            times.sort()
        for kinds in trail.recorded.values():
            for times in kinds.values():
                times.sort()
        trail._add_justified(actors)
        return trail

    def _add_justified(self, actors: set[int]) -> None:
        """A justification accepted explains the looks it was about, and the same worker's
        other looks at those clients on the same days."""
        asked = JustificationRequest.objects.filter(
            worker__in=actors, finding=JustificationRequest.Finding.JUSTIFIED
        ).values_list("worker_id", "events__id", "events__client_id", "events__occurred_at")
        for worker_id, event_id, client_id, at in asked:
            if event_id is None:
                continue
            self.justified_events.add(event_id)
            if client_id is not None:
                self.justified.add((worker_id, client_id, at.astimezone(HELSINKI).date()))

    def explanations(self, look: Look) -> tuple[Explanation, ...]:
        if look.client_id is None:
            return ()
        key = (look.actor_id, look.client_id)
        found = [
            kind
            for kind, times in self.recorded.get(key, {}).items()
            if _any_between(times, look.occurred_at - TRAIL_BEFORE, look.occurred_at + TRAIL_AFTER)
        ]
        day_start = datetime.datetime.combine(
            look.occurred_at.astimezone(HELSINKI).date(), datetime.time.min, tzinfo=HELSINKI
        )
        if _any_between(self.searched.get(key, []), day_start, look.occurred_at):
            found.append(Explanation.SEARCH)
        day = look.occurred_at.astimezone(HELSINKI).date()
        if look.id in self.justified_events or (*key, day) in self.justified:
            found.append(Explanation.JUSTIFIED)
        return tuple(sorted(found, key=list(Explanation).index))


def _any_between(times: list[datetime.datetime], low, high) -> bool:
    """Whether the sorted `times` hold one in [low, high]."""
    index = bisect.bisect_left(times, low)
    return index < len(times) and times[index] <= high
