"""Synthetic case work with planted misuse: what the detection rules are measured against.

`synthetic_year_generate` writes a period of plausible work by a number of case workers, with a
warm-up before it, and plants the fixed scenarios of `SCENARIOS` in the period: for every rule a
misuse it is there to find, and legitimate lookalikes that it must leave alone. The scenarios
were written before any threshold was tuned and are kept fixed: bench/review_rules.py reports
the rules' recall and false alerts against them as regression figures. `national_day_generate`
writes one working day at national scale and the two weeks of work before it, for timing the
nightly screening.

The work, per worker and working day (Finland's public holidays, a summer leave and a few sick
days off): the caseload list in the morning; meetings with the clients whose next meeting is
due, each opened (after a search by identity code, sometimes) and followed by the entry, except
the no-shows; follow-up looks at clients met in the past days; a few searches by name, mostly
followed by a look; now and then a print, a consent, a refused look. Clients come and go from a
caseload. All in working hours. The numbers are assumptions, named below, not observations.

Written by the log's writer of generated history (audit.services.history_load: the looks are
not decided by the policy, and the tree's queue gets the events as every insert does), into a
scratch database: the bench's own, or a test's. Deterministic for a seed.
"""

import datetime
import random
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction

from access.models import User
from access.purposes import Purpose
from access.roles import Role
from audit.actions import Action
from audit.models import AccessEvent
from audit.services import history_load
from clients.identity_code import parse_identity_code
from clients.models import Client, ClientGroup, Municipality, Referral, ServiceLanguage
from demo.clients import FINNISH_FEMALE, FINNISH_LAST, FINNISH_MALE, identity_code
from review import rules
from review.trail import CLIENT_LOOKS

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
ALLOWED = AccessEvent.Decision.ALLOWED
DENIED = AccessEvent.Decision.DENIED
USERNAME_PREFIX = "synthetic-"
ORGANISATION = "Synthetic employment area"
# Where the clients live: Joensuu when the classification is loaded.
MUNICIPALITY = "167"

# --- The assumptions of ordinary work ------------------------------------------------------

CASELOAD = 60
MEETINGS_A_DAY = (3, 6)
# Days from one meeting to the next, and from a no-show to the next try.
MEETING_INTERVAL = (7, 21)
RETRY_INTERVAL = (3, 7)
NO_SHOW = 0.08
IDENTITY_SEARCH_BEFORE_MEETING = 0.45
# A new client's first meeting is found by identity code more often: the referral names them.
IDENTITY_SEARCH_NEW_CLIENT = 0.7
FOLLOW_UPS_A_DAY = (0, 3)
FOLLOW_UP_WITHIN = datetime.timedelta(days=10)
NAME_SEARCHES_A_DAY = (0, 2)
NAME_SEARCH_OPENED = 0.85
PRINTED = 0.03
CONSENT_RECORDED = 0.04
REFUSED_LOOK_A_DAY = 0.02
# Clients leaving a caseload (and as many joining) per working day. A client joins a caseload
# when the labour authority refers them, a few days before their first meeting.
TURNOVER_A_DAY = 4 / 21
REFERRED_BEFORE_JOINING = (0, 4)
FIRST_MEETING_AFTER_JOINING = (1, 5)
SICK_DAYS = 0.03
SUMMER_LEAVE_DAYS = 20
# A common surname for this share of the people, a rarer compound one for the rest: Finland's
# hundred commonest surnames are borne by about a fifth of its people.
COMMON_SURNAME = 0.3
SURNAME_STEMS = (
    "Mäki", "Järvi", "Koski", "Lahti", "Niemi", "Salo", "Vuori", "Ranta", "Kangas", "Lampi",
    "Metsä", "Harju", "Kivi", "Laakso", "Aho", "Pelto", "Suo", "Kallio", "Nurmi", "Valko",
)  # fmt: skip
SURNAME_ENDS = (
    "nen", "lä", "la", "mäki", "aho", "vaara", "järvi", "koski", "niemi", "salo", "lahti",
    "ranta", "korpi",
)  # fmt: skip


