"""The detection rules, as code: a registry of named rules over one worker's day of work.

Each rule has a stable code, a plain-language explanation in the interface's languages, its
thresholds with their defaults and bounds, and a pure `find` that reads a `WorkerDay` (what the
worker did that day, each look with its explanations, already computed by the screening) and
answers with at most one `Finding`. The screening (review/screening.py) builds the days, runs the
rules that are switched on and groups the findings into a worker's case; the preview runs one
rule with thresholds that are not yet saved. Nothing here reads the database.

Looks that the worker's own trail explains (review/trail.py) are not what the rules look for:
a night worker who records what they did at night leaves a trail, a browser leaves none. The
explanations never hide an event from the supervisor; they only keep a rule quiet.
"""

import datetime
import functools
import math
import statistics
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field

import holidays
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class DayLook:
    """One look at a client's record that day."""

    id: int
    at: datetime.datetime
    client_id: int | None  # None when the client asked for does not exist
    allowed: bool
    # Refused outright; neither allowed nor refused is the consent request shown alone.
    denied: bool = False
    explained: tuple[str, ...] = ()
    # No look at or trail with this client by the worker in the year before.
    first_look: bool = False
    # Referred to the service in the past weeks and served by no other worker since: the
    # client is new to every worker.
    newly_referred: bool = False
    # The client's surname shares a part with the worker's.
    same_surname: bool = False

    @property
    def unexplained(self) -> bool:
        return self.allowed and not self.explained


@dataclass(frozen=True)
class DaySearch:
    """One client search that day, with the clients it listed."""

    id: int
    at: datetime.datetime
    clients: tuple[int, ...] = ()


@dataclass(frozen=True)
class WorkerDay:
    """What one worker did on one day (in Finland), as the rules read it."""

    worker_id: int
    day: datetime.date
    looks: tuple[DayLook, ...] = ()
    searches: tuple[DaySearch, ...] = ()
    # The worker's earlier active days: the number of clients with an unexplained look, each.
    baseline: tuple[int, ...] = ()

    @functools.cached_property
    def unexplained_clients(self) -> frozenset[int]:
        return frozenset(
            look.client_id for look in self.looks if look.unexplained and look.client_id
        )

    @functools.cached_property
    def clients(self) -> frozenset[int]:
        return frozenset(look.client_id for look in self.looks if look.client_id)


@dataclass(frozen=True)
class Finding:
    """What a rule found in one worker's day: the events behind it and the numbers that tell."""

    rule: str
    worker_id: int
    day: datetime.date
    event_ids: tuple[int, ...]
    details: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Threshold:
    code: str
    label: Promise
    default: int
    minimum: int
    maximum: int


@dataclass(frozen=True)
class Rule:
    code: str
    title: Promise
    # What the rule looks for and why, for the supervisor and for the worker it screens.
    explanation: Promise
    thresholds: tuple[Threshold, ...]
    find: Callable[[WorkerDay, dict[str, int]], Finding | None]

    def defaults(self) -> dict[str, int]:
        return {threshold.code: threshold.default for threshold in self.thresholds}


def _finding(rule: str, day: WorkerDay, event_ids, **details: int) -> Finding:
    return Finding(rule, day.worker_id, day.day, tuple(sorted(event_ids)), details)


# --- Out of hours ---------------------------------------------------------------------------

# Finland's public holidays, for the working days; the library knows the moving feasts.
FINNISH_HOLIDAYS = holidays.country_holidays("FI")


def is_out_of_hours(at: datetime.datetime, *, starts_at: int, ends_at: int) -> bool:
    """Outside the working day in Finland: before `starts_at` or from `ends_at` o'clock, or on a
    weekend or a public holiday."""
    local = at.astimezone(HELSINKI)
    if local.weekday() >= 5 or local.date() in FINNISH_HOLIDAYS:
        return True
    return not starts_at <= local.hour < ends_at


def _out_of_hours(day: WorkerDay, values: dict[str, int]) -> Finding | None:
    found = [
        look.id
        for look in day.looks
        if look.unexplained
        and is_out_of_hours(look.at, starts_at=values["starts_at"], ends_at=values["ends_at"])
    ]
    if len(found) < values["looks"]:
        return None
    return _finding(OUT_OF_HOURS, day, found, looks=len(found))


# --- Volume far above the worker's own baseline --------------------------------------------


def _volume(day: WorkerDay, values: dict[str, int]) -> Finding | None:
    if len(day.baseline) < values["baseline_days"]:
        return None  # too new to have a baseline of their own
    usual = statistics.median(day.baseline)
    clients = len(day.unexplained_clients)
    if clients < values["clients"] or clients < values["factor"] * max(usual, 1):
        return None
    found = [look.id for look in day.looks if look.unexplained]
    # The median as a whole number of clients, rounded up: the details hold integers.
    return _finding(VOLUME, day, found, clients=clients, usual=math.ceil(usual))


# --- A client the worker has never served --------------------------------------------------


def _unserved(day: WorkerDay, values: dict[str, int]) -> Finding | None:
    found = [
        look
        for look in day.looks
        if look.unexplained and look.first_look and not look.newly_referred
    ]
    clients = {look.client_id for look in found}
    if len(clients) < values["clients"]:
        return None
    return _finding(UNSERVED, day, [look.id for look in found], clients=len(clients))


# --- Same surname as the worker ------------------------------------------------------------


