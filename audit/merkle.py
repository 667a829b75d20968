"""RFC 6962 / RFC 9162 Merkle trees: hashes, inclusion and consistency proofs, and their checks.

Pure functions over leaf hashes, with the standard library only, so that the outside auditor's
verifier can carry the same few lines without Django or a database. The first part of the
tamper-evident log: the proofs are named as leaf ranges (`inclusion_ranges`, `consistency_ranges`)
so that the same recursion serves a list of leaves here and the stored tree (audit/tree.py), which
reads each range's hash from the few perfect subtrees it is made of (`perfect_parts`).

The test vectors are Certificate Transparency's (tests/audit/test_merkle.py): a log no other
implementation agrees with proves nothing to anyone.
"""

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash (MTH) of a list of leaf hashes."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    split = _split(len(leaves))
    return node_hash(root(leaves[:split]), root(leaves[split:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf `index` in the tree of `leaves` (RFC 6962 §2.1.1)."""
    return [root(leaves[start:end]) for start, end in inclusion_ranges(index, len(leaves))]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """What proves the tree of the first `first` leaves a prefix of `leaves` (RFC 6962 §2.1.2)."""
    return [root(leaves[start:end]) for start, end in consistency_ranges(first, len(leaves))]


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges [start, end) whose hashes make the audit path of `index`, nearest first."""
    if not 0 <= index < size:
        raise ValueError("the leaf is not in the tree")
    ranges = []
    start, end = 0, size
    while end - start > 1:
        split = start + _split(end - start)
        if index < split:
            ranges.append((split, end))
            end = split
        else:
            ranges.append((start, split))
            start = split
    return ranges[::-1]


def consistency_ranges(first: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes prove the tree of `first` leaves a prefix of that of `size`:
    RFC 6962's SUBPROOF, unrolled."""
    if not 0 < first <= size:
        raise ValueError("the first tree must be non-empty and no larger than the second")
    ranges = []
    start, end, whole = 0, size, True
    while first != end - start:
        split = _split(end - start)
        if first <= split:
            ranges.append((start + split, end))
            end = start + split
        else:
            ranges.append((start, start + split))
            first, start, whole = first - split, start + split, False
    if not whole:
        ranges.append((start, end))
    return ranges[::-1]


def perfect_parts(start: int, end: int) -> list[tuple[int, int]]:
    """The perfect subtrees, as (level, position), that the range [start, end) of a proof is
    made of, left to right: a tree stores exactly these, never a ragged right edge.

    Every range the recursions above name starts at a multiple of its left part's size, so each
    part is aligned: the node at `level` and `position` covers leaves
    [position << level, (position + 1) << level).
    """
    parts = []
    while start < end:
        size = 1 << ((end - start).bit_length() - 1)
        if start % size:
            raise ValueError("the range is not one of a tree's subtrees")
        level = size.bit_length() - 1
        parts.append((level, start >> level))
        start += size
    return parts


def append_leaf(
    frontier: list[tuple[int, int, bytes]], index: int, leaf: bytes
) -> list[tuple[int, int, bytes]]:
    """Append leaf `index` to a tree kept as its frontier, its perfect subtrees as (level,
    position, hash) left to right; the interior nodes the leaf completes, lowest first."""
    frontier.append((0, index, leaf))
    completed = []
    while len(frontier) > 1 and frontier[-1][0] == frontier[-2][0]:
        level, position, right = frontier.pop()
        _, _, left = frontier.pop()
        frontier.append((level + 1, position >> 1, node_hash(left, right)))
        completed.append(frontier[-1])
    return completed


def fold(parts: Sequence[bytes]) -> bytes:
    """The hash of a range from its perfect parts' hashes, left to right."""
    computed = parts[-1]
    for part in reversed(parts[:-1]):
        computed = node_hash(part, computed)
    return computed


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """Whether `proof` shows `leaf` at `index` of the tree of `size` with `expected_root`
    (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        return False
    node, last, computed = index, size - 1, leaf
    for sibling in proof:
        if last == 0:
            return False
        if node & 1 or node == last:
            computed = node_hash(sibling, computed)
            node, last = _climb_right_edge(node, last)
        else:
            computed = node_hash(computed, sibling)
        node, last = node >> 1, last >> 1
    return last == 0 and computed == expected_root


def verify_consistency(
    first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> bool:
    """Whether `proof` shows the tree of `first` leaves a prefix of that of `second`
    (RFC 9162 §2.1.4.2)."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first tree is a subtree of the second
        path.insert(0, first_root)
    node, last = first - 1, second - 1
    while node & 1:
        node, last = node >> 1, last >> 1
    first_computed = second_computed = path[0]
    for sibling in path[1:]:
        if last == 0:
            return False
        if node & 1 or node == last:
            first_computed = node_hash(sibling, first_computed)
            second_computed = node_hash(sibling, second_computed)
            node, last = _climb_right_edge(node, last)
        else:
            second_computed = node_hash(second_computed, sibling)
        node, last = node >> 1, last >> 1
    return last == 0 and first_computed == first_root and second_computed == second_root


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size > 1): where the tree divides."""
    return 1 << ((size - 1).bit_length() - 1)


def _climb_right_edge(node: int, last: int) -> tuple[int, int]:
    """Past a left child's hash: climb while the node is a right-edge left child."""
    if not node & 1:
        while not (node & 1 or node == 0):
            node, last = node >> 1, last >> 1
    return node, last