@dataclass(slots=True)
class _Event:
    at: datetime.datetime
    actor: int
    action: str
    client: int | None = None
    decision: str = ""
    purpose: str = ""
    reason_codes: tuple[str, ...] = ()
    search_criteria: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    result_count: int | None = None
    target_type: str = ""


@dataclass
class _Worker:
    pk: int
    username: str
    name: str
    surname: str
    caseload: dict[int, datetime.date] = field(default_factory=dict)  # client: next meeting
    new_clients: set[int] = field(default_factory=set)
    entries: dict[int, datetime.datetime] = field(default_factory=dict)  # client: last entry
    touched: set[int] = field(default_factory=set)
    former: list[int] = field(default_factory=list)
    off: set[datetime.date] = field(default_factory=set)


class _World:
    """The workers, the clients and the codes and names that the events need of them."""

    def __init__(self, rng: random.Random, workers: list[_Worker], pool: list[int], codes):
        self.rng = rng
        self.workers = workers
        self.pool = pool  # clients on no caseload yet, in the order they will be taken
        self.codes = codes  # client: identity code
        self.surnames: dict[int, str] = {}  # client: surname, for the searches by name
        self.namesakes: dict[int, int] = {}  # worker: the client with their surname
        self.referrals: list[tuple[int, datetime.date]] = []  # the clients joining, when referred

    def new_client(self) -> int:
        return self.pool.pop()

    def stranger_for(self, worker: _Worker) -> int:
        """A client of another worker's whom `worker` has never looked at."""
        while True:
            other = self.rng.choice(self.workers)
            if other is worker or not other.caseload:
                continue
            client = self.rng.choice(list(other.caseload))
            if client not in worker.touched:
                return client


# --- The scenarios, fixed ------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    code: str
    # The rule that is there to find it; None for a misuse the policy refuses outright.
    rule: str | None
    misuse: bool
    saturday: bool
    # Writes the scenario's events into the worker's day.
    plant: Callable[["_World", _Worker, datetime.date], list[_Event]]
    # A client with the worker's own surname (or own record) is made for it.
    namesake: bool = False


@dataclass
class Planted:
    """One instance of a scenario: whose, on which days, and the ids of its events."""

    scenario: str
    rule: str | None
    misuse: bool
    worker_id: int
    days: tuple[datetime.date, ...]
    event_ids: list[int] = field(default_factory=list)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=HELSINKI)


def _minutes(at: datetime.datetime, minutes: float) -> datetime.datetime:
    return at + datetime.timedelta(minutes=minutes)


def _look(worker: _Worker, client: int, at, *, decision=ALLOWED, reasons=()) -> _Event:
    worker.touched.add(client)
    purpose = Purpose.MEETING if decision == ALLOWED else ""
    return _Event(at, worker.pk, Action.CLIENT_VIEWED, client, decision, purpose, tuple(reasons))


def _entry(worker: _Worker, client: int, at) -> _Event:
    worker.entries[client] = at
    return _Event(at, worker.pk, Action.ENTRY_RECORDED, client, target_type="entries.entry")


def _identity_search(world: _World, worker: _Worker, client: int, at) -> _Event:
    masked = parse_identity_code(world.codes[client]).masked
    return _Event(
        at,
        worker.pk,
        Action.CLIENT_SEARCHED,
        search_criteria={"identity_code": masked},
        details={"clients": [client]},
        result_count=1,
    )


def _name_search(worker: _Worker, clients: list[int], surname: str, at) -> _Event:
    return _Event(
        at,
        worker.pk,
        Action.CLIENT_SEARCHED,
        search_criteria={"last_name": surname},
        details={"clients": clients},
        result_count=len(clients),
    )


def _met(world: _World, worker: _Worker, client: int, at, *, search=True) -> list[_Event]:
    """A meeting that leaves its trail: found by identity code, opened, the entry recorded."""
    found = [_identity_search(world, worker, client, _minutes(at, -2))] if search else []
    return [*found, _look(worker, client, at), _entry(worker, client, _minutes(at, 35))]


