"""The outside auditor's verifier (tools/verify_log_export.py) on exports of a real log: an
intact export verifies; an export tampered with fails and names the place; where the same
tampering can be done to the database, its verdict is `audit.verification.verify`'s."""

import ast
import base64
import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit import leaf, merkle, notes
from audit.actions import Action
from audit.checkpoints import seal, signing_key
from audit.models import AccessEvent, Checkpoint, LogLeaf
from audit.services import change_record, look_record
from tests.audit import test_notes_interop as go
from tests.audit.readings import TOOL, Reading, inside, outside, run_tool
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def write_events(count: int) -> None:
    """Looks with purpose notes and searches, and changes naming a client, in turn."""
    worker, official = UserFactory(), UserFactory()
    clients = [ClientFactory() for _ in range(3)]
    for n in range(count):
        client = clients[n % 3]
        if n % 3 == 0:
            look_record(
                actor=worker,
                action=Action.CLIENT_VIEWED,
                at=timezone.now(),
                client=client,
                purpose_code="guidance",
                purpose_text=f"tapaaminen — {client.last_name} ✓",
            )
        elif n % 3 == 1:
            change_record(
                actor=official, action=Action.CLIENT_MOVED, target=client, client_id=client.pk
            )
        else:
            look_record(
                actor=worker,
                action=Action.CLIENT_SEARCHED,
                at=timezone.now(),
                result_count=2,
                details={"clients": [clients[0].pk, client.pk]},
                search_criteria={"last_name": client.last_name, "municipality": "167"},
            )


@pytest.fixture
def sealed_log() -> list[int]:
    """36 events under checkpoints at 20 and 36, in the database and the anchor file."""
    write_events(20)
    seal()
    write_events(16)
    seal()
    sizes = list(Checkpoint.objects.values_list("size", flat=True))
    assert sizes == [20, 36]
    return sizes


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "log.pub"
    path.write_text(f"{signing_key().verifier}\n")
    return path


def export(tmp_path: Path, *, with_values: bool = True) -> Path:
    path = tmp_path / ("values.jsonl" if with_values else "plain.jsonl")
    options = ["--with-values"] if with_values else []
    call_command("export_log", str(path), *options, stderr=io.StringIO())
    return path


def rewrite_entry(line: dict, **changes) -> None:
    """Change fields of a leaf line's entry, written again as canonical text."""
    entry = json.loads(line["entry"])
    entry.update(changes)
    line["entry"] = leaf.canonical_json(entry).decode()


def lines_of(path: Path) -> list[dict]:
    return [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]


def write_lines(path: Path, lines: list[dict]) -> Path:
    path.write_text(
        "".join(
            f"{json.dumps(line, ensure_ascii=False, separators=(',', ':'))}\n" for line in lines
        ),
        encoding="utf-8",
    )
    return path


