"""The log's tree as stored: the sequencer gives every committed event a gapless place, the
stored nodes give the same roots and proofs as the pure module over all the leaves, and signed
checkpoints go to the database and the anchor file alike."""

import datetime
import io
import json
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit import leaf, merkle, notes, tree
from audit.checkpoints import read_anchor, seal, signing_key
from audit.models import AccessEvent, Checkpoint, CommitmentSalt, LogLeaf, PendingEvent
from audit.sequencer import sequence
from audit.services import change_record
from audit.tasks import seal_log
from tests.factories import ClientFactory, UserFactory


def write_events(count: int, **fields) -> list[AccessEvent]:
    actor = fields.pop("actor", None) or UserFactory()
    return [
        change_record(actor=actor, action=AccessEvent.Action.CLIENT_MOVED, target=None, **fields)
        for _ in range(count)
    ]


def stored_leaf_hashes() -> list[bytes]:
    return [bytes(h) for h in LogLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)]


@pytest.mark.django_db
def test_every_event_is_queued_in_its_own_transaction_and_sequenced_gaplessly():
    events = write_events(37)
    assert set(PendingEvent.objects.values_list("event_id", flat=True)) == {e.pk for e in events}

    assert sequence(batch_size=10) == 37

    assert not PendingEvent.objects.exists()
    leaves = list(LogLeaf.objects.order_by("index").values_list("index", "event_id"))
    assert leaves == [(index, event.pk) for index, event in enumerate(events)]
    assert CommitmentSalt.objects.count() == 37


@pytest.mark.django_db
def test_the_stored_tree_gives_the_roots_and_proofs_of_the_whole_list_of_leaves():
    write_events(13)
    sequence(batch_size=5)
    write_events(8)
    sequence(batch_size=3)
    hashes = stored_leaf_hashes()

    for size in range(1, 22):
        assert tree.root_at(size) == merkle.root(hashes[:size])
        for index in range(size):
            assert tree.inclusion_proof(index, size) == merkle.inclusion_proof(index, hashes[:size])
        for first in range(1, size + 1):
            assert tree.consistency_proof(first, size) == merkle.consistency_proof(
                first, hashes[:size]
            )


@pytest.mark.django_db
def test_a_leaf_holds_personal_fields_only_as_commitments_its_salt_opens():
    client = ClientFactory()
    (event,) = write_events(1, client_id=client.pk, details={"clients": [client.pk]})
    sequence()
    stored = LogLeaf.objects.get(event=event)
    row = AccessEvent.objects.filter(pk=event.pk).values(*leaf.FIELDS).get()
    salt = bytes(CommitmentSalt.objects.get(event=event).salt)

    entry = leaf.entry(row, stored.commitments)
    assert set(entry["commitments"]) == set(leaf.PERSONAL_FIELDS)
    assert not set(leaf.PERSONAL_FIELDS) & set(entry)
    assert stored.commitments == leaf.commitments(row, salt)
    assert stored.commitments != leaf.commitments({**row, "client_id": client.pk + 1}, salt)
    assert bytes(stored.leaf_hash) == merkle.leaf_hash(leaf.canonical_json(entry))


@pytest.mark.django_db
def test_a_checkpoint_is_signed_when_the_tree_grows_and_appended_to_the_anchor_file(settings):
    write_events(5)
    first = seal()
    assert seal() is None  # nothing new: nothing signed
    write_events(2)
    second = seal_log.enqueue().return_value

    assert (first.size, second) == (5, 7)
    verifier = signing_key().verifier
    heads = [
        notes.parse_checkpoint(notes.open_note(note, verifier))
        for note in read_anchor(settings.LOG_CHECKPOINT_FILE)
    ]
    assert [(head.size, head.root_hash) for head in heads] == [
        (c.size, bytes(c.root_hash)) for c in Checkpoint.objects.all()
    ]
    assert heads[-1].root_hash == merkle.root(stored_leaf_hashes())


@pytest.mark.django_db
def test_an_events_proof_verifies_against_the_newest_checkpoint():
    events = write_events(11)
    assert tree.event_proof(events[3]) is None  # not yet sequenced
    seal()
    proof = tree.event_proof(events[3])

    head = notes.parse_checkpoint(notes.open_note(proof.checkpoint_note, signing_key().verifier))
    assert merkle.verify_inclusion(
        proof.index, proof.size, proof.leaf_hash, proof.path, head.root_hash
    )
    assert len(proof.path) == 4


def test_a_note_signed_by_another_key_or_altered_does_not_open():
    signer, other = notes.generate("atmt.test/log"), notes.generate("atmt.test/log")
    note = signer.sign(notes.checkpoint_text(notes.TreeHead("atmt.test/log", 3, bytes(32))))

    assert notes.open_note(note, signer.verifier).startswith("atmt.test/log\n3\n")
    assert notes.parse_verifier(str(signer.verifier)) == signer.verifier
    assert notes.parse_signer(str(signer)).verifier == signer.verifier
    with pytest.raises(notes.InvalidNote):
        notes.open_note(note, other.verifier)
    with pytest.raises(notes.InvalidNote):
        notes.open_note(note.replace("\n3\n", "\n4\n"), signer.verifier)


