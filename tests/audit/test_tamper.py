"""Tampering behind the app's back, as a PostgreSQL superuser would: triggers and foreign keys
switched off (session_replication_role = replica), rows changed, removed, forged, reordered,
truncated, the tree rolled back and re-signed. `verify_log` and the outside auditor's verifier
(tools/verify_log_export.py, given an export and the checkpoint file kept outside the
database) must both fail and name the place; an untouched log verifies."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit import leaf, merkle, notes
from audit.checkpoints import seal, signing_key
from audit.models import AccessEvent, Checkpoint, LogLeaf
from audit.services import Change, change_record, change_records
from tests.audit.readings import Reading, inside, outside
from tests.factories import ClientFactory, UserFactory

PROJECT_ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db, pytest.mark.rule("000-6-log-tamper-evident")]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("a superuser's tampering is PostgreSQL's; the SQLite run has no triggers")


def write_events(count: int) -> None:
    actor, client = UserFactory(), ClientFactory()
    for _ in range(count):
        change_record(
            actor=actor, action=AccessEvent.Action.CLIENT_MOVED, target=client, client_id=client.pk
        )


@pytest.fixture
def sealed_log():
    """20 events under checkpoints at 8, 15 and 20, each also in the anchor file."""
    for count in (8, 7, 5):
        write_events(count)
        seal()
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [8, 15, 20]


def as_superuser(*steps: str | tuple[str, list]) -> None:
    """Run each statement (or statement and parameters) with triggers and foreign keys off."""
    with connection.cursor() as cursor:
        # First the checks the test's own inserts left pending, while the rows still agree.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL session_replication_role = replica")
        for step in steps:
            statement, params = (step, None) if isinstance(step, str) else step
            cursor.execute(statement, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def event_at(index: int) -> int:
    return LogLeaf.objects.get(index=index).event_id


def verdicts(tmp_path) -> tuple[Reading, Reading]:
    """verify_log's reading and the outside verifier's reading of an export with values."""
    export, key = tmp_path / "log.jsonl", tmp_path / "verifier.key"
    call_command("export_log", str(export), "--with-values", stderr=io.StringIO())
    key.write_text(f"{signing_key().verifier}\n")
    return inside(), outside(export, key)


def test_an_untouched_log_verifies_inside_and_outside(sealed_log, tmp_path):
    inside, outside = verdicts(tmp_path)
    assert inside == (True, None, set())
    assert outside == inside
    call_command("verify_log", stdout=io.StringIO())


def test_a_changed_field_is_named_by_its_index(sealed_log, tmp_path):
    as_superuser(
        ("UPDATE audit_accessevent SET actor_name = 'Someone Else' WHERE id = %s", [event_at(10)])
    )
    inside, outside = verdicts(tmp_path)
    assert inside[:2] == outside[:2] == (False, 10)
    assert "leaf_mismatch" in inside[2] & outside[2]
    with pytest.raises(CommandError):
        call_command("verify_log", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_changed_personal_field_is_named_by_its_index(sealed_log, tmp_path):
    as_superuser(
        ("UPDATE audit_accessevent SET purpose_text = 'rewritten' WHERE id = %s", [event_at(3)])
    )
    inside, outside = verdicts(tmp_path)
    assert inside[:2] == outside[:2] == (False, 3)


def test_a_deleted_event_is_named_by_its_index(sealed_log, tmp_path):
    as_superuser(("DELETE FROM audit_accessevent WHERE id = %s", [event_at(12)]))
    inside, outside = verdicts(tmp_path)
    assert inside == (False, 12, {"event_missing"})
    assert outside[:2] == (False, 12)


def test_a_deleted_event_and_leaf_leave_a_gap(sealed_log, tmp_path):
    event = event_at(12)
    as_superuser(
        "DELETE FROM audit_logleaf WHERE index = 12",
        ("DELETE FROM audit_commitmentsalt WHERE event_id = %s", [event]),
        ("DELETE FROM audit_accessevent WHERE id = %s", [event]),
    )
    inside, outside = verdicts(tmp_path)
    assert inside[:2] == outside[:2] == (False, 12)
    assert "index_gap" in inside[2] & outside[2]


def test_a_forged_row_slipped_into_the_middle_breaks_the_signed_root(sealed_log, tmp_path):
    """The forger renumbers the later leaves and gives the forged one a correct leaf hash: no
    leaf disagrees with its row, but the root at 15 is no longer the one signed."""
    write_events(1)  # the forged event, left unsequenced by taking it off the queue
    forged = AccessEvent.objects.order_by("-id").first()
    row = AccessEvent.objects.filter(pk=forged.pk).values(*leaf.FIELDS).get()
    salt = b"\0" * 32
    commitments = leaf.commitments(row, salt)
    forged_hash = merkle.leaf_hash(leaf.entry_bytes(row, commitments))
    as_superuser(
        "DELETE FROM audit_pendingevent",
        "UPDATE audit_logleaf SET index = -index - 1 WHERE index >= 10",
        "UPDATE audit_logleaf SET index = -index WHERE index < 0",
    )
    as_superuser(
        (
            "INSERT INTO audit_logleaf (index, event_id, version, commitments, leaf_hash, "
            "sequenced_at) VALUES (10, %s, 1, %s, %s, now())",
            [forged.pk, json.dumps(commitments), forged_hash],
        ),
        ("INSERT INTO audit_commitmentsalt (event_id, salt) VALUES (%s, %s)", [forged.pk, salt]),
    )
    inside, outside = verdicts(tmp_path)
    assert inside[0] is outside[0] is False
    assert inside[1] == outside[1] == 8  # somewhere in 8..14, the leaves the root at 15 covers
    assert "root_mismatch" in inside[2] & outside[2]


def test_two_reordered_rows_break_the_signed_root(sealed_log, tmp_path):
    as_superuser(
        "UPDATE audit_logleaf SET index = -1 WHERE index = 16",
        "UPDATE audit_logleaf SET index = 16 WHERE index = 17",
        "UPDATE audit_logleaf SET index = 17 WHERE index = -1",
    )
    inside, outside = verdicts(tmp_path)
    assert inside[:2] == outside[:2] == (False, 15)
    assert "root_mismatch" in inside[2] & outside[2]


def test_a_truncated_log_is_caught_against_the_anchor_file(sealed_log, tmp_path):
    # CASCADE, as a forger would: other tables refer to events (a justification request's).
    as_superuser(
        "TRUNCATE audit_logleaf, audit_treenode, audit_commitmentsalt, audit_checkpoint, "
        "audit_pendingevent, audit_accessevent CASCADE"
    )
    inside, outside = verdicts(tmp_path)
    assert inside[:2] == outside[:2] == (False, 0)
    assert "tree_shorter" in inside[2] & outside[2]


def roll_back_to(size: int) -> None:
    events = list(LogLeaf.objects.filter(index__gte=size).values_list("event_id", flat=True))
    as_superuser(
        ("DELETE FROM audit_logleaf WHERE index >= %s", [size]),
        ("DELETE FROM audit_treenode WHERE (position + 1) << level > %s", [size]),
        ("DELETE FROM audit_checkpoint WHERE size > %s", [size]),
        ("DELETE FROM audit_commitmentsalt WHERE event_id = ANY(%s)", [events]),
        ("DELETE FROM audit_accessevent WHERE id = ANY(%s)", [events]),
    )


def test_a_tree_rolled_back_and_resigned_with_the_real_key_is_caught_outside(
    sealed_log, tmp_path, settings
):
    anchor = settings.LOG_CHECKPOINT_FILE
    roll_back_to(15)
    write_events(6)
    settings.LOG_CHECKPOINT_FILE = str(tmp_path / "the-forgers-own.txt")
    seal()  # re-signed at 21 with the real key, but the shipped anchor file still says 20
    settings.LOG_CHECKPOINT_FILE = anchor

    inside, outside = verdicts(tmp_path)
    assert inside[:2] == outside[:2] == (False, 15)
    assert "root_mismatch" in inside[2] & outside[2]


def test_a_tree_rolled_back_and_resigned_with_another_key_is_caught(
    sealed_log, tmp_path, settings, log_key_file
):
    anchor = settings.LOG_CHECKPOINT_FILE
    roll_back_to(15)
    write_events(2)
    forger_key = tmp_path / "forger.key"
    forger_key.write_text(f"{notes.generate(signing_key().name)}\n")
    settings.LOG_SIGNING_KEY_FILE = str(forger_key)
    settings.LOG_CHECKPOINT_FILE = str(tmp_path / "the-forgers-own.txt")
    signing_key.cache_clear()
    seal()
    settings.LOG_SIGNING_KEY_FILE, settings.LOG_CHECKPOINT_FILE = str(log_key_file), anchor
    signing_key.cache_clear()

    inside, outside = verdicts(tmp_path)
    assert inside[:2] == outside[:2] == (False, 17)  # the tree stops short of the signed 20
    assert {"bad_signature", "tree_shorter"} <= inside[2] & outside[2]


@pytest.mark.django_db(transaction=True)
def test_processes_recomputing_ranges_of_the_log_give_the_same_verdict(tmp_path, settings):
    """verify_log --jobs 2, run as the operator runs it, in a process of its own (forking the
    test runner, whose other threads may hold locks, would prove nothing of the command): the
    forked processes read ranges of committed rows; the verdict is the one a single process
    gives."""
    actor, client = UserFactory(), ClientFactory()
    moved = Change(action=AccessEvent.Action.CLIENT_MOVED, target=client, client_id=client.pk)
    for count in (6000, 4500):  # three ranges of 5,000 leaves, under two checkpoints
        change_records(actor=actor, changes=[moved] * count)
        seal()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_accessevent SET actor_name = 'Someone Else' WHERE id = %s",
            [event_at(7000)],
        )
        cursor.execute("SET session_replication_role = origin")
    key = tmp_path / "log.pub"
    key.write_text(f"{signing_key().verifier}\n")
    database = connection.settings_dict
    command = [
        sys.executable,
        "manage.py",
        "verify_log",
        "--key",
        str(key),
        "--anchor",
        settings.LOG_CHECKPOINT_FILE,
    ]
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
    }

    def run(*more: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*command, *more],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    one, two = run(), run("--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert two.stderr == one.stderr
    assert one.stderr.rstrip().endswith("first bad index 7000")
