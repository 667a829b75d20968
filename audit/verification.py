"""Checking the log against its signed checkpoints, and exporting it for an outside auditor.

`verify` reads the log once, in index order, and recomputes every leaf from the event rows (a
field changed since sequencing changes the leaf), builds the tree from the recomputed leaves,
and compares its root at every checkpoint's size with the signed root: the checkpoints stored
in the database and those in the trust-anchor file kept outside it, every one checked against
the public key. Consecutive checkpoints must also be consistent through proofs read from the
stored tree, which is what clients' proofs are made of. Every problem names its code and the
first index it concerns; the verdict is the list of problems, empty when the log is intact.

`export` writes the same reading as JSON Lines (the format in README, "The log as evidence"):
what tools/verify_log_export.py, which needs neither Django nor the database, checks again.
"""

import concurrent.futures
import itertools
import json
import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

import orjson
from django.db import connection, connections
from django.db.models import JSONField, Max, TextField
from django.db.models.functions import Cast

from audit import leaf, merkle, notes
from audit.models import AccessEvent, Checkpoint, LogLeaf, PendingEvent
from audit.tree import consistency_proof

EXPORT_FORMAT = "atmt-log-export"
EXPORT_VERSION = 1
CHUNK = 5000


# What a problem says of its index: the leaf itself is wrong, or somewhere from this index on
# up to a signed size something is (a root cannot tell which leaf differs).
RANGE_CODES = frozenset({"root_mismatch", "tree_shorter", "inconsistent"})


@dataclass(frozen=True)
class Problem:
    code: str
    index: int | None
    detail: str

    def __str__(self) -> str:
        place = "" if self.index is None else f"index {self.index}: "
        return f"{place}{self.code}: {self.detail}"


@dataclass
class Verdict:
    tree_size: int = 0
    checkpoints: int = 0
    newest_checkpoint: int = 0
    queued: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def first_bad_index(self) -> int | None:
        """The first leaf known to be wrong, else the start of the first range that is."""
        exact = [
            p.index for p in self.problems if p.index is not None and p.code not in RANGE_CODES
        ]
        ranges = [p.index for p in self.problems if p.index is not None and p.code in RANGE_CODES]
        return min(exact or ranges, default=None)


@dataclass(frozen=True)
class StoredLeaf:
    """One leaf as stored, with its event's row (None if the row is gone) and salt."""

    index: int
    leaf_hash: bytes
    commitments: dict
    row: dict | None
    salt: bytes | None


def stored_leaves(first: int = 0, end: int | None = None) -> Iterator[StoredLeaf]:
    """The leaves from index `first` up to `end` (the last, if None) in index order, with their
    events' current rows and salts, a range of indices at a time.

    Two queries per range rather than one join: a leaf whose event row is gone must still be
    read, and the ORM joins a leaf's event with an inner join.
    """
    if end is None:
        end = _last_index() + 1
    for start in range(first, end, CHUNK):
        span = {"index__gte": start, "index__lt": min(start + CHUNK, end)}
        leaves = LogLeaf.objects.filter(**span).order_by("index")
        events = AccessEvent.objects.filter(**{f"leaf__{k}": v for k, v in span.items()})
        rows = {row["id"]: _decoded(row) for row in events.values(*EVENT_COLUMNS, **JSON_AS_TEXT)}
        for index, leaf_hash, commitments, event_id in leaves.values_list(
            "index", "leaf_hash", Cast("commitments", TextField()), "event_id"
        ):
            row = rows.get(event_id)
            salt = None if row is None else row.pop("salt__salt")
            yield StoredLeaf(
                index,
                bytes(leaf_hash),
                orjson.loads(commitments),
                row,
                None if salt is None else bytes(salt),
            )


# The JSON columns are read as text and parsed here with orjson: Django's own parsing of them
# took half of verify_log's time (bench/log_tree.py).
JSON_FIELDS = [
    name for name in leaf.FIELDS if isinstance(AccessEvent._meta.get_field(name), JSONField)
]
EVENT_COLUMNS = ["id", "salt__salt", *(name for name in leaf.FIELDS if name not in JSON_FIELDS)]
JSON_AS_TEXT = {f"{name}_text": Cast(name, TextField()) for name in JSON_FIELDS}


def _decoded(row: dict) -> dict:
    for name in JSON_FIELDS:
        row[name] = orjson.loads(row.pop(f"{name}_text"))
    return row


