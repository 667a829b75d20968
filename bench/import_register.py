"""How fast the register import runs, against a plain bulk_create of the same rows, and whether
its memory stays flat as the file grows.

    .venv/bin/python bench/import_register.py [--lines 100000] [--databases sqlite,postgresql]

Generates a register file of --lines lines (40 % clients, 35 % referrals, a third of them ended,
25 % service needs, interleaved client by client) and, for each database, in fresh processes on
a fresh database each (SQLite: a temporary file; PostgreSQL: `atmt_import_bench` at
127.0.0.1:5432, created and dropped here, never another database):

* the baseline and the import, in one process: the file's rows written by `bulk_create` (each
  line parsed from JSON, no checks, no events), then removed, then the whole import by
  `manage.py import_register`; it prints both rates and their ratio;
* the import alone of the first 10 % of the file, and of all of it, each printing the process's
  peak resident memory (ru_maxrss), to show that it does not grow with the file;
* the first 2,000 lines through the intake services one by one (`--through-services`), the
  import's slow path, for comparison.

Prints lines per second, the ratio and the peaks. Not part of the test suite.
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DATABASE = "atmt_import_bench"
MUNICIPALITIES = ("167", "426", "260", "276", "309")
GROUPS = (
    "ohjaamo_youth",
    "long_term_unemployed",
    "integration",
    "work_ability",
    "employer_cooperation",
    "walk_in",
)
CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
SOURCE = "Työvoimaviranomaisen asiakastietojärjestelmä"
SERVICES_LINES = 2000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000, help="lines in the file, 1000..")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--child", choices=("baseline-and-import", "import"), help=argparse.SUPPRESS
    )
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--through-services", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, Path(args.file), args.through_services)
    if args.lines < 1000:
        parser.error("--lines must be at least 1000")
    databases = args.databases.split(",")
    if not set(databases) <= {"sqlite", "postgresql"}:
        parser.error("--databases: sqlite, postgresql or both")
    with tempfile.TemporaryDirectory() as folder:
        whole = Path(folder) / "register.jsonl"
        tenth = Path(folder) / "register-tenth.jsonl"
        services = Path(folder) / "register-services.jsonl"
        lines = list(register_lines(args.lines))
        write(whole, lines)
        write(tenth, lines[: args.lines // 10])
        write(services, lines[:SERVICES_LINES])
        print(f"{args.lines} lines, {whole.stat().st_size / 1e6:.1f} MB")
        for database in databases:
            # Other work on the machine slows the wall-clock figures; this says how much there was.
            print(f"\n{database} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")
            run_parent(database, folder, whole, tenth, services, args.lines)
    return 0


def run_parent(database, folder, whole, tenth, services, lines) -> None:
    result = in_fresh_database(database, folder, "baseline-and-import", whole)
    print(
        f"  import: {result['lines_per_second']:.0f} lines/s ({result['seconds']:.1f} s); "
        f"bulk_create of the same rows: {result['baseline_per_second']:.0f} lines/s "
        f"({result['baseline_seconds']:.1f} s); ratio import/bulk_create (time): "
        f"{result['seconds'] / result['baseline_seconds']:.1f}"
    )
    print(
        f"  import per second of this process's CPU time: {result['lines_per_cpu_second']:.0f} "
        f"lines (the machine's other load aside; the database server's own time not counted)"
    )
    small = in_fresh_database(database, folder, "import", tenth)
    large = in_fresh_database(database, folder, "import", whole)
    print(
        f"  peak memory (ru_maxrss): {small['maxrss_mb']:.0f} MB at {lines // 10} lines, "
        f"{large['maxrss_mb']:.0f} MB at {lines} lines "
        f"({large['lines_per_second']:.0f} lines/s in that run)"
    )
    slow = in_fresh_database(database, folder, "import", services, through_services=True)
    print(
        f"  through the services line by line: {slow['lines_per_second']:.0f} lines/s "
        f"({SERVICES_LINES} lines)"
    )


def in_fresh_database(database, folder, mode, path, *, through_services=False) -> dict:
    if database == "sqlite":
        sqlite_file = Path(folder) / "bench.sqlite3"
        sqlite_file.unlink(missing_ok=True)
        url = f"sqlite:///{sqlite_file}"
    else:
        recreate_postgres_database()
        url = f"{POSTGRES_SERVER}/{BENCH_DATABASE}"
    command = [sys.executable, __file__, "--child", mode, "--file", str(path)]
    if through_services:
        command.append("--through-services")
    try:
        completed = subprocess.run(  # noqa: S603 (our own script, our own arguments)
            command,
            cwd=PROJECT_ROOT,
            # DEBUG off, as in production: Django keeps no list of the queries run.
            env={
                **os.environ,
                "DATABASE_URL": url,
                "DEBUG": "0",
                "DJANGO_SETTINGS_MODULE": "atmt.settings",
            },
            capture_output=True,
            text=True,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        sys.stderr.write(error.stdout + error.stderr)
        raise
    finally:
        if database == "postgresql":
            drop_postgres_database()
    return json.loads(completed.stdout.strip().splitlines()[-1])


def recreate_postgres_database() -> None:
    drop_postgres_database()
    _postgres(f'CREATE DATABASE "{BENCH_DATABASE}"')


def drop_postgres_database() -> None:
    _postgres(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def _postgres(statement: str) -> None:
    import psycopg

    # Only ever the bench's own database: the name is a constant of this script.
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


# The generated register.


def identity_code(n: int) -> str:
    """A valid identity code, one for each n below 15000 * 898."""
    birth_date = datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 15000)
    individual = 2 + n // 15000
    century = "-" if birth_date.year < 2000 else "A"
    digits = f"{birth_date:%d%m%y}{individual:03d}"
    return f"{birth_date:%d%m%y}{century}{individual:03d}" + CHECK_CHARACTERS[int(digits) % 31]


def register_lines(count: int):
    """Client by client: the client, then (7 in 8) a referral and (5 in 8) an assessment."""
    n = 0
    produced = 0
    while True:
        code = identity_code(n)
        lines = [
            {
                "kind": "client",
                "identity_code": code,
                "first_names": "Aino Maria",
                "last_name": f"Asiakas {n}",
                "home_municipality": MUNICIPALITIES[n % len(MUNICIPALITIES)],
                "mother_tongue": "fi",
                "service_language": "fi",
                "relationship_started_on": "2025-01-01",
                "source": SOURCE,
                "email": f"asiakas{n}@example.fi",
                "phone": "+358 40 123 4567",
            }
        ]
        if n % 8 != 7:
            referral = {
                "kind": "referral",
                "identity_code": code,
                "group": GROUPS[n % len(GROUPS)],
                "referring_authority": "Pohjois-Karjalan työllisyysalue",
                "referred_on": "2025-02-01",
                "source": SOURCE,
            }
            if n % 3 == 0:
                referral |= {"ended_on": "2025-10-01", "end_reason": "employed"}
            lines.append(referral)
        if n % 8 < 5:
            lines.append(
                {
                    "kind": "service_need",
                    "identity_code": code,
                    "assessment": "Tarvitsee tukea työnhakuun ja koulutusvaihtoehtojen "
                    "selvittämiseen; työkyky selvitetään.",
                    "assessed_on": "2025-02-03",
                    "assessed_by": "Työvoimaviranomainen",
                    "source": SOURCE,
                }
            )
        for line in lines:
            yield line
            produced += 1
            if produced == count:
                return
        n += 1


def write(path: Path, lines: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for line in lines:
            stream.write(json.dumps(line, ensure_ascii=False) + "\n")


# The child: one fresh database, one measurement, its figures as a JSON line on stdout.


def child(mode: str, path: Path, through_services: bool) -> int:
    sys.path.insert(0, str(PROJECT_ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    official = set_up_official()
    lines = sum(1 for _ in path.open("rb"))
    result: dict = {}
    if mode == "baseline-and-import":
        seconds = baseline(path, official.pk)
        result |= {"baseline_seconds": seconds, "baseline_per_second": lines / seconds}
        remove_rows()
    started, cpu_started = time.perf_counter(), time.process_time()
    with open(os.devnull, "w") as quiet:
        call_command(
            "import_register",
            str(path),
            actor=official.username,
            through_services=through_services,
            stdout=quiet,
            stderr=quiet,
        )
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result |= {
        "seconds": seconds,
        "lines_per_second": lines / seconds,
        "lines_per_cpu_second": lines / cpu_seconds,
        "maxrss_mb": maxrss_kb / 1024,
    }
    print(json.dumps(result))
    return 0


def set_up_official():
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from access.models import User
    from clients.models import Municipality

    official = User.objects.create(username="bench-official", first_name="Vera", last_name="V")
    official.groups.add(Group.objects.get_or_create(name="labour_official")[0])
    for code in MUNICIPALITIES:
        municipality, _ = Municipality.objects.get_or_create(
            code=code, defaults={"name_fi": code, "name_sv": code, "name_en": code}
        )
        assign_perm("clients.serve_municipality", official, municipality)
    return official


def baseline(path: Path, actor_id: int) -> float:
    """The file's rows by bulk_create in batches of 1000, in one transaction: the floor."""
    from django.db import transaction

    from clients.models import ClientGroup, Municipality

    municipalities = dict(Municipality.objects.values_list("code", "pk"))
    groups = dict(ClientGroup.objects.values_list("code", "pk"))
    started = time.perf_counter()
    with transaction.atomic(), path.open("rb") as stream:
        clients: dict[str, int] = {}
        batch = []
        for raw in stream:
            batch.append(json.loads(raw))
            if len(batch) == 1000:
                _bulk(batch, clients, municipalities, groups, actor_id)
                batch = []
        _bulk(batch, clients, municipalities, groups, actor_id)
    return time.perf_counter() - started


