"""The detection rules on a synthetic year with planted misuse, and the nightly screening of one
day at national scale, each against a baseline measured in the same run.

    .venv/bin/python bench/review_rules.py [--sections year,national] [--workers 300]
        [--days 365] [--warm-up-days 60] [--instances N] [--national-workers 13500] [--seed 0]
        [--rounds 3] [--max-seconds 3600]

Runs in fresh PostgreSQL databases at 127.0.0.1:5432, `atmt_review_rules_bench_<pid>_<section>`,
created, migrated and dropped here (never another database), with DEBUG off.

* year: `demo.synthetic_year.synthetic_year_generate` writes --workers workers' --days of work,
  after a warm-up of --warm-up-days, with --instances of each planted scenario (by default one per
  hundred workers) of `demo.synthetic_year.SCENARIOS` (written before any threshold was tuned, and
  kept fixed); every day, the warm-up's first, is then screened in order with every rule at its
  defaults, as the nightly task does. Only the days after the warm-up are counted: on the warm-up's,
  every worker is new to every client and has no baseline, as on a system's first day. Prints, per
  rule, the recall on its planted scenarios (an instance is found when the rule alerts for its
  worker on one of its days) and its false alerts per 100 worker-days (alerts on no planted misuse
  of that worker and day); the lookalike scenarios' alerts; the share of the legitimate looks that
  their workers' trail explains; the screening's rate against reading the same looks alone. Goals:
  100 % recall on every planted fixed-rule scenario, at most 1 false alert per 100 worker-days, at
  least 90 % of legitimate looks explained.
* national: `demo.synthetic_year.national_day_generate` writes one working day at national
  scale (about 200,000 events by --national-workers workers) and the two weeks before it; the
  day is screened --rounds times (the first keeps the day's numbers and alerts, the next find
  them known), against reading the day's looks and searches alone in the same run. Goal: one day
  in at most 60 s.

Prints the figures, the load average, and how to rerun; not part of the test suite.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
SECTIONS = ("year", "national")
# The planted year starts on a Monday well in the past, so every day of it is due.
YEAR_START = datetime.date(2025, 1, 6)
# The national day: a Wednesday without a public holiday near it.
NATIONAL_DAY = datetime.date(2025, 11, 5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--warm-up-days", type=int, default=60)
    parser.add_argument("--instances", type=int, default=0)
    parser.add_argument("--national-workers", type=int, default=13_500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-seconds", type=int, default=3600)
    args = parser.parse_args()
    if not (10 <= args.workers <= 2000 and 30 <= args.days <= 366):
        parser.error("--workers 10..2000, --days 30..366")
    if not (14 <= args.warm_up_days <= 120 and 0 <= args.instances <= 50):
        parser.error("--warm-up-days 14..120, --instances 0..50")
    if not (100 <= args.national_workers <= 30_000 and 1 <= args.rounds <= 10):
        parser.error("--national-workers 100..30000, --rounds 1..10")
    sections = [s for s in args.sections.split(",") if s]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    deadline = time.monotonic() + args.max_seconds
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print(f"rerun: .venv/bin/python bench/review_rules.py {' '.join(sys.argv[1:])}".rstrip())
    with tempfile.TemporaryDirectory() as folder:
        for section in sections:
            if time.monotonic() > deadline:
                print(f"\n{section}: skipped, --max-seconds spent")
                continue
            print(f"\n{section} (load average {os.getloadavg()[0]:.2f}):", flush=True)
            with scratch_database(section, folder):
                globals()[section](args)
    return 0


class scratch_database:
    """A fresh database for one section, migrated, dropped afterwards whatever happens."""

    def __init__(self, section: str, folder: str):
        self.name = f"atmt_review_rules_bench_{os.getpid()}_{section}"
        self.folder = folder

    def __enter__(self):
        _postgres(f'CREATE DATABASE "{self.name}"')
        set_up_django(self.name, self.folder)
        return self

    def __exit__(self, *exc):
        from django.db import connections

        connections.close_all()
        _postgres(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _postgres(statement: str) -> None:
    import psycopg

    # Only ever the bench's own databases: their names are made by this script.
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


_django_ready = False


def set_up_django(database: str, folder: str) -> None:
    global _django_ready
    os.environ |= {
        "DATABASE_URL": f"{POSTGRES_SERVER}/{database}",
        "DEBUG": "0",  # as in production: Django keeps no list of the queries run
        "DJANGO_SETTINGS_MODULE": "atmt.settings",
        "LOG_SIGNING_KEY_FILE": str(Path(folder) / "log-signing.key"),
        "LOG_CHECKPOINT_FILE": str(Path(folder) / "log-checkpoints.txt"),
        "LOG_LEVEL": "WARNING",
    }
    if not _django_ready:
        sys.path.insert(0, str(PROJECT_ROOT))
        import django

        django.setup()
        _django_ready = True
    else:
        from django.db import connections

        connections.close_all()
        connections["default"].settings_dict["NAME"] = database
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def every_rule_at_its_defaults() -> dict:
    from review.rules import RULES

    return {rule.code: rule.defaults() for rule in RULES}


# --- The planted year ----------------------------------------------------------------------


def year(args) -> None:
    from demo.synthetic_year import synthetic_year_generate
    from review.models import Alert
    from review.rules import RULES
    from review.screening import screening_run

    started = time.perf_counter()
    made = synthetic_year_generate(
        workers=args.workers,
        start=YEAR_START,
        days=args.days,
        seed=args.seed,
        warm_up_days=args.warm_up_days,
        instances=args.instances or None,
    )
    print(
        f"  generated {made.events:,} events of {len(made.workers)} workers over "
        f"{args.warm_up_days} days of warm-up and {made.days} days counted "
        f"({made.worker_days:,} worker-days) in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    rules = every_rule_at_its_defaults()
    day, last = made.warm_up_start, made.end - datetime.timedelta(days=1)
    screening_seconds, looks = 0.0, 0
    while day <= last:
        started = time.perf_counter()
        run = screening_run(day=day, rules=rules)
        screening_seconds += time.perf_counter() - started
        looks += run.looks_read
        day += datetime.timedelta(days=1)
    reading = _reading_seconds(made.warm_up_start, last)
    print(
        f"  screened {(made.end - made.warm_up_start).days} days, {looks:,} looks: "
        f"{looks / screening_seconds:,.0f} looks/s "
        f"({screening_seconds:.1f} s); reading them alone {looks / reading:,.0f}/s; "
        f"ratio {screening_seconds / reading:.1f}x"
    )

    counted = Alert.objects.filter(day__gte=made.start)
    alerts = list(counted.values_list("rule", "worker_id", "day"))
    alerted = set(alerts)
    misuse_days = {(p.worker_id, d) for p in made.planted if p.misuse for d in p.days}
    print(f"\n  {'rule':<24} {'recall':>14} {'false alerts':>13} {'per 100 worker-days':>20}")
    total_false = 0
    for rule in RULES:
        planted = [p for p in made.planted if p.rule == rule.code and p.misuse]
        found = [p for p in planted if any((rule.code, p.worker_id, d) in alerted for d in p.days)]
        false = [a for a in alerts if a[0] == rule.code and (a[1], a[2]) not in misuse_days]
        total_false += len(false)
        recall = f"{len(found)}/{len(planted)} ({100 * len(found) / max(len(planted), 1):.0f} %)"
        per_100 = 100 * len(false) / made.worker_days
        print(f"  {rule.code:<24} {recall:>14} {len(false):>13} {per_100:>20.2f}")
    print(
        f"  {'all rules':<24} {'':>14} {total_false:>13} "
        f"{100 * total_false / made.worker_days:>20.2f}"
    )

    lookalike_alerts = defaultdict(int)
    for p in made.planted:
        if p.misuse:
            continue
        for a in alerts:
            if a[1] == p.worker_id and a[2] in p.days:
                lookalike_alerts[p.scenario] += 1
    print("\n  lookalike scenarios (legitimate; alerts on their days, any rule):")
    for scenario in sorted({p.scenario for p in made.planted if not p.misuse}):
        print(f"    {scenario:<40} {lookalike_alerts[scenario]}")
    for scenario in sorted({p.scenario for p in made.planted if p.misuse and p.rule is None}):
        count = sum(1 for p in made.planted if p.scenario == scenario)
        print(f"  refused by the policy, not a rule: {scenario} ({count} instances)")

    explained, legitimate = _explained_share(made)
    print(
        f"\n  legitimate looks explained: {explained:,} of {legitimate:,} "
        f"({100 * explained / max(legitimate, 1):.1f} %)"
    )


def _reading_seconds(first: datetime.date, last: datetime.date) -> float:
    """Reading the period's looks and searches alone, day by day: the screening's floor."""
    from audit.actions import Action
    from audit.models import AccessEvent
    from review.screening import start_of_day
    from review.trail import CLIENT_LOOKS

    started = time.perf_counter()
    day = first
    while day <= last:
        rows = AccessEvent.objects.filter(
            occurred_at__gte=start_of_day(day),
            occurred_at__lt=start_of_day(day + datetime.timedelta(days=1)),
            action__in=[*CLIENT_LOOKS, Action.CLIENT_SEARCHED],
        ).values_list("id", "actor_id", "client_id", "occurred_at", "decision")
        list(rows)
        day += datetime.timedelta(days=1)
    return time.perf_counter() - started


def _explained_share(made) -> tuple[int, int]:
    """How many of the legitimate allowed looks at a client their worker's trail explains."""
    from audit.models import AccessEvent
    from review.screening import start_of_day
    from review.trail import CLIENT_LOOKS, Look, explain

    legitimate = made.legitimate_events().filter(
        action__in=CLIENT_LOOKS, decision=AccessEvent.Decision.ALLOWED, client__isnull=False
    )
    explained = total = 0
    month = datetime.timedelta(days=31)
    start = made.start
    while start < made.end:
        rows = legitimate.filter(
            occurred_at__gte=start_of_day(start), occurred_at__lt=start_of_day(start + month)
        ).values_list("id", "actor_id", "client_id", "occurred_at")
        looks = [Look(*row) for row in rows]
        found = explain(looks)
        explained += sum(1 for look in looks if found[look.id])
        total += len(looks)
        start += month
    return explained, total