def _browses_neighbour(world, worker, day):
    return [_look(worker, world.stranger_for(worker), _at(day, 11, world.rng.randrange(60)))]


def _night_look(world, worker, day):
    """At a former client, or the client longest unmet, with nothing to account for it."""
    quiet_since = _at(day, 0) - datetime.timedelta(days=15)
    former = [c for c in worker.former if worker.entries.get(c, quiet_since) <= quiet_since]
    if former:
        client = former[-1]
    else:
        client = min(worker.caseload, key=lambda c: worker.entries.get(c, quiet_since))
        # No meeting with them in the day after: an entry then would explain the look.
        worker.caseload[client] = max(worker.caseload[client], day + datetime.timedelta(days=3))
    return [_look(worker, client, _at(day, 22, 10 + world.rng.randrange(40)))]


def _relative(world, worker, day):
    return [_look(worker, world.namesakes[worker.pk], _at(day, 13, 20))]


def _probing(world, worker, day):
    start = _at(day, 14, world.rng.randrange(30))
    return [
        _look(
            worker,
            world.stranger_for(worker),
            _minutes(start, 2 * step),
            decision=DENIED,
            reasons=["consent_missing"],
        )
        for step in range(7)
    ]


def _fishing(world, worker, day):
    start = _at(day, 13)
    events = []
    for step in range(20):
        listed = [world.stranger_for(worker) for _ in range(world.rng.randint(1, 4))]
        surname = world.rng.choice(FINNISH_LAST)
        events.append(_name_search(worker, listed, surname, _minutes(start, 3 * step)))
    return events


def _bulk_browsing(world, worker, day):
    start = _at(day, 13)
    # Distinct, in the order drawn: a set's order would follow the ids, which differ between runs.
    strangers = list(dict.fromkeys(world.stranger_for(worker) for _ in range(40)))
    return [_look(worker, client, _minutes(start, step)) for step, client in enumerate(strangers)]


def _own_record(world, worker, day):
    own = world.namesakes[worker.pk]
    return [_look(worker, own, _at(day, 10, 30), decision=DENIED, reasons=["own_record"])]


def _evening_shift(world, worker, day):
    clients = world.rng.sample(sorted(worker.caseload), 3)
    return [
        e
        for hour, c in zip((17, 18, 19), clients, strict=True)
        for e in _met(world, worker, c, _at(day, hour, 30))
    ]


def _saturday_fair(world, worker, day):
    clients = world.rng.sample(sorted(worker.caseload), 4)
    return [
        e for hour, c in enumerate(clients) for e in _met(world, worker, c, _at(day, 10 + hour))
    ]


def _new_client_by_identity_code(world, worker, day):
    client = world.new_client()
    worker.caseload[client] = day + datetime.timedelta(days=7)
    at = _at(day, 10)
    return [_identity_search(world, worker, client, at), _look(worker, client, _minutes(at, 1))]


def _namesake_met(world, worker, day):
    return _met(world, worker, world.namesakes[worker.pk], _at(day, 13, 20))


def _group_session(world, worker, day):
    clients = world.rng.sample(sorted(worker.caseload), min(25, len(worker.caseload)))
    start = _at(day, 9)
    return [
        e
        for step, client in enumerate(clients)
        for e in (
            _look(worker, client, _minutes(start, 5 * step)),
            _entry(worker, client, _minutes(start, 5 * step + 3)),
        )
    ]


def _ordinary_refusals(world, worker, day):
    clients = world.rng.sample(sorted(worker.caseload), 3)
    return [
        _look(worker, c, _at(day, hour, 10), decision=DENIED, reasons=["consent_expired"])
        for hour, c in zip((9, 12, 15), clients, strict=True)
    ]