def _bulk(batch, clients, municipalities, groups, actor_id) -> None:
    from clients.models import Client, ClientRelationship, Referral, ServiceNeed

    new = [
        Client(
            identity_code=line["identity_code"],
            first_names=line["first_names"],
            last_name=line["last_name"],
            home_municipality_id=municipalities[line["home_municipality"]],
            mother_tongue=line["mother_tongue"],
            service_language=line["service_language"],
            email=line.get("email", ""),
            phone=line.get("phone", ""),
            recorded_by_id=actor_id,
            source=line["source"],
        )
        for line in batch
        if line["kind"] == "client"
    ]
    Client.objects.bulk_create(new)
    clients.update((client.identity_code, client.pk) for client in new)
    by_kind = {"client": [], "referral": [], "service_need": []}
    for line in batch:
        by_kind[line["kind"]].append(line)
    ClientRelationship.objects.bulk_create(
        ClientRelationship(
            client_id=clients[line["identity_code"]],
            started_on=line["relationship_started_on"],
            recorded_by_id=actor_id,
            source=line["source"],
        )
        for line in by_kind["client"]
    )
    Referral.objects.bulk_create(
        Referral(
            client_id=clients[line["identity_code"]],
            group_id=groups[line["group"]],
            referring_authority=line["referring_authority"],
            referred_on=line["referred_on"],
            ended_on=line.get("ended_on"),
            end_reason=line.get("end_reason", ""),
            recorded_by_id=actor_id,
            source=line["source"],
        )
        for line in by_kind["referral"]
    )
    ServiceNeed.objects.bulk_create(
        ServiceNeed(
            client_id=clients[line["identity_code"]],
            assessment=line["assessment"],
            assessed_on=line["assessed_on"],
            assessed_by=line["assessed_by"],
            recorded_by_id=actor_id,
            source=line["source"],
        )
        for line in by_kind["service_need"]
    )


def remove_rows() -> None:
    """The baseline's rows, by plain SQL: the ORM's delete would log each row's removal."""
    from django.db import connection

    from clients.models import Client, ClientRelationship, Referral, ServiceNeed

    with connection.cursor() as cursor:
        for model in (ServiceNeed, Referral, ClientRelationship, Client):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 (our table names)


if __name__ == "__main__":
    sys.exit(main())
