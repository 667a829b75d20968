"""The log's Merkle tree as stored: its size, roots and proofs, read from a few rows.

The sequencer (audit/sequencer.py) stores every complete node, so any range a proof names is
made of at most about 2·log2(n) perfect subtrees (`merkle.perfect_parts`), read in two queries:
a proof costs the same at ten events and at fifty million, and never reads the log itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max

from audit import merkle
from audit.models import AccessEvent, Checkpoint, LogLeaf, TreeNode


def tree_size() -> int:
    last = LogLeaf.objects.aggregate(last=Max("index"))["last"]
    return 0 if last is None else last + 1


def frontier(size: int) -> list[tuple[int, int, bytes]]:
    """The perfect subtrees of the tree of `size` leaves, left to right, as (level, position,
    hash): all the sequencer needs to go on appending."""
    parts = merkle.perfect_parts(0, size)
    hashes = _part_hashes(parts)
    return [(level, position, hashes[level, position]) for level, position in parts]


def root_at(size: int) -> bytes:
    if size == 0:
        return merkle.EMPTY_ROOT
    return merkle.fold([part_hash for _, _, part_hash in frontier(size)])


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return _range_hashes(merkle.inclusion_ranges(index, size))


def consistency_proof(first: int, size: int) -> list[bytes]:
    return _range_hashes(merkle.consistency_ranges(first, size))


@dataclass(frozen=True)
class EventProof:
    """What shows one event in the log: its leaf, its audit path to the root of a signed
    checkpoint, and that checkpoint as it was signed."""

    index: int
    leaf_hash: bytes
    size: int
    path: list[bytes]
    checkpoint_note: str

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "leaf_hash": self.leaf_hash.hex(),
            "tree_size": self.size,
            "path": [node.hex() for node in self.path],
            "checkpoint": self.checkpoint_note,
        }


def event_proof(event: AccessEvent) -> EventProof | None:
    """The proof of `event` against the newest checkpoint, or None while no checkpoint covers
    it yet (it is still queued, or sequenced since the last signature)."""
    leaf = LogLeaf.objects.filter(event=event).first()
    if leaf is None:
        return None
    checkpoint = Checkpoint.objects.filter(size__gt=leaf.index).order_by("-size").first()
    if checkpoint is None:
        return None
    return EventProof(
        index=leaf.index,
        leaf_hash=bytes(leaf.leaf_hash),
        size=checkpoint.size,
        path=inclusion_proof(leaf.index, checkpoint.size),
        checkpoint_note=checkpoint.note,
    )


def _range_hashes(ranges: list[tuple[int, int]]) -> list[bytes]:
    parts_of = [merkle.perfect_parts(start, end) for start, end in ranges]
    hashes = _part_hashes(part for parts in parts_of for part in parts)
    return [merkle.fold([hashes[part] for part in parts]) for parts in parts_of]


def _part_hashes(parts: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The hashes of perfect subtrees: a leaf's from its row, a larger one's from its node."""
    parts = set(parts)
    leaves = [position for level, position in parts if level == 0]
    nodes = [part for part in parts if part[0] > 0]
    hashes = {
        (0, index): bytes(leaf_hash)
        for index, leaf_hash in LogLeaf.objects.filter(index__in=leaves).values_list(
            "index", "leaf_hash"
        )
    }
    if nodes:
        hashes |= {
            (level, position): bytes(node_hash)
            for level, position, node_hash in TreeNode.objects.filter(pk__in=nodes).values_list(
                "level", "position", "hash"
            )
        }
    missing = parts - hashes.keys()
    if missing:
        raise LookupError(f"the stored tree lacks {len(missing)} of the nodes asked for")
    return hashes