def test_keys_round_trip_in_go_notes_text_whatever_their_bytes():
    for _ in range(50):  # base64 of a key often holds a "+", the format's own separator
        signer = notes.generate("atmt.test/log")
        assert notes.parse_signer(str(signer)).verifier == signer.verifier
        assert notes.parse_verifier(str(signer.verifier)) == signer.verifier


def test_production_refuses_to_sign_without_a_key_file(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PRODUCTION = True
    settings.LOG_SIGNING_KEY_FILE = "/nonexistent/log-signing.key"
    signing_key.cache_clear()
    with pytest.raises(ImproperlyConfigured):
        signing_key()
    settings.LOG_SIGNING_KEY_FILE = None
    with pytest.raises(ImproperlyConfigured):
        signing_key()


@pytest.mark.django_db(transaction=True)
def test_an_event_that_commits_after_one_with_a_higher_id_is_not_skipped():
    if connection.vendor != "postgresql":
        pytest.skip("two concurrent writers need PostgreSQL")
    actor = UserFactory()
    inserted, release = threading.Event(), threading.Event()
    slow = {}

    def slow_writer():
        try:
            with transaction.atomic():
                (slow["event"],) = write_events(1, actor=actor)
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    inserted.wait(10)
    (fast,) = write_events(1, actor=actor)  # a higher id, committed first
    assert fast.pk > slow["event"].pk
    assert sequence() == 1
    release.set()
    thread.join(10)
    assert sequence() == 1

    order = list(LogLeaf.objects.order_by("index").values_list("event_id", flat=True))
    assert order == [fast.pk, slow["event"].pk]


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_enqueues_once_and_the_database_worker_seals(settings):
    """django-tasks-db on this Django: the scheduler's task waits in the database queue, the
    worker runs it, and a second tick adds nothing while one is waiting."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    if connection.vendor != "postgresql":
        pytest.skip(
            "the worker closes its connection, and with it SQLite's in-memory test database"
        )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    write_events(3)
    call_command("log_scheduler", "--once")
    call_command("log_scheduler", "--once")
    sealing = DBTaskResult.objects.filter(task_path="audit.tasks.seal_log")
    assert sealing.ready().count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay")

    outcome = list(sealing.values_list("status", "return_value", "traceback"))
    assert [(status, value) for status, value, _ in outcome] == [("SUCCESSFUL", 3)], outcome
    assert Checkpoint.objects.get().size == 3

    # A week on, the next start of the scheduler prunes that result (and enqueues a new one).
    week_ago = timezone.now() - datetime.timedelta(days=8)
    DBTaskResult.objects.update(enqueued_at=week_ago, finished_at=week_ago)
    call_command("log_scheduler", "--once")
    assert list(sealing.values_list("status", flat=True)) == ["READY"]


@pytest.mark.django_db
def test_log_proof_prints_a_proof_that_verifies(capsys):
    from django.core.management import call_command

    events = write_events(6)
    seal()
    call_command("log_proof", str(events[4].event_id))
    proof = json.loads(capsys.readouterr().out)

    head = notes.parse_checkpoint(notes.open_note(proof["checkpoint"], signing_key().verifier))
    path = [bytes.fromhex(node) for node in proof["path"]]
    leaf_hash = bytes.fromhex(proof["leaf_hash"])
    assert merkle.verify_inclusion(
        proof["index"], proof["tree_size"], leaf_hash, path, head.root_hash
    )


@pytest.mark.django_db
def test_an_export_without_values_holds_no_personal_value(tmp_path):
    from django.core.management import call_command

    client = ClientFactory()
    write_events(2, client_id=client.pk, details={"note": "Salainen muistiinpano"})
    seal()
    bare, full = tmp_path / "bare.jsonl", tmp_path / "full.jsonl"
    call_command("export_log", str(bare), stderr=io.StringIO())
    call_command("export_log", str(full), "--with-values", stderr=io.StringIO())

    assert "Salainen" not in bare.read_text()
    assert "Salainen" in full.read_text()
    entries = [json.loads(json.loads(line)["entry"]) for line in bare.read_text().splitlines()[1:3]]
    assert [set(leaf.PERSONAL_FIELDS) & set(entry) for entry in entries] == [set(), set()]


def test_a_checkpoint_size_is_plain_decimal():
    root = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    assert notes.parse_checkpoint(f"atmt.test/log\n12\n{root}\n").size == 12
    for size in ("012", "\u00b2", "1 ", "-1", ""):
        with pytest.raises(notes.InvalidNote):
            notes.parse_checkpoint(f"atmt.test/log\n{size}\n{root}\n")