def _last_index() -> int:
    last = LogLeaf.objects.aggregate(last=Max("index"))["last"]
    return -1 if last is None else last


def recomputed_entry(stored: StoredLeaf) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The entry the event's row makes now: opened with its salt, or, once purged, with the
    commitments the leaf keeps (the row must then hold none of the purged values)."""
    if stored.row is None:
        return None, [Problem("event_missing", stored.index, "the leaf's event row is gone")]
    if stored.salt is not None:
        return leaf.entry(stored.row, leaf.commitments(stored.row, stored.salt)), []
    problems = []
    if not leaf.is_redacted(stored.row):
        problems.append(
            Problem("not_redacted", stored.index, "the salt is gone but the values are not")
        )
    return leaf.entry(stored.row, stored.commitments), problems


class TreeBuilder:
    """The tree of the recomputed leaves, kept as its frontier, checked against signed roots."""

    def __init__(self, signed_roots: dict[int, bytes]):
        self.signed_roots = signed_roots
        self.frontier: list[tuple[int, int, bytes]] = []
        self.size = 0
        self.last_good = 0
        self.problems: list[Problem] = []

    def append(self, leaf_hash: bytes) -> None:
        merkle.append_leaf(self.frontier, self.size, leaf_hash)
        self.size += 1
        signed = self.signed_roots.get(self.size)
        if signed is None:
            return
        if self.root() == signed:
            self.last_good = self.size
        else:
            self.problems.append(
                Problem(
                    "root_mismatch",
                    self.last_good,
                    f"leaves {self.last_good}..{self.size - 1} are not what checkpoint "
                    f"{self.size} signed",
                )
            )

    def root(self) -> bytes:
        return merkle.fold([node for _, _, node in self.frontier])


def verify(verifier: notes.Verifier, anchor_notes: Iterable[str] = (), jobs: int = 1) -> Verdict:
    """The verdict on the whole log; `jobs` processes recompute its leaves (PostgreSQL only:
    each needs a connection of its own, and sees only what is committed)."""
    verdict = Verdict()
    checkpoints = list(Checkpoint.objects.all())
    stored = [(f"checkpoint {c.size} in the database", c.note) for c in checkpoints]
    anchored = [(f"note {n + 1} of the anchor file", note) for n, note in enumerate(anchor_notes)]
    signed_roots = _signed_roots(stored + anchored, verifier, verdict)
    _check_stored_checkpoints(checkpoints, verdict)
    tree = TreeBuilder(signed_roots)
    for index, leaf_hash, problems in checked_leaves(jobs):
        if index != tree.size:
            verdict.problems.append(
                Problem("index_gap", tree.size, f"the next leaf stored is {index}")
            )
            break
        verdict.problems += problems
        tree.append(leaf_hash)
    verdict.tree_size = tree.size
    verdict.problems += tree.problems
    verdict.checkpoints = len(signed_roots)
    verdict.newest_checkpoint = max(signed_roots, default=0)
    beyond = [size for size in signed_roots if size > tree.size]
    if beyond:
        verdict.problems.append(
            Problem(
                "tree_shorter",
                tree.size,
                f"checkpoint {max(beyond)} was signed but the tree has {tree.size} leaves: "
                "truncated or rolled back",
            )
        )
    _check_consistency(sorted(s for s in signed_roots if s <= tree.size), signed_roots, verdict)
    _check_every_event_is_logged(verdict)
    verdict.problems.sort(key=lambda p: (p.index is None, p.index or 0, p.code))
    return verdict


Checked = tuple[int, bytes, list[Problem]]  # a leaf's index, the hash the tree takes, problems


def checked_leaf(stored: StoredLeaf) -> Checked:
    """The leaf recomputed from its row; the stored hash if the row is gone (reported)."""
    entry, problems = recomputed_entry(stored)
    if entry is None:
        return stored.index, stored.leaf_hash, problems
    recomputed = merkle.leaf_hash(leaf.canonical_json(entry))
    if recomputed != stored.leaf_hash:
        problems.append(
            Problem("leaf_mismatch", stored.index, "the event row differs from its leaf")
        )
    return stored.index, recomputed, problems


def checked_leaves(jobs: int = 1) -> Iterator[Checked]:
    """Every leaf checked, in index order; in `jobs` processes, a range of indices each."""
    starts = range(0, _last_index() + 1, CHUNK)
    if jobs < 2 or connection.vendor != "postgresql":
        for start in starts:
            yield from _checked_range(start)
        return
    connections.close_all()  # each forked process opens its own
    # An executor, not a Pool: if a process dies, map raises BrokenProcessPool instead of waiting
    # for its range for ever. Forked, so the processes share the parent's settings.
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as executor:
        for checked in executor.map(_checked_range, starts):
            yield from checked


def _checked_range(start: int) -> list[Checked]:
    return [checked_leaf(stored) for stored in stored_leaves(start, start + CHUNK)]


def _signed_roots(
    sources: list[tuple[str, str]], verifier: notes.Verifier, verdict: Verdict
) -> dict[int, bytes]:
    roots: dict[int, bytes] = {}
    for where, note in sources:
        try:
            head = notes.parse_checkpoint(notes.open_note(note, verifier))
        except notes.InvalidNote as error:
            verdict.problems.append(Problem("bad_signature", None, f"{where}: {error}"))
            continue
        if head.origin != verifier.name:
            verdict.problems.append(Problem("origin_mismatch", None, f"{where}: {head.origin}"))
        elif roots.setdefault(head.size, head.root_hash) != head.root_hash:
            verdict.problems.append(
                Problem("fork", head.size, f"{where} signs another root for size {head.size}")
            )
    return roots


def _check_stored_checkpoints(checkpoints: list[Checkpoint], verdict: Verdict) -> None:
    """A checkpoint row's size and root must be those its own note states."""
    for checkpoint in checkpoints:
        text, _, _ = checkpoint.note.partition("\n\n")
        try:
            head = notes.parse_checkpoint(text + "\n")
        except notes.InvalidNote:
            continue  # reported with the signature
        if (head.size, head.root_hash) != (checkpoint.size, bytes(checkpoint.root_hash)):
            verdict.problems.append(
                Problem("checkpoint_row_mismatch", None, f"checkpoint {checkpoint.size}")
            )


