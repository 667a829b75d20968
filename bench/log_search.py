"""How fast the supervisor's log search answers over a synthetic log of 10 M events, on
PostgreSQL, each search against a primary-key lookup measured in the same run.

    .venv/bin/python bench/log_search.py [--events 10000000] [--workers 3000] [--clients 250000]
        [--repetitions 40] [--http-repetitions 30] [--explain] [--keep | --reuse DATABASE]
        [--max-seconds 3600] [--seed 14]

Runs in a PostgreSQL database of its own at 127.0.0.1:5432, `atmt_search_bench_<pid>`, created,
migrated and dropped here (never another database; --keep leaves it for a rerun with --reuse,
which migrates it, building any index a new migration adds, and times it again without loading).

The log (`synthetic_world`, `load_events`): --workers case workers with worker agreements in the
municipalities of the shipped classification, spread as Finland's workers are (a few large towns,
a long tail of small ones; about one in twelve with a second agreement, some with one that has
ended), a few hundred labour officials and access administrators, --clients clients on the
workers' caseloads, and --events events over the past year, on working days and mostly in
working hours, in the order of their time: mostly allowed record views with a purpose, client
searches, caseload lists, prints, about 3 % denials and 1 % consent-request-only views with their
reason codes in a realistic mix (one code or several), case entries, consents and the officials'
intake. The supervisor oversees the four municipalities of the Joensuu region (Joensuu,
Kontiolahti, Liperi, Outokumpu), which hold 3 % of the workers, so they see a few percent of the
events, as the demo's supervisor of Joensuu and Liperi would. The events go in with COPY, with the
table's triggers (the tree's queue, the foreign keys) disabled and its indexes other than the
primary key dropped first and rebuilt after from their own definitions in the catalogue, so the
indexes timed are exactly the migrated ones; then VACUUM ANALYZE, as autovacuum would have left a
year-old table. The Merkle tree's tables stay empty: the search never reads them.

The timing (`time_searches`): through the real code path, `review.search.page_of(matching(
supervisor, criteria))` as the view calls it, --repetitions interleaved rounds, each round the
baseline (one event by primary key through the ORM) and then every search in a rotated order, each
with its own criteria drawn for the round (a random worker of the scope and a month, a random
client seen by the scope, a deep page's id): the first page without criteria, worker + period,
client, a common and a rare reason code, denied, an older page deep into the results, and also
action, purpose and denied deep. Prints min, median and p95 in ms, the p95 as a ratio to the
baseline's p95, and whether the goal (p95 <= 100 ms) is met. Then the same searches through
the view (`GET /access-log/` by Django's test client, signed in as the supervisor, the page
rendered and its own event written), --http-repetitions rounds against a GET of the home page.
--explain prints EXPLAIN (ANALYZE, BUFFERS) of every query of one round. Every step checks
--max-seconds and stops early, saying so. Not part of the test suite.
"""

import argparse
import bisect
import datetime
import hashlib
import itertools
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE_PREFIX = "atmt_search_bench_"
LIMITS = {
    "events": (10_000, 50_000_000),
    "workers": (50, 50_000),
    "clients": (1_000, 5_000_000),
    "repetitions": (5, 1_000),
    "http_repetitions": (0, 1_000),
}
GOAL_MS = 100.0
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
SUPERVISOR = "bench-supervisor"
# The supervisor's municipalities and their rough populations (thousands): their share of the
# workers is SCOPE_SHARE, split among them by population.
SCOPE = {"167": 77, "276": 15, "426": 12, "309": 6}
SCOPE_SHARE = 0.03
OFFICIALS_PER_WORKER = 0.1
ADMINS = 20
COMMON_REASON = "consent_missing"
RARE_REASON = "agreement_missing"
MIDDLE_REASON = "consent_withdrawn"


