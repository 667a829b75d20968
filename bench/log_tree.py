"""What the access log's Merkle tree costs, on PostgreSQL, each figure against a baseline
measured in the same run.

    .venv/bin/python bench/log_tree.py [--sections write,sequencer,verify,proofs]
        [--writes 2000] [--http-views 600] [--queued 20000] [--verify-leaves 200000]
        [--leaves 10000000] [--proofs 300] [--max-seconds 1500]

Runs in one fresh PostgreSQL database at 127.0.0.1:5432, `atmt_log_tree_bench_<pid>`, created,
migrated and dropped here (never another database), with DEBUG off and a signing key and
checkpoint file in a temporary folder. The sections, in this order:

* write: page-view-like event writes, one look (`audit.services.look_record`) per transaction,
  with the trigger that queues each event for the tree and without it (`ALTER TABLE ... DISABLE
  TRIGGER audit_accessevent_enqueue`), in interleaved rounds (on, off, off, on, ...); then the
  same for the real record page (`GET /clients/<pk>/` through Django's test client, signed in as
  a case worker who stated a purpose). Goal: at least 95 % of the throughput kept.
* sequencer: events per second of `audit.sequencer.sequence()` over --queued events written in
  bulk first (the trigger queues them), against writing those events (`bulk_create`) and
  against the pure computation of their leaves (commitments, entry, SHA-256) without the
  database; three rounds, each on top of the last one's tree, and their medians. Goal: at
  least 2,000 events/s.
* verify: leaves per second of `audit.verification.verify()` over a log of --verify-leaves
  leaves (built in bulk with COPY, exactly as the sequencer computes them, then signed),
  against hashlib SHA-256 over the same entries' bytes; then one instrumented pass that splits
  the time between reading the rows (`stored_leaves`), recomputing the leaves (commitments,
  entry, JSON, hash) and the tree. Goal: 100,000 leaves/s (10 M in under two minutes).
* proofs: a tree of --leaves leaves written directly with COPY (synthetic leaf hashes and every
  complete node, computed with `audit.merkle`), its leaf table's foreign key to the events
  dropped and its two tables unlogged (this database is thrown away; reads are unaffected);
  then --proofs inclusion proofs (`audit.tree.inclusion_proof(index, size)`) for random
  indexes, each checked against the root, median and p95 in ms and the proof's size, against a
  single-row primary-key SELECT of a leaf through the ORM. Goal: under 5 ms and at most 1 KB.
  The build stops early at a block boundary, saying so, if the time budget would run out.

Every section checks --max-seconds between its steps and stops early, saying so. Prints the
figures and ratios; not part of the test suite.
"""

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DATABASE = f"atmt_log_tree_bench_{os.getpid()}"
SECTIONS = ("write", "sequencer", "verify", "proofs")
LIMITS = {
    "writes": (100, 100_000),
    "http_views": (0, 20_000),
    "queued": (1000, 1_000_000),
    "verify_leaves": (1000, 2_000_000),
    "leaves": (1024, 50_000_000),
    "proofs": (10, 10_000),
}
SEQUENCER_ROUNDS = 3  # rounds of the sequencer section, each on top of the last
ROUNDS = 10  # interleaved rounds of the write section, half with the trigger, half without
BLOCK = 1 << 20  # leaves per block of the bulk-built tree: a perfect subtree, built alone
TRIGGER = "audit_accessevent_enqueue"