# --- One day at national scale -------------------------------------------------------------


def national(args) -> None:
    from demo.synthetic_year import national_day_generate
    from review.screening import screening_run

    started = time.perf_counter()
    made = national_day_generate(day=NATIONAL_DAY, workers=args.national_workers, seed=args.seed)
    day_events = made.events_made().filter(
        occurred_at__date=NATIONAL_DAY  # Django converts in the current time zone (Helsinki)
    )
    print(
        f"  generated {made.events:,} events of {len(made.workers):,} workers in "
        f"{time.perf_counter() - started:.0f} s; on the day itself {day_events.count():,}"
    )
    rules = every_rule_at_its_defaults()
    screening, reading = [], []
    for _ in range(args.rounds):
        reading.append(_reading_seconds(NATIONAL_DAY, NATIONAL_DAY))
        started = time.perf_counter()
        run = screening_run(day=NATIONAL_DAY, rules=rules)
        screening.append(time.perf_counter() - started)
        print(
            f"    round: screening {screening[-1]:.1f} s ({run.looks_read:,} looks, "
            f"{run.alerts_found} new alerts), reading alone {reading[-1]:.2f} s",
            flush=True,
        )
    median, worst = statistics.median(screening), max(screening)
    print(
        f"  one day screened: median {median:.1f} s, max {worst:.1f} s (goal <= 60 s); "
        f"reading the day alone median {statistics.median(reading):.2f} s; "
        f"ratio {median / statistics.median(reading):.0f}x"
    )


if __name__ == "__main__":
    sys.exit(main())