class Budget:
    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def out(self) -> bool:
        return self.left() <= 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="events in the log")
    parser.add_argument("--workers", type=int, default=3000, help="case workers")
    parser.add_argument("--clients", type=int, default=250_000, help="clients")
    parser.add_argument("--repetitions", type=int, default=40, help="timed rounds, ORM path")
    parser.add_argument("--http-repetitions", type=int, default=30, help="timed rounds, view")
    parser.add_argument("--explain", action="store_true", help="print every query's plan")
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", metavar="DATABASE", help="time a database kept by --keep")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="time budget")
    parser.add_argument("--seed", type=int, default=14, help="seed of the synthetic log")
    args = parser.parse_args()
    for name, (low, high) in LIMITS.items():
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be between {low:,} and {high:,}")
    if args.max_seconds <= 0:
        parser.error("--max-seconds must be positive")
    if args.reuse and not args.reuse.startswith(DATABASE_PREFIX):
        parser.error(f"--reuse takes only a database this bench made ({DATABASE_PREFIX}...)")
    budget = Budget(args.max_seconds)
    database = args.reuse or f"{DATABASE_PREFIX}{os.getpid()}"
    keep = args.keep or bool(args.reuse)
    print(
        f"PostgreSQL database {database}; load average {load_average()} on {os.cpu_count()} CPUs",
        flush=True,
    )
    if not args.reuse:
        _postgres(f'CREATE DATABASE "{database}"')
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as folder:
            set_up_django(database, folder)
            if not args.reuse:
                load(args, budget)
            report_sizes(database)
            time_searches(args, budget)
            print(f"\nwhole run: {time.perf_counter() - started:.0f} s")
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept {database}: rerun with --reuse {database}; drop it with")
            print(f"  psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE \"{database}\"'")
        else:
            _postgres(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return 0


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _postgres(statement: str) -> None:
    import psycopg

    # Only ever the bench's own database: its name is made by this script, or checked above.
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def set_up_django(database: str, folder: str) -> None:
    os.environ |= {
        "DATABASE_URL": f"{POSTGRES_SERVER}/{database}",
        # DEBUG off, as in production: Django keeps no list of the queries run.
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "atmt.settings",
        "LOG_SIGNING_KEY_FILE": str(Path(folder) / "log-signing.key"),
        "LOG_CHECKPOINT_FILE": str(Path(folder) / "log-checkpoints.txt"),
        "LOG_LEVEL": "WARNING",
    }
    sys.path.insert(0, str(PROJECT_ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)


def execute(sql: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


# 1. The synthetic log.

FIRST_NAMES = str.split(
    "Aino Anna Eero Elias Emma Helmi Ilmari Juha Jukka Kaisa Kalle Laura Leena Liisa Matti Mikko "
    "Minna Niko Onni Paula Pekka Riikka Sari Timo Tuula Veera Ville Aleksi Hanna Oskari Mohamed "
    "Fatima Ahmed Olga Dmitri Anastasia Ali Sara Johanna Antti"
)
LAST_NAMES = str.split(
    "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen "
    "Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen "
    "Salo Laitinen Tuominen Rantanen Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen "
    "Kärkkäinen Hyvönen Pesonen Ikonen Räsänen Kettunen Huttunen Ahmed Ivanov Smirnova"
)
PURPOSES = (("meeting", 45), ("plan", 20), ("service", 15), ("referral", 8), ("consent", 7))
WORK_ABILITY_SHARE = 0.05
SECTIONS = '["identity", "contact", "referrals", "service_needs", "consents", "entries"]'
HEALTH_SECTIONS = (
    '["identity", "contact", "referrals", "service_needs", "consents", "entries", "health"]'
)
# Denials name every failing condition: mostly one, sometimes a few. Weights in thousandths.
DENIAL_REASONS = (
    (("consent_missing",), 190),
    (("consent_expired",), 120),
    (("grant_missing",), 120),
    (("grant_out_of_scope",), 100),
    (("purpose_missing",), 80),
    (("referral_missing", "service_need_missing"), 70),
    (("consent_scan_missing",), 60),
    (("consent_withdrawn",), 50),
    (("service_need_missing",), 50),
    (("referral_missing", "consent_missing"), 40),
    (("client_not_found",), 40),
    (("health_scope_missing",), 30),
    (("health_purpose_missing",), 20),
    (("scope_missing",), 16),
    (("authority_missing",), 8),
    (("grant_missing", "agreement_missing"), 3),
    (("item_not_found",), 3),
)
LIMITED_REASONS = (
    (("consent_missing",), 60),
    (("consent_expired",), 25),
    (("consent_withdrawn",), 15),
)
# A case worker's events, weights in thousandths: mostly looks at a record.
WORKER_KINDS = (
    ("viewed", 735),
    ("searched", 85),
    ("listed", 50),
    ("entry_recorded", 48),
    ("denied", 30),
    ("consent_recorded", 12),
    ("printed", 10),
    ("limited", 8),
    ("entry_corrected", 6),
    ("scan_attached", 6),
    ("health_recorded", 3),
    ("exported", 2),
    ("consent_withdrawn", 1),
)
OFFICIAL_KINDS = (
    ("intake_search", 400),
    ("referral_recorded", 250),
    ("service_need_documented", 200),
    ("client_registered", 100),
    ("referral_ended", 50),
)
ADMIN_KINDS = (("grant_approved", 500), ("grant_changed", 200), ("agreement_recorded", 300))


@dataclass
class Actor:
    pk: int
    prefix: str  # the actor's columns of a COPY line, tab-separated
    ip: str
    kinds: tuple
    caseload: Sequence[int]


def synthetic_world(args, rng: random.Random) -> tuple[list[Actor], list[float], int]:
    """Users, agreements, clients and the supervisor; the actors, their activity and the
    number of workers in the supervisor's scope."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from access.models import User, WorkerAgreement
    from access.roles import Role
    from access.scope import OVERSEE
    from clients.models import Municipality

    municipalities = list(Municipality.objects.filter(in_classification=True).order_by("code"))
    weights = municipality_weights(municipalities, rng)
    by_area: dict[str | None, list] = {}
    for municipality in municipalities:
        by_area.setdefault(municipality.employment_area_id, []).append(municipality)
    clients = load_clients(args.clients, municipalities, weights, rng)
    password = make_password(None)

    def staff(prefix: str, count: int, organisation: str) -> list:
        return [
            User(
                username=f"{prefix}{n:05d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                password=password,
                organisation=organisation,
            )
            for n in range(count)
        ]

    workers = staff("worker", args.workers, "")
    homes = rng.choices(municipalities, weights=weights, k=args.workers)
    for worker, home in zip(workers, homes, strict=True):
        worker.organisation = f"{home.name_fi}, työllisyyspalvelut"
    officials = staff("official", max(5, int(args.workers * OFFICIALS_PER_WORKER)), "KEHA-keskus")
    admins = staff("admin", ADMINS, "Työllisyysalue")
    supervisor = User(
        username=SUPERVISOR,
        first_name="Leena",
        last_name="Valvoja",
        password=password,
        organisation="Joensuun seudun työllisyysalue",
    )
    User.objects.bulk_create([*workers, *officials, *admins, supervisor], batch_size=2000)
    group = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    memberships = [
        *(User.groups.through(user_id=w.pk, group_id=group[Role.CASE_WORKER].pk) for w in workers),
        *(
            User.groups.through(user_id=o.pk, group_id=group[Role.LABOUR_OFFICIAL].pk)
            for o in officials
        ),
        *(User.groups.through(user_id=a.pk, group_id=group[Role.ACCESS_ADMIN].pk) for a in admins),
        User.groups.through(user_id=supervisor.pk, group_id=group[Role.SUPERVISOR].pk),
    ]
    User.groups.through.objects.bulk_create(memberships, batch_size=5000)
    for code in SCOPE:
        assign_perm(OVERSEE, supervisor, Municipality.objects.get(code=code))

    agreements, actors = [], []
    today = datetime.date.today()
    for worker, home in zip(workers, homes, strict=True):
        served = [home]
        signed = today - datetime.timedelta(days=rng.randrange(400, 2500))
        agreements.append(
            WorkerAgreement(
                worker=worker,
                municipality=home,
                employment_area=str(home.employment_area_id or ""),
                signed_on=signed,
            )
        )
        roll = rng.random()
        if roll < 0.08:  # a second agreement, mostly in the same employment area
            neighbours = by_area.get(home.employment_area_id, []) if rng.random() < 0.8 else []
            other = rng.choice([m for m in neighbours if m != home] or municipalities)
            served.append(other)
            agreements.append(
                WorkerAgreement(
                    worker=worker,
                    municipality=other,
                    employment_area=str(other.employment_area_id or ""),
                    signed_on=signed,
                )
            )
        elif roll < 0.12:  # an agreement elsewhere, ended before this one
            other = rng.choices(municipalities, weights=weights)[0]
            ended = signed - datetime.timedelta(days=rng.randrange(10, 300))
            agreements.append(
                WorkerAgreement(
                    worker=worker,
                    municipality=other,
                    employment_area=str(other.employment_area_id or ""),
                    signed_on=ended - datetime.timedelta(days=700),
                    ends_at=datetime.datetime.combine(ended, datetime.time(16), tzinfo=HELSINKI),
                )
            )
        size = int(min(400, max(8, rng.lognormvariate(math.log(60), 0.6))))
        caseload = []
        for _ in range(size):
            first, last = clients[(served[0] if rng.random() < 0.7 else rng.choice(served)).pk]
            caseload.append(rng.randrange(first, last))
        actors.append(actor_of(worker, "case_worker", WORKER_KINDS, caseload, rng))
    WorkerAgreement.objects.bulk_create(agreements, batch_size=5000)
    everyone = range(1, args.clients + 1)
    for official in officials:
        actors.append(actor_of(official, "labour_official", OFFICIAL_KINDS, everyone, rng))
    for admin in admins:
        actors.append(actor_of(admin, "access_admin", ADMIN_KINDS, everyone, rng))
    # Activity: case workers vary a lot; the officials make about 6 % of the events and the
    # administrators well under 1 %.
    activity = [rng.lognormvariate(0, 0.7) for _ in workers]
    per_worker = sum(activity) / len(workers)
    activity += [per_worker * 0.06 * len(workers) / len(officials)] * len(officials)
    activity += [per_worker * 0.003 * len(workers) / len(admins)] * len(admins)
    in_scope = {m.pk for m in Municipality.objects.filter(code__in=SCOPE)}
    scoped = {a.worker_id for a in agreements if a.municipality_id in in_scope}
    return actors, activity, len(scoped)


def municipality_weights(municipalities: list, rng: random.Random) -> list[float]:
    """Zipf-like shares in a seeded order for the rest of the country, SCOPE_SHARE for the
    supervisor's municipalities together."""
    others = [m for m in municipalities if m.code not in SCOPE]
    order = list(range(len(others)))
    rng.shuffle(order)
    zipf = {others[rank].code: 1 / (n + 1) for n, rank in enumerate(order)}
    total = sum(zipf.values())
    population = sum(SCOPE.values())
    return [
        SCOPE_SHARE * SCOPE[m.code] / population
        if m.code in SCOPE
        else (1 - SCOPE_SHARE) * zipf[m.code] / total
        for m in municipalities
    ]


def actor_of(user, role: str, kinds, caseload, rng: random.Random) -> Actor:
    name = f"{user.first_name} {user.last_name}"
    roles = json.dumps([role])
    prefix = f"{user.pk}\t{user.username}\t{name}\t{roles}\t{user.organisation}"
    ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    return Actor(pk=user.pk, prefix=prefix, ip=ip, kinds=kinds, caseload=caseload)


def load_clients(count: int, municipalities: list, weights: list[float], rng: random.Random):
    """`count` clients with valid identity codes, by COPY; each municipality's id range."""
    from django.db import connection

    from tests.factories import identity_code_for

    total = sum(weights)
    ranges, next_id = {}, 1
    lines = []
    for municipality, weight in zip(municipalities, weights, strict=True):
        share = max(1, round(count * weight / total))
        ranges[municipality.pk] = (next_id, next_id + share)
        for pk in range(next_id, next_id + share):
            born = datetime.date(1960, 1, 1) + datetime.timedelta(days=pk % 17_000)
            code = identity_code_for(born, 2 + pk // 17_000)
            lines.append(
                f"{pk}\t{code}\t{rng.choice(FIRST_NAMES)}\t{rng.choice(LAST_NAMES)}\t\t\t\t\t\t"
                f"{municipality.pk}\tfi\tfi\t2024-01-01 08:00:00+00\t\\N\tbench\n"
            )
        next_id += share
    with (
        connection.cursor() as wrapper,
        wrapper.cursor.copy(
            "COPY clients_client (id, identity_code, first_names, last_name, email, phone, "
            "street_address, postal_code, post_office, home_municipality_id, mother_tongue, "
            "service_language, recorded_at, recorded_by_id, source) FROM STDIN"
        ) as copy,
    ):
        copy.write("".join(lines))
    execute("SELECT setval(pg_get_serial_sequence('clients_client', 'id'), %s)", [next_id])
    execute("ANALYZE clients_client")
    return ranges


def days_of_the_year(rng: random.Random) -> list[tuple[datetime.date, float]]:
    """The 365 days before today, each with its weight: working days, a quiet July, holidays."""
    today = datetime.date.today()
    days = []
    for back in range(365, 0, -1):
        day = today - datetime.timedelta(days=back)
        weight = {5: 0.03, 6: 0.015}.get(day.weekday(), 1.0)
        if day.month == 7:
            weight *= 0.45
        if (day.month, day.day) in {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1), (1, 6)}:
            weight *= 0.05
        days.append((day, weight * rng.uniform(0.9, 1.1)))
    return days


def seconds_into_the_day(rng: random.Random) -> float:
    """Mostly working hours, centred before noon; a few early or late."""
    if rng.random() < 0.04:
        return rng.uniform(6, 8) * 3600 if rng.random() < 0.3 else rng.uniform(16.5, 22) * 3600
    return min(17.5, max(7.5, rng.gauss(11.5, 2.2))) * 3600


class EventLines:
    """COPY lines of the events, one kind of event each; counts what it wrote."""

    def __init__(self, rng: random.Random, clients: int):
        self.rng = rng
        self.clients = clients
        self.counts: dict[str, int] = {}
        self.target = itertools.count(1)
        purposes, weights = zip(*PURPOSES, strict=True)
        self.purposes = rng.choices(purposes, weights=weights, k=4096)
        self.denials = self._mix(DENIAL_REASONS)
        self.limits = self._mix(LIMITED_REASONS)

    def _mix(self, table) -> list[tuple[str, tuple]]:
        reasons, weights = zip(*table, strict=True)
        return [
            (json.dumps(list(r)), r) for r in self.rng.choices(reasons, weights=weights, k=8192)
        ]

    def line(self, pk: int, when: str, actor: Actor, session: str, kind: str, ids: str) -> str:
        rng = self.rng
        caseload = actor.caseload
        client = caseload[int(rng.random() ** 1.6 * len(caseload))]
        event_id, request_id, decision_id = ids[:32], ids[32:64], ids[64:96]
        self.counts[kind] = self.counts.get(kind, 0) + 1
        # id, event_id, occurred_at, actor (5 columns), then the event's own columns up to the
        # request's: client_id, requested_client_ref, action, target_type, target_id, details,
        # sections, purpose_code, purpose_text, decision, reason_codes, basis, decision_id,
        # policy_version, search_criteria, result_count.
        head = f"{pk}\t{event_id}\t{when}\t{actor.prefix}\t"
        tail = f"\t{request_id}\t{session}\t{actor.ip}\n"
        if kind in {"viewed", "printed", "exported"}:
            action = {"viewed": "viewed", "printed": "printed", "exported": "exported"}[kind]
            health = rng.random() < WORK_ABILITY_SHARE
            purpose = "work_ability" if health else self.purposes[pk & 4095]
            note = "Tapaaminen sovittu puhelimessa" if pk % 11 == 0 else ""
            basis = (
                f'{{"referral": {client * 2}, "service_need": {client * 3}, "consent": '
                f'{client * 2 + 1}, "agreement": {actor.pk}, "grant": {actor.pk * 3}}}'
            )
            body = (
                f"{client}\t\tatmt.client.{action}\t\t\t{{}}\t"
                f"{HEALTH_SECTIONS if health else SECTIONS}\t{purpose}\t{note}\tallowed\t[]\t"
                f"{basis}\t{decision_id}\t2026-1\t{{}}\t\\N"
            )
        elif kind in {"denied", "limited"}:
            reasons, codes = (self.denials if kind == "denied" else self.limits)[pk & 8191]
            for code in codes:
                self.counts[f"reason {code}"] = self.counts.get(f"reason {code}", 0) + 1
            if codes == ("client_not_found",):
                body = (
                    f"\\N\t{rng.randrange(1, 10**6)}\tatmt.client.viewed\t\t\t{{}}\t[]\t\t\t"
                    f"denied\t{reasons}\t{{}}\t\\N\t\t{{}}\t\\N"
                )
            else:
                sections = '["consent_request"]' if kind == "limited" else "[]"
                purpose = self.purposes[pk & 4095]
                basis = f'{{"referral": {client * 2}, "agreement": {actor.pk}}}'
                body = (
                    f"{client}\t\tatmt.client.viewed\t\t\t{{}}\t{sections}\t{purpose}\t\t"
                    f"{kind}\t{reasons}\t{basis}\t{decision_id}\t2026-1\t{{}}\t\\N"
                )
        elif kind == "searched":
            found = [caseload[rng.randrange(len(caseload))] for _ in range(rng.randrange(0, 4))]
            criteria = f'{{"last_name": "{LAST_NAMES[pk % len(LAST_NAMES)]}", "first_names": ""}}'
            body = (
                f"\\N\t\tatmt.client.searched\t\t\t{json.dumps({'clients': found})}\t[]\t\t\t"
                f"allowed\t[]\t{{}}\t\\N\t\t{criteria}\t{len(found)}"
            )
        elif kind == "listed":
            listed = caseload[:40]
            body = (
                f"\\N\t\tatmt.client.listed\t\t\t{json.dumps({'clients': listed})}\t[]\t\t\t"
                f"allowed\t[]\t{{}}\t\\N\t\t{{}}\t{len(listed)}"
            )
        elif kind == "intake_search":
            found = rng.randrange(1, self.clients + 1)
            body = (
                f"\\N\t\tatmt.client.searched\t\t\t"
                f'{{"clients": [{found}], "intake": true}}\t[]\t\t\tallowed\t[]\t{{}}\t\\N\t\t'
                f'{{"identity_code": "010190-***X"}}\t1'
            )
        else:
            action, target_type, details = CHANGES[kind]
            target = next(self.target)
            body = (
                f"{client}\t\t{action}\t{target_type}\t{target}\t{details}\t[]\t\t\t\t[]\t{{}}\t"
                f"\\N\t\t{{}}\t\\N"
            )
        return head + body + tail


CHANGES = {
    "entry_recorded": ("atmt.entry.recorded", "entries.caseentryversion", '{"version": 1}'),
    "entry_corrected": ("atmt.entry.corrected", "entries.caseentryversion", '{"version": 2}'),
    "consent_recorded": ("atmt.consent.recorded", "consent.consent", "{}"),
    "scan_attached": ("atmt.consent.scan_attached", "consent.consent", "{}"),
    "consent_withdrawn": ("atmt.consent.withdrawn", "consent.consent", '{"channel": "meeting"}'),
    "health_recorded": ("atmt.health_item.recorded", "health.healthitem", "{}"),
    "referral_recorded": ("atmt.referral.recorded", "clients.referral", "{}"),
    "referral_ended": ("atmt.referral.ended", "clients.referral", "{}"),
    "service_need_documented": ("atmt.service_need.documented", "clients.serviceneed", "{}"),
    "client_registered": ("atmt.client.registered", "clients.client", "{}"),
    "grant_approved": ("atmt.grant.approved", "access.accessgrant", "{}"),
    "grant_changed": ("atmt.grant.changed", "access.accessgrant", "{}"),
    "agreement_recorded": ("atmt.agreement.recorded", "access.workeragreement", "{}"),
}
COLUMNS = (
    "id, event_id, occurred_at, actor_id, actor_username, actor_name, actor_roles, "
    "actor_organisation, client_id, requested_client_ref, action, target_type, target_id, "
    "details, sections, purpose_code, purpose_text, decision, reason_codes, basis, decision_id, "
    "policy_version, search_criteria, result_count, request_id, session_hash, ip_address"
)


def load(args, budget: Budget) -> None:
    started = time.perf_counter()
    rng = random.Random(args.seed)  # noqa: S311 (a synthetic log, not a secret)
    actors, activity, scoped = synthetic_world(args, rng)
    print(
        f"world: {args.workers:,} case workers ({scoped} in the supervisor's scope of "
        f"{len(SCOPE)} municipalities), {len(actors) - args.workers:,} officials and "
        f"administrators, {args.clients:,} clients, in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    loaded, seconds, counts, stopped = load_events(args.events, actors, activity, rng, args, budget)
    print(
        f"events: {loaded:,} in {seconds:.0f} s ({loaded / seconds:,.0f}/s, COPY and the index "
        "rebuild, VACUUM ANALYZE included)"
        + (" -- stopped early: --max-seconds" if stopped else "")
    )
    looks = sum(counts.get(k, 0) for k in ("viewed", "printed", "exported", "denied", "limited"))
    print(
        "  mix: "
        + ", ".join(
            f"{kind} {100 * counts[kind] / loaded:.1f} %"
            for kind in sorted(counts, key=counts.get, reverse=True)  # type: ignore[arg-type]
            if not kind.startswith("reason ")
        )
    )
    print(
        f"  denied {100 * counts.get('denied', 0) / max(1, looks):.1f} % of the record looks; "
        f"reason {COMMON_REASON}: {counts.get('reason ' + COMMON_REASON, 0):,} events, "
        f"{RARE_REASON}: {counts.get('reason ' + RARE_REASON, 0):,}",
        flush=True,
    )


def load_events(total, actors, activity, rng, args, budget: Budget):
    """`total` events in time order by COPY, day by day; the table's indexes rebuilt after."""
    from django.db import connection, transaction

    started = time.perf_counter()
    days = days_of_the_year(rng)
    day_weights = sum(weight for _, weight in days)
    lines = EventLines(rng, args.clients)
    cumulative = list(itertools.accumulate(activity))
    kind_tables = {
        id(table): (list(k for k, _ in table), list(itertools.accumulate(w for _, w in table)))
        for table in (WORKER_KINDS, OFFICIAL_KINDS, ADMIN_KINDS)
    }
    pk, stopped = 0, False
    with transaction.atomic():
        indexes = drop_indexes()
        execute("ALTER TABLE audit_accessevent DISABLE TRIGGER ALL")
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            for number, (day, weight) in enumerate(days):
                # The load gets two thirds of the budget; the rebuild and the timing the rest.
                if budget.left() < args.max_seconds / 3:
                    stopped = True
                    break
                count = round(total * weight / day_weights) if number < len(days) - 1 else 0
                count = count or total - pk
                midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=HELSINKI)
                base = midnight.timestamp()
                moments = sorted(seconds_into_the_day(rng) for _ in range(count))
                who = rng.choices(range(len(actors)), cum_weights=cumulative, k=count)
                ids = os.urandom(48 * count).hex()
                sessions: dict[int, str] = {}
                chunk = []
                for n, (moment, index) in enumerate(zip(moments, who, strict=True)):
                    actor = actors[index]
                    names, weights = kind_tables[id(actor.kinds)]
                    kind = names[bisect.bisect(weights, rng.random() * weights[-1])]
                    session = sessions.get(index)
                    if session is None:
                        session = hashlib.sha256(f"{actor.pk}:{day}".encode()).hexdigest()
                        sessions[index] = session
                    pk += 1
                    when = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(base + moment))
                    chunk.append(
                        lines.line(pk, when, actor, session, kind, ids[96 * n : 96 * n + 96])
                    )
                with cursor.copy(f"COPY audit_accessevent ({COLUMNS}) FROM STDIN") as copy:
                    copy.write("".join(chunk))
                if number % 30 == 29:
                    print(
                        f"  {pk:,} events to {day} in {time.perf_counter() - started:.0f} s",
                        flush=True,
                    )
        copied = time.perf_counter() - started
        execute("ALTER TABLE audit_accessevent ENABLE TRIGGER ALL")
        execute("SELECT setval(pg_get_serial_sequence('audit_accessevent', 'id'), %s)", [pk])
        execute("SET LOCAL maintenance_work_mem = '1GB'")
        rebuilt = time.perf_counter()
        for statement in indexes:
            execute(statement)
        rebuilt = time.perf_counter() - rebuilt
    vacuumed = time.perf_counter()
    execute("VACUUM ANALYZE")
    vacuumed = time.perf_counter() - vacuumed
    seconds = time.perf_counter() - started
    print(
        f"  COPY {copied:.0f} s, {len(indexes)} indexes rebuilt {rebuilt:.0f} s, "
        f"VACUUM ANALYZE {vacuumed:.0f} s"
    )
    return pk, seconds, lines.counts, stopped


def drop_indexes() -> list[str]:
    """Drop the event table's indexes but its primary key; the statements that remake them."""
    rows = execute(
        "SELECT i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
        "WHERE x.indrelid = 'audit_accessevent'::regclass AND NOT x.indisprimary"
    )
    remake = []
    for index, definition, constraint, constraint_definition in rows:
        if constraint:
            execute(f'ALTER TABLE audit_accessevent DROP CONSTRAINT "{constraint}"')
            remake.append(
                f'ALTER TABLE audit_accessevent ADD CONSTRAINT "{constraint}" '
                f"{constraint_definition}"
            )
        else:
            execute(f'DROP INDEX "{index}"')
            remake.append(definition)
    return remake


def report_sizes(database: str) -> None:
    [(size, table, events)] = execute(
        "SELECT pg_size_pretty(pg_database_size(%s)), "
        "pg_size_pretty(pg_relation_size('audit_accessevent')), count(*) "
        "FROM (SELECT 1 FROM audit_accessevent LIMIT 100000000) AS e",
        [database],
    )
    print(
        f"disk: the database {size}; the event table {table} ({events:,} events) and its indexes:"
    )
    for name, definition, bytes_ in execute(
        "SELECT i.relname, pg_get_indexdef(i.oid), pg_size_pretty(pg_relation_size(i.oid)) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = 'audit_accessevent'::regclass ORDER BY i.relname"
    ):
        print(f"  {bytes_:>8}  {name}: {definition.split(' USING ')[1]}")


# 2. The timing.


@dataclass(frozen=True)
class Search:
    name: str
    criteria: object  # review.search.Criteria
    before: int | None = None
    goal: bool = True  # one of the searches, held to GOAL_MS


def searches_of_round(supervisor, rng: random.Random, scope: dict) -> list[Search]:
    """Every search of one round, each with its own criteria drawn for the round."""
    from review.search import Criteria

    worker = rng.choice(scope["workers"])
    start = scope["first_day"] + datetime.timedelta(days=rng.randrange(scope["days"] - 30))
    return [
        Search("first page, no criteria", Criteria()),
        Search(
            "worker + period (a month)",
            Criteria(worker=worker, period_from=start, period_to=start + datetime.timedelta(30)),
        ),
        Search("client", Criteria(client=client_seen_by_scope(supervisor, rng, scope))),
        Search(f"reason, common ({COMMON_REASON})", Criteria(reason=COMMON_REASON)),
        Search(f"reason, rare ({RARE_REASON})", Criteria(reason=RARE_REASON)),
        Search("decision denied", Criteria(decision="denied")),
        Search("older page, deep", Criteria(), before=deep_id(rng, scope)),
        Search("worker, no period", Criteria(worker=worker), goal=False),
        Search(f"reason, between ({MIDDLE_REASON})", Criteria(reason=MIDDLE_REASON), goal=False),
        Search("action: caseload listed", Criteria(action="atmt.client.listed"), goal=False),
        Search("purpose: work ability", Criteria(purpose="work_ability"), goal=False),
        Search("denied, older page deep", Criteria(decision="denied"), deep_id(rng, scope), False),
    ]


def deep_id(rng: random.Random, scope: dict) -> int:
    """An id in the oldest tenth of the log: a page a long way down the results."""
    return rng.randrange(scope["first_id"], scope["first_id"] + scope["span"] // 10)


def client_seen_by_scope(supervisor, rng: random.Random, scope: dict):
    """A client of an event in scope at a random place in the log."""
    from clients.models import Client
    from review.selectors import events_in_scope_of

    below = rng.randrange(scope["first_id"], scope["first_id"] + scope["span"])
    client_id = (
        events_in_scope_of(supervisor)
        .filter(id__lt=below, client__isnull=False)
        .order_by("-id")
        .values_list("client_id", flat=True)
        .first()
    )
    return Client.objects.get(pk=client_id)


def the_scope(supervisor) -> dict:
    from django.db.models import Max, Min
    from django.utils import timezone

    from audit.models import AccessEvent
    from review.selectors import workers_overseen_by

    edges = AccessEvent.objects.aggregate(
        first=Min("id"), last=Max("id"), since=Min("occurred_at"), until=Max("occurred_at")
    )
    first_day = timezone.localdate(edges["since"])
    return {
        "workers": list(workers_overseen_by(supervisor).order_by("pk")),
        "first_id": edges["first"],
        "span": edges["last"] - edges["first"] + 1,
        "first_day": first_day,
        "days": max(31, (timezone.localdate(edges["until"]) - first_day).days + 1),
    }


def time_searches(args, budget: Budget) -> None:
    from access.models import User
    from audit.models import AccessEvent
    from review.search import matching, page_of

    supervisor = User.objects.get(username=SUPERVISOR)
    scope = the_scope(supervisor)
    rng = random.Random(args.seed + 1)  # noqa: S311 (which searches, not a secret)
    print(
        f"\nsearches (load average {load_average()}): {len(scope['workers'])} workers in scope, "
        f"{scope['span']:,} ids, {args.repetitions} interleaved rounds",
        flush=True,
    )

    def baseline() -> None:
        pk = rng.randrange(scope["first_id"], scope["first_id"] + scope["span"])
        AccessEvent.objects.filter(pk=pk).first()

    def search(case: Search) -> None:
        page_of(matching(supervisor, case.criteria), before=case.before)

    def draw() -> list[Search]:
        return searches_of_round(supervisor, rng, scope)

    if args.explain:
        explain_round(draw(), search)
    for warm in draw():  # warm the plans and the caches
        search(warm)
    timings, goals = interleaved(args.repetitions, budget, baseline, search, draw)
    print_table(timings, goals, "primary-key lookup of one event (ORM)")
    if args.http_repetitions and not budget.out():
        time_view(args, budget, supervisor, rng, scope)


def interleaved(
    rounds: int, budget: Budget, baseline, run, draw, prepare=lambda case: case
) -> tuple[dict[str, list[float]], dict[str, bool]]:
    """`rounds` rounds of the baseline and every search of `draw()`, the searches' order rotated
    by round; `prepare` turns a search into what `run` takes, untimed. Seconds by name, and
    which names are held to the goal."""
    timings: dict[str, list[float]] = {"baseline": []}
    goals: dict[str, bool] = {}
    for number in range(rounds):
        if budget.out():
            print(f"  stopped after {number} rounds: --max-seconds spent")
            break
        cases = draw()
        shift = number % len(cases)
        started = time.perf_counter()
        baseline()
        timings["baseline"].append(time.perf_counter() - started)
        for case in cases[shift:] + cases[:shift]:
            prepared = prepare(case)
            started = time.perf_counter()
            run(prepared)
            timings.setdefault(case.name, []).append(time.perf_counter() - started)
            goals[case.name] = case.goal
    return timings, goals


def print_table(timings: dict[str, list[float]], goals: dict[str, bool], baseline: str) -> None:
    base = timings["baseline"]
    if not base:
        return
    base_p95 = p95(base)
    print(f"  {'search':<38} {'min':>7} {'median':>7} {'p95':>7}  {'p95/base':>8}  goal")
    print(
        f"  {'baseline: ' + baseline:<38} {1000 * min(base):7.2f} "
        f"{1000 * statistics.median(base):7.2f} {1000 * base_p95:7.2f}  {1:8.1f}"
    )
    order = [name for name in goals if goals[name]] + [name for name in goals if not goals[name]]
    for name in order:
        seconds = timings[name]
        verdict = ("met" if 1000 * p95(seconds) <= GOAL_MS else "MISSED") if goals[name] else ""
        print(
            f"  {name:<38} {1000 * min(seconds):7.2f} {1000 * statistics.median(seconds):7.2f} "
            f"{1000 * p95(seconds):7.2f}  {p95(seconds) / base_p95:8.1f}  {verdict}"
        )
    print(f"  ms; goal p95 <= {GOAL_MS:.0f} ms; load average {load_average()}", flush=True)


def p95(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def explain_round(cases: list[Search], run) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every query each search runs, as it ran it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for case in cases:
        with CaptureQueriesContext(connection) as queries:
            run(case)
        print(f"\n== {case.name}")
        for query in queries.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            plan = execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            print("\n".join(line for (line,) in plan))
            print("--")


def time_view(args, budget: Budget, supervisor, rng: random.Random, scope: dict) -> None:
    """The same searches through GET /access-log/, page rendered and its event written."""
    from tests.sign_in import SignedInClient

    browser = SignedInClient()
    browser.force_login(supervisor)

    def baseline() -> None:
        browser.get("/")

    def search(url: str) -> None:
        response = browser.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")

    def draw() -> list[Search]:
        return searches_of_round(supervisor, rng, scope)

    print(
        f"\nthe view, GET /access-log/ (load average {load_average()}): "
        f"{args.http_repetitions} interleaved rounds",
        flush=True,
    )
    for warm in draw():
        search(url_of(warm, browser))
    timings, goals = interleaved(
        args.http_repetitions, budget, baseline, search, draw, lambda case: url_of(case, browser)
    )
    print_table(timings, goals, "GET / (home page)")


def url_of(case: Search, browser) -> str:
    """The search's address; a client is named once by a POST, as the form does (untimed)."""
    from django.utils.http import urlencode

    criteria = case.criteria
    if criteria.client is not None:
        posted = browser.post("/access-log/", {"identity_code": criteria.client.identity_code})
        return posted.url
    values = {
        "worker": criteria.worker.pk if criteria.worker else "",
        "period_from": criteria.period_from.isoformat() if criteria.period_from else "",
        "period_to": criteria.period_to.isoformat() if criteria.period_to else "",
        "action": criteria.action,
        "decision": criteria.decision,
        "reason": criteria.reason,
        "purpose": criteria.purpose,
        "before": case.before or "",
    }
    return f"/access-log/?{urlencode({k: v for k, v in values.items() if v})}"


if __name__ == "__main__":
    sys.exit(main())