class Budget:
    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def out(self) -> bool:
        return self.left() <= 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--writes", type=int, default=2000, help="looks written per setting")
    parser.add_argument("--http-views", type=int, default=600, help="record pages per setting")
    parser.add_argument("--queued", type=int, default=20_000, help="events for the sequencer")
    parser.add_argument("--verify-leaves", type=int, default=200_000, help="leaves to verify")
    parser.add_argument("--leaves", type=int, default=10_000_000, help="leaves of the proofs")
    parser.add_argument("--proofs", type=int, default=300, help="inclusion proofs timed")
    parser.add_argument("--max-seconds", type=float, default=1500.0, help="time budget")
    args = parser.parse_args()
    sections = args.sections.split(",")
    if not set(sections) <= set(SECTIONS):
        parser.error(f"--sections: any of {', '.join(SECTIONS)}")
    for name, (low, high) in LIMITS.items():
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be between {low:,} and {high:,}")
    if args.max_seconds <= 0:
        parser.error("--max-seconds must be positive")
    budget = Budget(args.max_seconds)
    print(
        f"PostgreSQL database {BENCH_DATABASE}; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    _postgres(f'CREATE DATABASE "{BENCH_DATABASE}"')
    try:
        with tempfile.TemporaryDirectory() as folder:
            set_up_django(folder)
            started = time.perf_counter()
            for section in SECTIONS:
                if section not in sections:
                    continue
                if budget.out():
                    print(f"\n{section}: skipped, --max-seconds spent")
                    continue
                print(f"\n{section} (load average {os.getloadavg()[0]:.1f}):", flush=True)
                globals()[section](args, budget)
            print(f"\nwhole run: {time.perf_counter() - started:.0f} s")
    finally:
        from django.db import connections

        connections.close_all()
        _postgres(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    return 0


def _postgres(statement: str) -> None:
    import psycopg

    # Only ever the bench's own database: its name is made by this script.
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def set_up_django(folder: str) -> None:
    os.environ |= {
        "DATABASE_URL": f"{POSTGRES_SERVER}/{BENCH_DATABASE}",
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

    call_command("migrate", verbosity=0)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s ({count:,} in {seconds:.2f} s)"


def ms(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return 1000 * statistics.median(ordered), 1000 * ordered[int(0.95 * (len(ordered) - 1))]


def execute(sql: str, params=None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def empty_log() -> None:
    """Start a section from an empty log (TRUNCATE is the owner's, as the tests' flush)."""
    execute(
        "TRUNCATE audit_checkpoint, audit_treenode, audit_commitmentsalt, audit_logleaf, "
        "audit_pendingevent, audit_accessevent"
    )


# 1. The write path.


def write(args, budget: Budget) -> None:
    from django.db import transaction
    from django.utils import timezone

    from audit.actions import Action
    from audit.context import RequestContext
    from audit.services import look_record

    scene = make_scene()
    context = RequestContext(request_id=uuid.uuid4(), session_hash="a" * 64, ip_address="10.1.2.3")

    def look(_: int) -> None:
        with transaction.atomic():
            look_record(
                actor=scene["worker"],
                action=Action.CLIENT_VIEWED,
                at=timezone.now(),
                context=context,
                client=scene["client"],
                basis={"grant": 1, "agreement": 1, "consent": 1, "group": "ohjaamo_youth"},
                decision_id=uuid.uuid4(),
                policy_version="2026-1",
                sections=["identity", "contact", "referrals", "service_needs", "consents"],
                purpose_code="meeting",
            )

    print("  look_record, one per transaction (as a record page writes it):")
    interleaved(look, args.writes, budget, "looks")
    if args.http_views:
        http_client = scene["http"]
        url = f"/clients/{scene['client'].pk}/"
        response = http_client.get(url)
        if response.status_code != 200:
            print(f"  record page: GET {url} answered {response.status_code}; not measured")
            return

        def view(_: int) -> None:
            http_client.get(url)

        print("  the record page, GET /clients/<pk>/ through Django's test client:")
        interleaved(view, args.http_views, budget, "pages")


def interleaved(work, count: int, budget: Budget, unit: str) -> None:
    """`count` calls of `work` with the trigger and as many without, in alternating rounds."""
    per_round = max(1, count // (ROUNDS // 2))
    seconds = {True: 0.0, False: 0.0}
    done = {True: 0, False: 0}
    for warm in (True, False):
        set_trigger(warm)
        for n in range(min(20, per_round)):
            work(n)
    for round_number in range(ROUNDS):
        with_trigger = round_number % 4 in (0, 3)  # on, off, off, on: drift cancels out
        if budget.out():
            print(f"    stopped after {round_number} rounds: --max-seconds spent")
            break
        set_trigger(with_trigger)
        started = time.perf_counter()
        for n in range(per_round):
            work(n)
        seconds[with_trigger] += time.perf_counter() - started
        done[with_trigger] += per_round
    set_trigger(True)
    if not (done[True] and done[False]):
        return
    on, off = done[True] / seconds[True], done[False] / seconds[False]
    print(f"    with the queue trigger:    {rate(done[True], seconds[True])} {unit}")
    print(f"    without it (baseline):     {rate(done[False], seconds[False])} {unit}")
    print(f"    throughput kept: {100 * on / off:.1f} % (goal >= 95 %)")


def set_trigger(enabled: bool) -> None:
    state = "ENABLE" if enabled else "DISABLE"
    execute(f"ALTER TABLE audit_accessevent {state} TRIGGER {TRIGGER}")


def make_scene() -> dict:
    """A case worker with a grant, a client they may open, and a signed-in test client with a
    purpose stated, as tests/conftest.py's `setting` and `worker_client` make them."""
    from access.models import AccessGrant
    from access.roles import Role
    from tests.factories import (
        AccessGrantFactory,
        MunicipalityFactory,
        UserFactory,
        WorkerAgreementFactory,
        complete_client,
    )
    from tests.pages import state_purpose
    from tests.sign_in import SignedInClient

    joensuu = MunicipalityFactory(code="167")
    worker = UserFactory(username="bench-worker", roles=[Role.CASE_WORKER])
    WorkerAgreementFactory(worker=worker, municipality=joensuu)
    AccessGrantFactory(grantee=worker, municipality=joensuu, authority=AccessGrant.Authority.RECORD)
    client = complete_client(home_municipality=joensuu, last_name="Avattava")
    http = SignedInClient()
    http.force_login(worker)
    state_purpose(http, client)
    return {"worker": worker, "client": client, "http": http}


# 2. The sequencer.


def event_rows(count: int, actor, client_id: int | None):
    """`count` look events like a record page's, each different."""
    from django.utils import timezone

    from audit.actions import Action
    from audit.models import AccessEvent

    now = timezone.now()
    return [
        AccessEvent(
            actor=actor,
            actor_username=actor.username,
            actor_name="Bench Worker",
            actor_roles=["case_worker"],
            actor_organisation="Joensuu",
            client_id=client_id,
            action=Action.CLIENT_VIEWED,
            occurred_at=now,
            decision="allowed",
            basis={"grant": n % 97, "agreement": 1, "consent": n, "group": "ohjaamo_youth"},
            decision_id=uuid.uuid4(),
            policy_version="2026-1",
            sections=["identity", "contact", "referrals", "service_needs", "consents"],
            purpose_code="meeting",
            purpose_text="Tapaaminen" if n % 5 == 0 else "",
            request_id=uuid.uuid4(),
            session_hash=f"{n:064x}",
            ip_address="10.1.2.3",
        )
        for n in range(count)
    ]


def insert_events(count: int, actor, client_id) -> float:
    from django.db import transaction

    from audit.models import AccessEvent

    seconds = 0.0
    for start in range(0, count, 5000):
        rows = event_rows(min(5000, count - start), actor, client_id)
        began = time.perf_counter()
        with transaction.atomic():
            AccessEvent.objects.bulk_create(rows, batch_size=1000)
        seconds += time.perf_counter() - began
    return seconds


def sequencer(args, budget: Budget) -> None:
    """SEQUENCER_ROUNDS rounds, each on top of the last one's tree; the medians and each round."""
    from audit import leaf, merkle
    from audit.models import AccessEvent, LogLeaf
    from audit.sequencer import sequence
    from clients.models import Client

    empty_log()
    actor = ensure_actor()
    client_id = Client.objects.values_list("pk", flat=True).first()
    runs: list[tuple[float, float, float]] = []
    for round_number in range(SEQUENCER_ROUNDS):
        if budget.out():
            print(f"  stopped after {round_number} rounds: --max-seconds spent")
            break
        insert_seconds = insert_events(args.queued, actor, client_id)
        rows = list(
            AccessEvent.objects.filter(leaf__isnull=True).order_by("id").values("id", *leaf.FIELDS)
        )
        started = time.perf_counter()
        for row in rows:
            salt = os.urandom(leaf.SALT_BYTES)
            merkle.leaf_hash(leaf.entry_bytes(row, leaf.commitments(row, salt)))
        compute_seconds = time.perf_counter() - started
        del rows
        started = time.perf_counter()
        sequenced = sequence()
        seconds = time.perf_counter() - started
        if sequenced != args.queued or LogLeaf.objects.count() != args.queued * (round_number + 1):
            raise RuntimeError(f"sequenced {sequenced} of {args.queued} events")
        runs.append((seconds, insert_seconds, compute_seconds))
        print(
            f"  round {round_number + 1}: sequence() {args.queued / seconds:,.0f}/s, "
            f"bulk_create {args.queued / insert_seconds:,.0f}/s, "
            f"leaves alone {args.queued / compute_seconds:,.0f}/s"
        )
    if not runs:
        return
    seconds, insert_seconds, compute_seconds = (
        statistics.median(part) for part in zip(*runs, strict=True)
    )
    print(f"  medians of {len(runs)} rounds of {args.queued:,} events:")
    print(f"  sequence():                           {rate(args.queued, seconds)} events")
    print(f"  bulk_create of the same events:       {rate(args.queued, insert_seconds)}")
    print(f"  their leaves computed, no database:   {rate(args.queued, compute_seconds)}")
    print(
        f"  sequence() time / bulk_create time: {seconds / insert_seconds:.1f}; "
        f"/ computing alone: {seconds / compute_seconds:.1f} "
        f"(goal >= 2,000 events/s: {'met' if args.queued / seconds >= 2000 else 'missed'})"
    )


def ensure_actor():
    from access.models import User

    return User.objects.get_or_create(username="bench-worker")[0]


# 3. Full verification.


def build_log(count: int) -> float:
    """`count` events and their leaves, salts and nodes, as the sequencer computes them but
    written with COPY; then one signed checkpoint. The seconds it took."""
    from django.db import connection

    from audit import leaf, merkle
    from audit.checkpoints import sign_checkpoint
    from audit.models import AccessEvent
    from clients.models import Client

    started = time.perf_counter()
    empty_log()
    actor = ensure_actor()
    client_id = Client.objects.values_list("pk", flat=True).first()
    insert_events(count, actor, client_id)
    execute("TRUNCATE audit_pendingevent")
    size = 0
    stack: list[tuple[int, bytes]] = []
    rows = AccessEvent.objects.order_by("id").values("id", *leaf.FIELDS).iterator(5000)
    now = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        leaves, salts, nodes = [], [], []
        for row in rows:
            salt = os.urandom(leaf.SALT_BYTES)
            commitments = leaf.commitments(row, salt)
            leaf_hash = merkle.leaf_hash(leaf.entry_bytes(row, commitments))
            leaves.append((size, row["id"], 1, json.dumps(commitments), leaf_hash, now))
            salts.append((row["id"], salt))
            stack.append((0, leaf_hash))
            position = size
            size += 1
            while len(stack) > 1 and stack[-1][0] == stack[-2][0]:
                level, right = stack.pop()
                _, left = stack.pop()
                position >>= 1
                stack.append((level + 1, merkle.node_hash(left, right)))
                nodes.append((level + 1, position, stack[-1][1]))
        copy_rows(
            cursor,
            "audit_logleaf (index, event_id, version, commitments, leaf_hash, sequenced_at)",
            leaves,
        )
        copy_rows(cursor, "audit_commitmentsalt (event_id, salt)", salts)
        copy_rows(cursor, "audit_treenode (level, position, hash)", nodes)
    execute("ANALYZE")
    sign_checkpoint()
    return time.perf_counter() - started


def copy_rows(cursor, table: str, rows: list[tuple]) -> None:
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def verify(args, budget: Budget) -> None:
    from audit import leaf, merkle
    from audit.checkpoints import signing_key
    from audit.verification import TreeBuilder, stored_leaves
    from audit.verification import verify as verify_log

    count = args.verify_leaves
    built = build_log(count)
    print(f"  log of {count:,} leaves built in {built:.0f} s (events by bulk_create, rest COPY)")
    verifier = signing_key().verifier
    started = time.perf_counter()
    verdict = verify_log(verifier)
    seconds = time.perf_counter() - started
    print(
        f"  verdict: {'intact' if verdict.intact else verdict.problems[:3]}, "
        f"{verdict.tree_size:,} leaves, {verdict.checkpoints} checkpoint(s)"
    )
    # verify_log --jobs: one process per core, each recomputing ranges of the log.
    jobs = os.cpu_count() or 1
    started = time.perf_counter()
    parallel = verify_log(verifier, jobs=jobs)
    parallel_seconds = time.perf_counter() - started
    same = parallel.problems == verdict.problems and parallel.tree_size == verdict.tree_size
    # The parts, one instrumented pass: the same steps as verify()'s loop, each timed.
    parts = dict.fromkeys(("read", "commitments", "entry", "json", "sha256", "tree"), 0.0)
    entries: list[bytes] = []
    tree = TreeBuilder({})
    clock = time.perf_counter
    stream = stored_leaves()
    began = clock()
    while True:
        t0 = clock()
        stored = next(stream, None)
        t1 = clock()
        parts["read"] += t1 - t0
        if stored is None:
            break
        commitments = leaf.commitments(stored.row, stored.salt)  # type: ignore[arg-type]
        t2 = clock()
        entry = leaf.entry(stored.row, commitments)  # type: ignore[arg-type]
        t3 = clock()
        data = leaf.canonical_json(entry)
        t4 = clock()
        leaf_hash = merkle.leaf_hash(data)
        t5 = clock()
        tree.append(leaf_hash)
        t6 = clock()
        parts["commitments"] += t2 - t1
        parts["entry"] += t3 - t2
        parts["json"] += t4 - t3
        parts["sha256"] += t5 - t4
        parts["tree"] += t6 - t5
        entries.append(data)
    instrumented = clock() - began
    # The raw rows without the ORM: what the database and the driver cost alone.
    raw = raw_read_seconds()
    started = time.perf_counter()
    for data in entries:
        hashlib.sha256(b"\x00" + data).digest()
    hashing = time.perf_counter() - started
    print(f"  verify():                              {rate(count, seconds)} leaves")
    print(
        f"  verify(jobs={jobs}):                        {rate(count, parallel_seconds)} leaves"
        f" (same verdict: {'yes' if same else 'NO'})"
    )
    print(f"  hashlib SHA-256 of the same entries:   {rate(count, hashing)}")
    print(f"  ratio verify() time / hashing time: {seconds / hashing:.0f}")
    seconds = min(seconds, parallel_seconds)
    per_10m = seconds / count * 10_000_000
    print(
        f"  at this rate 10 M leaves take {per_10m / 60:.1f} min "
        f"(goal >= 100,000 leaves/s: {'met' if count / seconds >= 100_000 else 'missed'})"
    )
    print(f"  where the time goes (one instrumented pass, {instrumented:.2f} s in all):")
    names = {
        "read": "reading: stored_leaves() (2 ORM queries a range, JSON by orjson)",
        "commitments": "recomputing: 6 salted commitments (JSON + SHA-256 each)",
        "entry": "recomputing: the entry dict (plain() of 20 fields)",
        "json": "recomputing: canonical JSON of the entry",
        "sha256": "recomputing: the leaf's SHA-256",
        "tree": "the tree: TreeBuilder.append (node hashes, frontier)",
    }
    for name, spent in parts.items():
        print(
            f"    {names[name]:<66} {spent:6.2f} s {100 * spent / instrumented:3.0f} % "
            f"({count / spent:,.0f}/s)"
        )
    recomputing = sum(parts[name] for name in ("commitments", "entry", "json", "sha256"))
    print(
        f"    recomputing in all: {recomputing:.2f} s ({count / recomputing:,.0f}/s, the ceiling "
        "of one Python process even if reading cost nothing)"
    )
    print(
        f"    the same rows by raw SQL (one join, psycopg, server-side cursor): {raw:.2f} s "
        f"({count / raw:,.0f}/s)"
    )
    outside(count, verifier)


def outside(count: int, verifier) -> None:
    """The outside auditor's verifier over an export of the same log, as a process of its own,
    against hashlib over the same entry texts."""
    import subprocess

    from django.conf import settings
    from django.core.management import call_command

    folder = Path(settings.LOG_CHECKPOINT_FILE).parent
    export, key = folder / "log.jsonl", folder / "log.pub"
    key.write_text(f"{verifier}\n")
    started = time.perf_counter()
    call_command("export_log", str(export), stderr=open(os.devnull, "w"))  # noqa: SIM115
    exporting = time.perf_counter() - started
    tool = PROJECT_ROOT / "tools" / "verify_log_export.py"
    command = [sys.executable, str(tool), str(export), "--key", str(key)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    checking = time.perf_counter() - started
    entries = [
        b"\x00" + line["entry"].encode()
        for line in map(json.loads, export.open(encoding="utf-8"))
        if line.get("type") == "leaf"
    ]
    started = time.perf_counter()
    for data in entries:
        hashlib.sha256(data).digest()
    hashing = time.perf_counter() - started
    print(f"  export_log:                            {rate(count, exporting)} leaves")
    print(
        f"  tools/verify_log_export.py, whole process: {rate(count, checking)} leaves "
        f"({result.stdout.strip() or result.stderr.strip()})"
    )
    print(f"  hashlib SHA-256 of the same entry texts:   {rate(count, hashing)}")
    print(
        f"  ratio outside verifier time / hashing time: {checking / hashing:.0f} "
        f"(goal >= 100,000 leaves/s: {'met' if count / checking >= 100_000 else 'missed'})"
    )


def raw_read_seconds() -> float:
    """The rows stored_leaves() reads, in one joined query streamed from a named cursor."""
    from django.db import connection, transaction

    from audit import leaf

    columns = ", ".join(f"e.{name}" for name in ("id", *leaf.FIELDS))
    started = time.perf_counter()
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor(name="bench_raw") as cursor:
            cursor.itersize = 5000
            cursor.execute(
                f"SELECT l.index, l.leaf_hash, l.commitments, s.salt, {columns} "  # noqa: S608
                "FROM audit_logleaf l LEFT JOIN audit_accessevent e ON e.id = l.event_id "
                "LEFT JOIN audit_commitmentsalt s ON s.event_id = l.event_id ORDER BY l.index"
            )
            for _ in cursor:
                pass
    return time.perf_counter() - started


# 4. Proofs at scale.


def proofs(args, budget: Budget) -> None:
    from audit import merkle
    from audit.models import LogLeaf
    from audit.tree import inclusion_proof, root_at

    size, seconds, stopped = build_tree(args.leaves, budget)
    print(
        f"  tree of {size:,} leaves built in {seconds:.0f} s with COPY "
        f"({size / seconds:,.0f} leaves/s with their nodes; FK to the events dropped, "
        "tables unlogged)" + (" -- stopped early: --max-seconds" if stopped else "")
    )
    root = root_at(size)
    randomness = random.Random(12)  # noqa: S311 (which leaves to prove, not a secret)
    indexes = [randomness.randrange(size) for _ in range(args.proofs)]
    for index in indexes[:10]:  # warm the connection and the plans
        inclusion_proof(index, size)
        LogLeaf.objects.filter(index=index).values_list("leaf_hash", flat=True).first()
    proof_seconds, select_seconds, lengths = [], [], []
    for index in indexes:
        started = time.perf_counter()
        path = inclusion_proof(index, size)
        proof_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        leaf_hash = LogLeaf.objects.filter(index=index).values_list("leaf_hash", flat=True).first()
        select_seconds.append(time.perf_counter() - started)
        if not merkle.verify_inclusion(index, size, bytes(leaf_hash or b""), path, root):
            raise RuntimeError(f"the proof of leaf {index} does not verify")
        lengths.append(len(path))
    proof_median, proof_p95 = ms(proof_seconds)
    select_median, select_p95 = ms(select_seconds)
    print(f"  inclusion_proof(index, {size:,}), {len(indexes)} random indexes, each verified:")
    print(f"    median {proof_median:.2f} ms, p95 {proof_p95:.2f} ms (goal < 5 ms)")
    print(
        f"    single-row primary-key SELECT of a leaf: median {select_median:.2f} ms, p95 "
        f"{select_p95:.2f} ms"
    )
    print(f"    ratio of the medians: {proof_median / select_median:.1f}")
    print(
        f"    proof size: {32 * max(lengths)} bytes at most ({max(lengths)} hashes; "
        f"median {32 * statistics.median(lengths):.0f}) (goal <= 1 KB)"
    )


def build_tree(leaves: int, budget: Budget) -> tuple[int, float, bool]:
    """Leaves 0..n-1 with synthetic hashes and every complete node, block by block, with COPY.
    Stops at a block boundary when the budget would not cover another block."""
    from django.db import connection

    from audit import merkle

    started = time.perf_counter()
    empty_log()
    execute("ALTER TABLE audit_logleaf SET UNLOGGED")
    execute("ALTER TABLE audit_treenode SET UNLOGGED")
    for constraint in fk_constraints("audit_logleaf"):
        execute(f"ALTER TABLE audit_logleaf DROP CONSTRAINT {constraint}")
    node_hash, leaf_hash = merkle.node_hash, merkle.leaf_hash
    roots: list[bytes] = []  # the blocks' roots, level log2(BLOCK)
    top = BLOCK.bit_length() - 1
    size, stopped, block_seconds = 0, False, 0.0
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        while size < leaves:
            if block_seconds and budget.left() < 2 * block_seconds + 60:
                stopped = True
                break
            began = time.perf_counter()
            first, count = size, min(BLOCK, leaves - size)
            level = [leaf_hash(index.to_bytes(8, "big")) for index in range(first, first + count)]
            with cursor.copy(
                "COPY audit_logleaf (index, event_id, version, commitments, leaf_hash, "
                "sequenced_at) FROM STDIN"
            ) as copy:
                copy.write(
                    "".join(
                        f"{first + n}\t{first + n}\t1\t{{}}\t\\\\x{hashed.hex()}\t2026-01-01\n"
                        for n, hashed in enumerate(level)
                    )
                )
            with cursor.copy("COPY audit_treenode (level, position, hash) FROM STDIN") as copy:
                height, position = 0, first
                while len(level) > 1:
                    height, position = height + 1, position >> 1
                    level = [node_hash(level[n], level[n + 1]) for n in range(0, len(level) - 1, 2)]
                    copy.write(
                        "".join(
                            f"{height}\t{position + n}\t\\\\x{hashed.hex()}\n"
                            for n, hashed in enumerate(level)
                        )
                    )
            if count == BLOCK:
                roots.append(level[0])
            size += count
            block_seconds = time.perf_counter() - began
        # The complete nodes above the blocks.
        with cursor.copy("COPY audit_treenode (level, position, hash) FROM STDIN") as copy:
            height, level = top, roots
            while len(level) > 1:
                height += 1
                level = [node_hash(level[n], level[n + 1]) for n in range(0, len(level) - 1, 2)]
                copy.write(
                    "".join(
                        f"{height}\t{n}\t\\\\x{hashed.hex()}\n" for n, hashed in enumerate(level)
                    )
                )
    execute("ANALYZE audit_logleaf")
    execute("ANALYZE audit_treenode")
    return size, time.perf_counter() - started, stopped


def fk_constraints(table: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


if __name__ == "__main__":
    sys.exit(main())
