"""The supervisor's search of the log: criteria, keyset pages, the CSV export, its escaping.

Everything starts from `events_in_scope_of(supervisor)`, and criteria only narrow it. Pages are
keyset pages over the id, newest first: "older" carries the last id shown, "newer" the first,
so that no page counts the table and a page stays the same however many events arrive above it.
"""

import csv
import datetime
import io
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from access.models import User
from audit.models import AccessEvent
from clients.identity_code import parse_identity_code
from clients.models import Client
from review.selectors import events_in_scope_of

PAGE_SIZE = 50
# The export stops here: a supervisor who needs more narrows the search.
EXPORT_LIMIT = 10_000
# The periods are days in Finland, whatever the server's clock says.
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Criteria:
    """What a search narrows by; an empty field narrows nothing."""

    worker: User | None = None
    client: Client | None = None
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    action: str = ""
    decision: str = ""
    reason: str = ""
    purpose: str = ""

    def logged(self) -> dict[str, str]:
        """The criteria as the log keeps them: codes and ids, the identity code masked."""
        values = {
            "worker": str(self.worker.pk) if self.worker else "",
            "client": parse_identity_code(self.client.identity_code).masked if self.client else "",
            "period_from": self.period_from.isoformat() if self.period_from else "",
            "period_to": self.period_to.isoformat() if self.period_to else "",
            "action": self.action,
            "decision": self.decision,
            "reason": self.reason,
            "purpose": self.purpose,
        }
        return {name: value for name, value in values.items() if value}


def matching(supervisor: User, criteria: Criteria) -> QuerySet[AccessEvent]:
    """The events in `supervisor`'s scope that meet every criterion."""
    events = events_in_scope_of(supervisor)
    if criteria.worker:
        events = events.filter(actor=criteria.worker)
    if criteria.client:
        events = events.filter(client=criteria.client)
    if criteria.period_from:
        events = events.filter(occurred_at__gte=_start_of(criteria.period_from))
    if criteria.period_to:
        events = events.filter(occurred_at__lt=_start_of(criteria.period_to, days_after=1))
    if criteria.action:
        events = events.filter(action=criteria.action)
    if criteria.decision:
        events = events.filter(decision=criteria.decision)
    if criteria.reason:
        # The codes are a JSON list; on PostgreSQL two indexes serve this (audit/lookups.py).
        events = events.filter(reason_codes__has_element=criteria.reason)
    if criteria.purpose:
        events = events.filter(purpose_code=criteria.purpose)
    return events


def _start_of(day: datetime.date, *, days_after: int = 0) -> datetime.datetime:
    start = day + datetime.timedelta(days=days_after)
    return datetime.datetime.combine(start, datetime.time.min, tzinfo=HELSINKI)


@dataclass(frozen=True)
class Page:
    """One keyset page: the events, newest first, and the ids the links carry."""

    events: list[AccessEvent] = field(default_factory=list)
    older_than: int | None = None  # the last id shown, when older events exist
    newer_than: int | None = None  # the first id shown, when newer events exist

    def __iter__(self):
        return iter(self.events)

    def __len__(self):
        return len(self.events)


def page_of(
    events: QuerySet[AccessEvent], *, before: int | None = None, after: int | None = None
) -> Page:
    """The page of `events` just below id `before`, or just above id `after`, or the newest.

    One more row than a page is fetched to know whether the page has a neighbour that way; the
    other way, a neighbour exists if one event lies beyond the page's edge (an indexed EXISTS).
    """
    if after is not None:
        rows = _rows(events.filter(id__gt=after), "id")
        newer = len(rows) > PAGE_SIZE
        shown = list(reversed(rows[:PAGE_SIZE]))
        older = bool(shown) and events.filter(id__lt=shown[-1].pk).exists()
    else:
        below = events.filter(id__lt=before) if before is not None else events
        rows = _rows(below, "-id")
        older = len(rows) > PAGE_SIZE
        shown = rows[:PAGE_SIZE]
        newer = bool(shown) and events.filter(id__gt=shown[0].pk).exists()
    return Page(
        events=shown,
        older_than=shown[-1].pk if older else None,
        newer_than=shown[0].pk if newer else None,
    )


def _rows(events: QuerySet[AccessEvent], order: str) -> list[AccessEvent]:
    """A page and one more of `events` in `order`: their ids first, then those rows.

    The ids alone can often be read from an index without the table (the events with failing
    conditions, audit/migrations/0017), so only the rows shown are fetched from it.
    """
    ids = events.order_by(order).values("id")[: PAGE_SIZE + 1]
    return list(AccessEvent.objects.select_related("client").filter(id__in=ids).order_by(order))


EXPORT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_username",
    "actor_name",
    "action",
    "client",
    "purpose_code",
    "decision",
    "reason_codes",
    "request_id",
)


def export_rows(events: QuerySet[AccessEvent]) -> list[list[str]]:
    """At most EXPORT_LIMIT events as rows, newest first, the identity codes masked."""
    shown = events.select_related("client").order_by("-id")[:EXPORT_LIMIT]
    return [_row(event) for event in shown]


def _row(event: AccessEvent) -> list[str]:
    return [
        str(event.pk),
        event.occurred_at.astimezone(HELSINKI).isoformat(timespec="seconds"),
        event.actor_username,
        event.actor_name,
        event.action,
        parse_identity_code(event.client.identity_code).masked if event.client else "",
        event.purpose_code,
        event.decision,
        " ".join(event.reason_codes),
        str(event.request_id or ""),
    ]


def escape_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets an apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def csv_text(rows: Iterable[list[str]]) -> str:
    """The CSV file: a header of column codes, then the rows, every cell escaped."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return out.getvalue()
