"""Who looked at one client, when and why, within a supervisor's scope: the looks grouped by
worker, and each allowed look's explanations.

A client is in a supervisor's scope when an event of a worker they oversee names the client;
the events are review.search.matching's with the client as the criterion, so this page and the
log search agree. All the client's looks in scope are read, whatever their age: a client's record
is kept four years after the relationship ends (004 §4), and it is every look that answers "who
looked at me".

Cost: one query for the looks, one for the workers' names and the trail around the allowed
looks (review.trail, two more), whatever their number.
"""

import datetime
from dataclasses import dataclass, field

from access.models import User
from audit.models import AccessEvent
from clients.models import Client
from review.activity import Share, needs_explaining
from review.search import Criteria, matching
from review.trail import CLIENT_LOOKS, Explanation, Look, explain


@dataclass
class WorkerLooks:
    """One worker's looks at the client."""

    worker: User
    first: datetime.datetime
    last: datetime.datetime
    looks: int = 0
    purposes: list[str] = field(default_factory=list)  # codes, in the order first used
    denied: int = 0
    allowed: list[int] = field(default_factory=list)  # the allowed looks' ids
    explained: Share = field(default_factory=lambda: Share(0, 0))


@dataclass(frozen=True)
class ClientActivity:
    by_worker: list[WorkerLooks]
    # Every allowed look at the client, by event id: its explanations, empty when unexplained.
    explanations: dict[int, tuple[Explanation, ...]]


def client_events(supervisor: User, client: Client):
    """Every event in `supervisor`'s scope that names `client`."""
    return matching(supervisor, Criteria(client=client))


def client_activity(*, supervisor: User, client: Client) -> ClientActivity:
    """The looks at `client` in `supervisor`'s scope by worker, the most recent looker first."""
    looks = client_events(supervisor, client).filter(action__in=CLIENT_LOOKS)
    rows = list(
        looks.order_by("occurred_at", "id").values_list(
            "id", "actor_id", "occurred_at", "action", "decision", "purpose_code"
        )
    )
    workers = User.objects.in_bulk({actor_id for _pk, actor_id, *_ in rows})
    by_worker: dict[int, WorkerLooks] = {}
    for pk, actor_id, at, action, decision, purpose in rows:
        seen = by_worker.setdefault(actor_id, WorkerLooks(workers[actor_id], first=at, last=at))
        seen.looks += 1
        seen.last = at
        if purpose and purpose not in seen.purposes:
            seen.purposes.append(purpose)
        seen.denied += decision == AccessEvent.Decision.DENIED
        if needs_explaining(action, decision):
            seen.allowed.append(pk)
    explanations = explain(
        [
            Look(pk, actor_id, client.pk, at)
            for pk, actor_id, at, action, decision, _purpose in rows
            if needs_explaining(action, decision)
        ]
    )
    for seen in by_worker.values():
        explained = sum(bool(explanations[pk]) for pk in seen.allowed)
        seen.explained = Share(part=explained, whole=len(seen.allowed))
    newest_first = sorted(by_worker.values(), key=lambda seen: seen.last, reverse=True)
    return ClientActivity(by_worker=newest_first, explanations=explanations)