def _identity_searches_opened(world, worker, day):
    clients = world.rng.sample(sorted(worker.caseload), min(18, len(worker.caseload)))
    start = _at(day, 8, 30)
    return [
        e
        for step, c in enumerate(clients)
        for e in _met(world, worker, c, _minutes(start, 20 * step))
    ]


SCENARIOS: tuple[Scenario, ...] = (
    # Misuse, each with the rule there to find it.
    Scenario("browses_a_neighbour", rules.UNSERVED, True, False, _browses_neighbour),
    Scenario("looks_at_night_unexplained", rules.OUT_OF_HOURS, True, False, _night_look),
    Scenario("looks_up_a_relative", rules.SAME_SURNAME, True, False, _relative, namesake=True),
    Scenario("probes_for_records", rules.DENIALS, True, False, _probing),
    Scenario("fishes_with_searches", rules.SEARCHES, True, False, _fishing),
    Scenario("browses_in_bulk", rules.VOLUME, True, False, _bulk_browsing),
    # Misuse that is no rule's: the policy refuses a worker their own record.
    Scenario("looks_up_own_record", None, True, False, _own_record, namesake=True),
    # Legitimate work that looks like misuse to a rule.
    Scenario("evening_shift_recorded", rules.OUT_OF_HOURS, False, False, _evening_shift),
    Scenario("saturday_job_fair_recorded", rules.OUT_OF_HOURS, False, True, _saturday_fair),
    Scenario(
        "new_client_found_by_identity_code",
        rules.UNSERVED,
        False,
        False,
        _new_client_by_identity_code,
    ),
    Scenario(
        "namesake_met_recorded", rules.SAME_SURNAME, False, False, _namesake_met, namesake=True
    ),
    Scenario("ordinary_refusals", rules.DENIALS, False, False, _ordinary_refusals),
    Scenario(
        "identity_code_searches_opened", rules.SEARCHES, False, False, _identity_searches_opened
    ),
    Scenario("group_session_recorded", rules.VOLUME, False, False, _group_session),
)


# --- What was written ----------------------------------------------------------------------


@dataclass
class SyntheticWork:
    """What a generator wrote: the workers, the measured period and what was planted in it."""

    workers: list[int]
    warm_up_start: datetime.date
    start: datetime.date  # the first measured day
    end: datetime.date  # the day after the last
    events: int
    # The measured days on which a worker looked at or searched for a client.
    worker_days: int
    planted: list[Planted]

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def events_made(self):
        return AccessEvent.objects.filter(actor__in=self.workers)

    def legitimate_events(self):
        misuse = [pk for p in self.planted if p.misuse for pk in p.event_ids]
        return self.events_made().exclude(pk__in=misuse)