def _same_surname(day: WorkerDay, values: dict[str, int]) -> Finding | None:
    found = [look for look in day.looks if look.unexplained and look.same_surname]
    if len(found) < values["looks"]:
        return None
    return _finding(SAME_SURNAME, day, [look.id for look in found], looks=len(found))


def surname_parts(surname: str) -> frozenset[str]:
    """The parts of a surname as compared: a double-barrelled name shares either part."""
    return frozenset(part for part in surname.casefold().replace("-", " ").split() if part)


# --- Bursts of denials ---------------------------------------------------------------------


def _denials(day: WorkerDay, values: dict[str, int]) -> Finding | None:
    denied = sorted((look for look in day.looks if look.denied), key=lambda look: look.at)
    window = datetime.timedelta(minutes=values["minutes"])
    best: list[DayLook] = []
    start = 0
    for end, look in enumerate(denied):
        while look.at - denied[start].at > window:
            start += 1
        if end + 1 - start > len(best):
            best = denied[start : end + 1]
    if len(best) < values["denials"]:
        return None
    return _finding(DENIALS, day, [look.id for look in best], denials=len(best))


# --- Many searches, few opens --------------------------------------------------------------


def _searches(day: WorkerDay, values: dict[str, int]) -> Finding | None:
    if len(day.searches) < values["searches"]:
        return None
    opened_at: dict[int, list[datetime.datetime]] = {}
    for look in day.looks:
        if look.client_id is not None:
            opened_at.setdefault(look.client_id, []).append(look.at)
    unopened = [
        search.id
        for search in day.searches
        if not any(at >= search.at for client in search.clients for at in opened_at.get(client, ()))
    ]
    opened = len(day.searches) - len(unopened)
    percent = opened * 100 // len(day.searches)
    if percent > values["opened_percent"]:
        return None
    return _finding(
        SEARCHES, day, unopened, searches=len(day.searches), opened=opened, percent=percent
    )


OUT_OF_HOURS = "out_of_hours"
VOLUME = "volume_above_baseline"
UNSERVED = "client_never_served"
SAME_SURNAME = "same_surname"
DENIALS = "denial_burst"
SEARCHES = "searches_without_opens"

RULES: tuple[Rule, ...] = (
    Rule(
        OUT_OF_HOURS,
        _("Looks out of hours"),
        _(
            "Looks at a client's record in the evening, at night, at a weekend or on a public "
            "holiday that nothing the worker recorded accounts for. Work done out of hours "
            "that leaves its entries or consents is not flagged."
        ),
        (
            Threshold("starts_at", _("working day starts at (hour)"), 7, 0, 23),
            Threshold("ends_at", _("working day ends at (hour)"), 18, 1, 24),
            Threshold("looks", _("unexplained looks out of hours in a day, at least"), 1, 1, 100),
        ),
        _out_of_hours,
    ),
    Rule(
        VOLUME,
        _("Volume far above the worker's own"),
        _(
            "A day on which the worker looked, without a recorded reason, at many times more "
            "clients than on their usual day. Each worker is compared with their own earlier "
            "days, not with others."
        ),
        (
            Threshold("factor", _("times the worker's usual number, at least"), 4, 2, 50),
            Threshold(
                "clients", _("clients with an unexplained look in a day, at least"), 15, 1, 1000
            ),
            Threshold("baseline_days", _("earlier days of work needed for a baseline"), 5, 1, 60),
        ),
        _volume,
    ),
    Rule(
        UNSERVED,
        _("A client the worker has never served"),
        _(
            "A look at a client the worker has not looked at or recorded anything for in the "
            "past year, and that no search by identity code, entry or consent of theirs "
            "accounts for: such as browsing the record of a neighbour. A client referred to "
            "the service in the past 30 days whom no other worker has served yet is new to "
            "every worker and is not counted."
        ),
        (Threshold("clients", _("such clients in a day, at least"), 1, 1, 100),),
        _unserved,
    ),
    Rule(
        SAME_SURNAME,
        _("Same surname as the worker"),
        _(
            "A look at a client who shares the worker's surname, when nothing the worker "
            "recorded accounts for it: a relative's record is not theirs to read."
        ),
        (Threshold("looks", _("such looks in a day, at least"), 1, 1, 100),),
        _same_surname,
    ),
    Rule(
        DENIALS,
        _("A burst of refusals"),
        _(
            "Many looks refused in a short time: trying records one after another to see "
            "which ones open. A refusal now and then is part of ordinary work."
        ),
        (
            Threshold("denials", _("refused looks, at least"), 5, 2, 100),
            Threshold("minutes", _("within minutes"), 30, 1, 480),
        ),
        _denials,
    ),
    Rule(
        SEARCHES,
        _("Many searches, few opened"),
        _(
            "A day of many client searches of which few lead to opening a record found: "
            "searching to see who is a client rather than to serve one."
        ),
        (
            Threshold("searches", _("searches in a day, at least"), 15, 2, 1000),
            Threshold("opened_percent", _("searches followed by a look, at most (%)"), 25, 0, 100),
        ),
        _searches,
    ),
)

RULES_BY_CODE = {rule.code: rule for rule in RULES}

# What each number of a finding's details counts, by its code, as the pages label it.
DETAIL_LABELS: dict[str, Promise] = {
    "looks": _("unexplained looks"),
    "clients": _("clients with an unexplained look"),
    "usual": _("clients on the worker's usual day"),
    "denials": _("refused looks"),
    "searches": _("searches"),
    "opened": _("searches followed by a look"),
    "percent": _("searches followed by a look (%)"),
}