def behind_the_apps_back(*steps: tuple[str, list]) -> None:
    """Statements run as the database's owner would: on PostgreSQL with triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL session_replication_role = replica")
        for statement, params in steps:
            cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def event_at(index: int) -> int:
    return LogLeaf.objects.get(index=index).event_id


# -- intact ------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_values", [True, False])
def test_an_intact_export_verifies_as_the_database_does(
    sealed_log, tmp_path, key_file, with_values
):
    path = export(tmp_path, with_values=with_values)
    result = run_tool(path, key_file, "--anchor", settings.LOG_CHECKPOINT_FILE)
    assert (result.returncode, result.stdout) == (0, "OK: 36 leaves, 2 signed sizes all match\n")
    assert outside(path, key_file) == inside() == (True, None, set())
    values = [line for line in lines_of(path) if "values" in line]
    assert len(values) == (36 if with_values else 0)


def test_the_worker_processes_give_the_same_verdict(sealed_log, tmp_path, key_file):
    path = export(tmp_path)
    assert run_tool(path, key_file, "--jobs", "2").returncode == 0
    lines = lines_of(path)
    rewrite_entry(lines[30], actor_name="Someone Else")
    tampered = write_lines(tmp_path / "tampered.jsonl", lines)
    one, two = run_tool(tampered, key_file), run_tool(tampered, key_file, "--jobs", "2")
    assert (one.returncode, one.stdout) == (two.returncode, two.stdout)
    assert one.returncode == 1


def test_a_purged_clients_events_still_verify_without_their_salts(sealed_log, tmp_path, key_file):
    from audit.redaction import redact_client

    client_id = AccessEvent.objects.exclude(client_id=None).values_list("client_id", flat=True)[0]
    redact_client(client_id, actor=UserFactory())
    seal()
    path = export(tmp_path)
    opened = [line for line in lines_of(path) if line.get("type") == "leaf" and "salt" in line]
    assert 0 < len(opened) < LogLeaf.objects.count()
    assert outside(path, key_file) == inside() == (True, None, set())


# -- the export tampered with ---------------------------------------------------------------


def tampered(tmp_path: Path, change) -> Path:
    lines = lines_of(export(tmp_path))
    return write_lines(tmp_path / "tampered.jsonl", change(lines) or lines)


def test_a_changed_entry_field_is_named_by_its_index(sealed_log, tmp_path, key_file):
    def change(lines):
        rewrite_entry(lines[1 + 25], actor_name="Someone Else")

    reading = outside(tampered(tmp_path, change), key_file)
    assert reading == (False, 25, {"leaf_mismatch", "root_mismatch"})

    # The same change made to the row: verify and a fresh export agree.
    behind_the_apps_back(
        ("UPDATE audit_accessevent SET actor_name = %s WHERE id = %s", ["X", event_at(25)])
    )
    assert inside() == outside(export(tmp_path), key_file) == reading


def test_a_value_that_does_not_open_its_commitment_is_named(sealed_log, tmp_path, key_file):
    def change(lines):
        lines[1 + 7]["values"]["purpose_text"] = '"rewritten"'

    assert outside(tampered(tmp_path, change), key_file) == (False, 7, {"commitment_mismatch"})

    # In the database the value changes the entry opened with the salt: a leaf mismatch there.
    behind_the_apps_back(
        ("UPDATE audit_accessevent SET purpose_text = 'rewritten' WHERE id = %s", [event_at(6)])
    )
    assert inside()[:2] == outside(export(tmp_path), key_file)[:2] == (False, 6)


def gap_at(index: int) -> Reading:
    return False, index, {"index_gap", "tree_shorter"}


def test_a_dropped_leaf_line_leaves_a_gap(sealed_log, tmp_path, key_file):
    def change(lines):
        del lines[1 + 12]

    # The leaves stop at the gap: the signed sizes beyond it are beyond the tree too.
    assert outside(tampered(tmp_path, change), key_file) == gap_at(12)


def test_two_swapped_leaf_lines_are_named(sealed_log, tmp_path, key_file):
    def change(lines):
        lines[1 + 22], lines[1 + 23] = lines[1 + 23], lines[1 + 22]

    assert outside(tampered(tmp_path, change), key_file) == gap_at(22)


def test_two_leaves_reordered_and_renumbered_break_the_signed_root(sealed_log, tmp_path, key_file):
    def change(lines):
        lines[1 + 22], lines[1 + 23] = lines[1 + 23], lines[1 + 22]
        lines[1 + 22]["index"], lines[1 + 23]["index"] = 22, 23

    assert outside(tampered(tmp_path, change), key_file) == (False, 20, {"root_mismatch"})


def test_a_forged_leaf_with_a_true_leaf_hash_breaks_the_signed_root(sealed_log, tmp_path, key_file):
    """Slipped in at 10 with the later leaves renumbered: every leaf matches its entry, but the
    root at 20 is not the one signed; the leaves 0..19 are named."""

    def change(lines):
        forged = json.loads(json.dumps(lines[1 + 10]))
        rewrite_entry(forged, actor_name="Forger")
        forged["leaf_hash"] = merkle.leaf_hash(forged["entry"].encode()).hex()
        lines.insert(1 + 10, forged)
        for index, line in enumerate(lines[1:38]):
            line["index"] = index

    assert outside(tampered(tmp_path, change), key_file) == (False, 0, {"root_mismatch"})


def test_a_truncated_export_is_caught_against_the_anchor_file(sealed_log, tmp_path, key_file):
    def change(lines):
        return lines[: 1 + 27]  # the header and 27 leaves; the checkpoints cut off too

    assert outside(tampered(tmp_path, change), key_file) == (False, 27, {"tree_shorter"})

    # The same rollback in the database, the anchor file kept.
    behind_the_apps_back(
        ('DELETE FROM audit_logleaf WHERE "index" >= %s', [27]),
        ("DELETE FROM audit_treenode WHERE (position + 1) << level > %s", [27]),
        ("DELETE FROM audit_checkpoint WHERE size > %s", [27]),
        (
            "DELETE FROM audit_commitmentsalt"
            " WHERE event_id NOT IN (SELECT event_id FROM audit_logleaf)",
            [],
        ),
        ("DELETE FROM audit_accessevent WHERE id NOT IN (SELECT event_id FROM audit_logleaf)", []),
    )
    assert inside() == outside(export(tmp_path), key_file) == (False, 27, {"tree_shorter"})


def forged_note(size: int, root: bytes) -> str:
    forger = notes.generate(signing_key().name)  # the log's name, another key
    return forger.sign(notes.checkpoint_text(notes.TreeHead(forger.name, size, root)))


def test_a_checkpoint_signed_by_another_key_is_refused(sealed_log, tmp_path, key_file):
    note = forged_note(5, bytes(32))

    def change(lines):
        lines.append({"type": "checkpoint", "note": note})

    reading = outside(tampered(tmp_path, change), key_file)
    assert reading == (False, None, {"bad_signature"})

    Checkpoint.objects.create(size=5, root_hash=bytes(32), note=note)
    assert inside() == outside(export(tmp_path), key_file) == reading


def test_two_signed_roots_for_one_size_are_a_fork(sealed_log, tmp_path, key_file):
    other = signing_key().sign(
        notes.checkpoint_text(notes.TreeHead(signing_key().name, 20, bytes(32)))
    )

    def change(lines):
        lines.append({"type": "checkpoint", "note": other})

    assert outside(tampered(tmp_path, change), key_file) == (False, 20, {"fork"})


def test_a_checkpoint_for_another_origin_is_refused(sealed_log, tmp_path, key_file):
    root = base64.b64encode(bytes(32)).decode()
    note = signing_key().sign(f"atmt.example/another-log\n3\n{root}\n")

    def change(lines):
        lines.append({"type": "checkpoint", "note": note})

    assert outside(tampered(tmp_path, change), key_file) == (False, None, {"origin_mismatch"})


def test_an_unreadable_export_or_key_is_a_usage_error(sealed_log, tmp_path, key_file):
    path = export(tmp_path)
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"type":"header","format":"something else","version":1}\n')
    bad_key = tmp_path / "bad.pub"
    bad_key.write_text("not a key\n")
    assert run_tool(garbage, key_file).returncode == 2
    assert run_tool(path, bad_key).returncode == 2
    assert run_tool(tmp_path / "missing.jsonl", key_file).returncode == 2
    lines = lines_of(path)
    lines.append(lines[1])  # a leaf after the checkpoints: it would go unread
    assert run_tool(write_lines(tmp_path / "late.jsonl", lines), key_file).returncode == 2


# -- independence --------------------------------------------------------------------------


def test_the_tool_imports_only_the_standard_library_and_cryptography():
    imported = set()
    for node in ast.walk(ast.parse(TOOL.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add((node.module or "").partition(".")[0])
    assert imported - {"cryptography"} <= sys.stdlib_module_names
    assert "cryptography" in imported


def test_a_salt_deleted_without_the_values_is_caught_outside_too(sealed_log, tmp_path, key_file):
    behind_the_apps_back(
        ("DELETE FROM audit_commitmentsalt WHERE event_id = %s", [event_at(3)]),
    )
    assert inside() == (False, 3, {"not_redacted"})
    assert outside(export(tmp_path), key_file) == inside()


def load_tool():
    spec = importlib.util.spec_from_file_location("verify_log_export", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tools_notes_open_gos_published_notes():
    """Its own key and note code against Go's test key, sum.golang.org and a witnessed
    checkpoint; like note.Open (and audit.notes) it skips
    an unknown key's cosignature placed before the log's signature."""
    tool = load_tool()
    assert tool.Key(go.PETER_VERIFIER_KEY).open(go.PETER_SIGNED_NOTE) == go.PETER_TEXT
    sumdb = tool.Key(go.SUMDB_VERIFIER_KEY)
    origin, size, _ = tool.parse_checkpoint(sumdb.open(go.SUMDB_CHECKPOINT))
    assert (origin, size) == ("go.sum database tree", 6476701)
    reordered = (
        go.WITNESSED_TEXT
        + "\n"
        + go.WITNESS_COSIGNATURE
        + go.WITNESSED_SUMDB_SIGNATURE
        + go.WITNESS_ED25519_SIGNATURE
    )
    for note in (go.WITNESSED_CHECKPOINT, reordered):
        assert tool.parse_checkpoint(sumdb.open(note))[1] == 15081221
    with pytest.raises(ValueError, match="not signed by this key"):
        tool.Key(go.ENOCH_VERIFIER_KEY).open(go.PETER_SIGNED_NOTE)
    tampered = go.PETER_SIGNED_NOTE.replace("If you think", "If you thought")
    assert tampered != go.PETER_SIGNED_NOTE
    with pytest.raises(ValueError, match="does not verify"):
        tool.Key(go.PETER_VERIFIER_KEY).open(tampered)


def test_the_tools_tree_is_the_projects():
    tool = load_tool()
    hashes = [merkle.leaf_hash(str(n).encode()) for n in range(70)]
    tree = tool.Tree({})
    for size, node in enumerate(hashes, 1):
        tree.append(node)
        assert tree.root() == merkle.root(hashes[:size])