def synthetic_year_generate(
    *,
    workers: int,
    start: datetime.date,
    days: int,
    seed: int = 0,
    warm_up_days: int = 60,
    instances: int | None = None,
) -> SyntheticWork:
    """`workers` workers' work from `warm_up_days` before `start` to `days` after it, with
    `instances` of every scenario (by default one per hundred workers, at least one) planted on
    days of the measured period, each on a worker and day of its own where the workers allow."""
    rng = random.Random(seed)  # noqa: S311 - repeatable synthetic data, not a secret
    instances = instances or max(1, workers // 100)
    warm_up_start = start - datetime.timedelta(days=warm_up_days)
    end = start + datetime.timedelta(days=days)
    plan = _plant_plan(rng, workers, start, end, instances)
    return _generate(rng, workers, warm_up_start, start, end, plan)


def national_day_generate(*, day: datetime.date, workers: int, seed: int = 0) -> SyntheticWork:
    """One working day of `workers` workers and the two weeks before it; nothing planted."""
    rng = random.Random(seed)  # noqa: S311 - as above
    end = day + datetime.timedelta(days=1)
    return _generate(rng, workers, day - datetime.timedelta(days=14), day, end, {})


def _plant_plan(rng, workers, start, end, instances) -> dict[tuple[int, datetime.date], Scenario]:
    """Which scenario goes on which worker's day, by the worker's index: as few on one worker
    as the number of workers allows, each on a day of its own, never two on one worker-day."""
    weekdays, saturdays = [], []
    day = start
    while day < end:
        if day.weekday() == 5 and day not in rules.FINNISH_HOLIDAYS:
            saturdays.append(day)
        elif _working_day(day):
            weekdays.append(day)
        day += datetime.timedelta(days=1)
    plan: dict[tuple[int, datetime.date], Scenario] = {}
    index = 0
    for _ in range(instances):
        for scenario in SCENARIOS:
            days = saturdays if scenario.saturday else weekdays
            while True:
                key = (index % workers, rng.choice(days))
                index += 1
                if key not in plan:
                    break
            plan[key] = scenario
    return plan


def _working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in rules.FINNISH_HOLIDAYS


def _generate(rng, count, warm_up_start, start, end, plan) -> SyntheticWork:
    with transaction.atomic():
        world = _world_made(rng, count, warm_up_start, end, plan)
        planted: list[tuple[Planted, list[_Event]]] = []
        events: list[_Event] = []
        day = warm_up_start
        while day < end:
            for index, worker in enumerate(world.workers):
                if _working_day(day) and day not in worker.off:
                    events.extend(_ordinary_day(world, worker, day))
                scenario = plan.get((index, day))
                if scenario is not None:
                    made = scenario.plant(world, worker, day)
                    events.extend(made)
                    instance = Planted(
                        scenario.code, scenario.rule, scenario.misuse, worker.pk, (day,)
                    )
                    planted.append((instance, made))
            day += datetime.timedelta(days=1)
        written = _events_write(events, {w.pk: w for w in world.workers})
        _referrals_write(world.referrals)
        for instance, made in planted:
            instance.event_ids = [written[id(event)] for event in made]
    return SyntheticWork(
        workers=[w.pk for w in world.workers],
        warm_up_start=warm_up_start,
        start=start,
        end=end,
        events=len(events),
        worker_days=_worker_days(events, start),
        planted=[instance for instance, _ in planted],
    )


def _world_made(rng, count, warm_up_start, end, plan) -> _World:
    municipality = (
        Municipality.objects.filter(code=MUNICIPALITY).first()
        or Municipality.objects.order_by("code").first()
    )
    users = User.objects.bulk_create(
        [
            User(
                username=f"{USERNAME_PREFIX}{index:05d}",
                first_name=rng.choice(FINNISH_FEMALE + FINNISH_MALE),
                last_name=_surname(rng),
                organisation=ORGANISATION,
            )
            for index in range(count)
        ]
    )
    # No password: nobody signs in as a synthetic worker (bulk_create calls no save()).
    workers = [_Worker(u.pk, u.username, u.get_full_name(), u.last_name) for u in users]
    namesakes = {index for (index, _), scenario in plan.items() if scenario.namesake}
    total = count * _clients_a_worker(warm_up_start, end)
    clients = Client.objects.bulk_create(
        [_client(rng, number, municipality) for number in range(total)]
        + [
            _client(rng, total + index, municipality, surname=workers[index].surname)
            for index in sorted(namesakes)
        ],
        batch_size=2000,
    )
    codes = {client.pk: client.identity_code for client in clients}
    pool = [client.pk for client in clients[:total]]
    rng.shuffle(pool)
    world = _World(rng, workers, pool, codes)
    world.surnames = {client.pk: client.last_name for client in clients}
    world.namesakes = {
        workers[index].pk: client.pk
        for index, client in zip(sorted(namesakes), clients[total:], strict=True)
    }
    for worker in workers:
        for _ in range(CASELOAD):
            client = world.new_client()
            worker.caseload[client] = warm_up_start + datetime.timedelta(days=rng.randrange(21))
        worker.off = _days_off(rng, warm_up_start, end)
    for index, day in plan:
        workers[index].off.discard(day)  # at work on a planted day
    return world


def _clients_a_worker(first: datetime.date, end: datetime.date) -> int:
    """A caseload, the clients who will join it over the period, and a margin."""
    return CASELOAD + int(TURNOVER_A_DAY * (end - first).days) + 10


def _surname(rng: random.Random) -> str:
    if rng.random() < COMMON_SURNAME:
        return rng.choice(FINNISH_LAST)
    return rng.choice(SURNAME_STEMS) + rng.choice(SURNAME_ENDS)


def _client(rng, number: int, municipality, *, surname: str | None = None) -> Client:
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=number % 14_000)
    return Client(
        identity_code=identity_code(born, "-", 2 + number // 14_000),
        first_names=rng.choice(FINNISH_FEMALE + FINNISH_MALE),
        last_name=surname or _surname(rng),
        home_municipality=municipality,
        mother_tongue="fi",
        service_language=ServiceLanguage.FINNISH,
        source="synthetic",
    )


def _days_off(rng, first: datetime.date, end: datetime.date) -> set[datetime.date]:
    """A summer leave of working days from a week in June to August, and a few sick days."""
    off = set()
    day = first
    while day < end:
        if rng.random() < SICK_DAYS:
            off.add(day)
        day += datetime.timedelta(days=1)
    middle = first + (end - first) / 2  # the summer of the period's year
    leave = datetime.date(middle.year, 6, 1) + datetime.timedelta(days=rng.randrange(60))
    taken = 0
    while taken < SUMMER_LEAVE_DAYS:
        if _working_day(leave):
            off.add(leave)
            taken += 1
        leave += datetime.timedelta(days=1)
    return off


def _ordinary_day(world: _World, worker: _Worker, day: datetime.date) -> list[_Event]:
    rng = world.rng
    start = _at(day, 8, rng.randrange(30))
    events = [_Event(start, worker.pk, Action.CLIENT_LISTED, result_count=len(worker.caseload))]
    events.extend(_meetings(world, worker, day))
    events.extend(_follow_ups(world, worker, day))
    events.extend(_name_searches(world, worker, day))
    if rng.random() < REFUSED_LOOK_A_DAY and worker.caseload:
        client = rng.choice(sorted(worker.caseload))
        at = _at(day, rng.randint(9, 15), rng.randrange(60))
        events.append(_look(worker, client, at, decision=DENIED, reasons=["consent_expired"]))
    if rng.random() < TURNOVER_A_DAY:
        _turnover(world, worker, day)
    return events


def _meetings(world: _World, worker: _Worker, day: datetime.date) -> Iterator[_Event]:
    rng = world.rng
    due = sorted(worker.caseload, key=lambda c: (worker.caseload[c], c))
    for slot, client in enumerate(due[: rng.randint(*MEETINGS_A_DAY)]):
        at = _at(day, 8, 30) + datetime.timedelta(minutes=75 * slot + rng.randrange(20))
        new = client in worker.new_clients
        worker.new_clients.discard(client)
        share = IDENTITY_SEARCH_NEW_CLIENT if new else IDENTITY_SEARCH_BEFORE_MEETING
        if rng.random() < share:
            yield _identity_search(world, worker, client, _minutes(at, -2))
        yield _look(worker, client, at)
        if rng.random() < NO_SHOW:
            worker.caseload[client] = day + datetime.timedelta(days=rng.randint(*RETRY_INTERVAL))
            continue
        if rng.random() < PRINTED:
            yield _Event(
                _minutes(at, 20), worker.pk, Action.CLIENT_PRINTED, client, ALLOWED, Purpose.PLAN
            )
        if rng.random() < CONSENT_RECORDED:
            yield _Event(
                _minutes(at, 10),
                worker.pk,
                Action.CONSENT_RECORDED,
                client,
                target_type="consent.consent",
            )
        yield _entry(worker, client, _minutes(at, 30 + rng.randrange(20)))
        worker.caseload[client] = day + datetime.timedelta(days=rng.randint(*MEETING_INTERVAL))


def _follow_ups(world: _World, worker: _Worker, day: datetime.date) -> Iterator[_Event]:
    rng = world.rng
    since = _at(day, 0) - FOLLOW_UP_WITHIN
    recent = sorted(c for c, at in worker.entries.items() if at >= since and c in worker.caseload)
    for client in rng.sample(recent, min(len(recent), rng.randint(*FOLLOW_UPS_A_DAY))):
        yield _look(worker, client, _at(day, rng.randint(9, 15), rng.randrange(60)))


def _name_searches(world: _World, worker: _Worker, day: datetime.date) -> Iterator[_Event]:
    rng = world.rng
    for _ in range(rng.randint(*NAME_SEARCHES_A_DAY)):
        if not worker.caseload:
            return
        client = rng.choice(sorted(worker.caseload))
        others = [world.stranger_for(worker) for _ in range(rng.randrange(4))]
        at = _at(day, rng.randint(9, 15), rng.randrange(55))
        yield _name_search(worker, [client, *others], world.surnames.get(client, "?"), at)
        if rng.random() < NAME_SEARCH_OPENED:
            yield _look(worker, client, _minutes(at, 1))


def _turnover(world: _World, worker: _Worker, day: datetime.date) -> None:
    """A client leaves the caseload (to work, to another service) and a new one joins."""
    if worker.caseload:
        leaving = world.rng.choice(sorted(worker.caseload))
        del worker.caseload[leaving]
        worker.former.append(leaving)
    if world.pool:
        joining = world.new_client()
        rng = world.rng
        first_meeting = day + datetime.timedelta(days=rng.randint(*FIRST_MEETING_AFTER_JOINING))
        worker.caseload[joining] = first_meeting
        worker.new_clients.add(joining)
        referred = day - datetime.timedelta(days=rng.randint(*REFERRED_BEFORE_JOINING))
        world.referrals.append((joining, referred))


def _events_write(events: list[_Event], workers: dict[int, _Worker]) -> dict[int, int]:
    """Write the events in the order of their time; each event's id, by the event's identity."""
    events.sort(key=lambda event: event.at)
    ids = history_load(_row(event, workers) for event in events)
    return {id(event): pk for event, pk in zip(events, ids, strict=True)}


def _row(event: _Event, workers: dict[int, _Worker]) -> AccessEvent:
    worker = workers[event.actor]
    return AccessEvent(
        occurred_at=event.at,
        actor_id=event.actor,
        actor_username=worker.username,
        actor_name=worker.name,
        actor_roles=[Role.CASE_WORKER.value],
        actor_organisation=ORGANISATION,
        client_id=event.client,
        action=event.action,
        decision=event.decision,
        purpose_code=event.purpose,
        reason_codes=list(event.reason_codes),
        search_criteria=event.search_criteria,
        details=event.details,
        result_count=event.result_count,
        target_type=event.target_type,
        target_id=str(event.client) if event.target_type else "",
        session_hash=f"{worker.username}-{event.at.date()}",
    )


def _referrals_write(referrals: list[tuple[int, datetime.date]]) -> None:
    official, _ = User.objects.get_or_create(
        username=f"{USERNAME_PREFIX}official", defaults={"organisation": ORGANISATION}
    )
    group = ClientGroup.objects.order_by("code").first()
    Referral.objects.bulk_create(
        [
            Referral(
                client_id=client,
                group=group,
                referring_authority=ORGANISATION,
                referred_on=referred_on,
                recorded_by=official,
                source="synthetic",
            )
            for client, referred_on in referrals
        ],
        batch_size=2000,
    )


LOOKS_AND_SEARCHES = frozenset({*CLIENT_LOOKS, Action.CLIENT_SEARCHED})


def _worker_days(events: list[_Event], start: datetime.date) -> int:
    """The measured worker-days as the screening reads them: a look or a search that day."""
    return len(
        {
            (event.actor, event.at.date())
            for event in events
            if event.action in LOOKS_AND_SEARCHES and event.at.date() >= start
        }
    )