def _check_consistency(sizes: list[int], roots: dict[int, bytes], verdict: Verdict) -> None:
    for first, second in itertools.pairwise(sizes):
        try:
            proof = consistency_proof(first, second)
        except LookupError as error:
            verdict.problems.append(Problem("inconsistent", first, str(error)))
            continue
        if not merkle.verify_consistency(first, second, proof, roots[first], roots[second]):
            verdict.problems.append(
                Problem(
                    "inconsistent",
                    first,
                    f"the stored tree does not prove checkpoint {first} a prefix of {second}",
                )
            )


def _check_every_event_is_logged(verdict: Verdict) -> None:
    """Every event is in the tree or in the queue; one that is in neither was slipped in
    behind the trigger's back."""
    verdict.queued = PendingEvent.objects.count()
    hidden = AccessEvent.objects.filter(leaf__isnull=True).exclude(
        id__in=PendingEvent.objects.values("event_id")
    )
    for event_id in hidden.order_by("id").values_list("id", flat=True)[:10]:
        verdict.problems.append(
            Problem(
                "event_not_sequenced", None, f"event #{event_id} is neither in the tree nor queued"
            )
        )


def export(out: TextIO, origin: str, *, with_values: bool = False) -> int:
    """Write the log as JSON Lines; the number of leaves written. Each entry is given as the
    exact canonical text its leaf hashes, so that a verifier hashes it as it stands. Without
    `with_values` the export holds no personal value (only commitments); with it, also each
    value's canonical text and the salt that opens the commitments."""
    _write(
        out,
        {"type": "header", "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "origin": origin},
    )
    count = 0
    for stored in stored_leaves():
        entry, _ = recomputed_entry(stored)
        line: dict[str, Any] = {
            "type": "leaf",
            "index": stored.index,
            "entry": None if entry is None else leaf.canonical_json(entry).decode(),
            "leaf_hash": stored.leaf_hash.hex(),
        }
        if with_values and stored.row is not None:
            # A purged event's values go out too (blank, or the verifier sees they are not).
            line["values"] = {
                name: value.decode() for name, value in leaf.personal_json(stored.row).items()
            }
            if stored.salt is not None:
                line["salt"] = stored.salt.hex()
        _write(out, line)
        count += 1
    for checkpoint in Checkpoint.objects.all():
        _write(out, {"type": "checkpoint", "note": checkpoint.note})
    return count


def _write(out: TextIO, line: dict) -> None:
    out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
