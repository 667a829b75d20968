"""RFC 6962 / RFC 9162 Merkle trees: hashes, inclusion and consistency proofs, and their checks.

Pure functions over leaf hashes, with the standard library only, so that the outside auditor's
verifier can carry the same few lines without Django or a database. The first part of the
tamper-evident log (issue 12): the sequencer that stores the tree's interior hashes comes next;
until then the proofs are computed from the leaves, in O(n).

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
    if not 0 <= index < len(leaves):
        raise ValueError("the leaf is not in the tree")
    if len(leaves) == 1:
        return []
    split = _split(len(leaves))
    if index < split:
        return [*inclusion_proof(index, leaves[:split]), root(leaves[split:])]
    return [*inclusion_proof(index - split, leaves[split:]), root(leaves[:split])]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """What proves the tree of the first `first` leaves a prefix of `leaves` (RFC 6962 §2.1.2)."""
    if not 0 < first <= len(leaves):
        raise ValueError("the first tree must be non-empty and no larger than the second")
    return _subproof(first, leaves, whole=True)


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


def _subproof(first: int, leaves: Sequence[bytes], *, whole: bool) -> list[bytes]:
    if first == len(leaves):
        return [] if whole else [root(leaves)]
    split = _split(len(leaves))
    if first <= split:
        return [*_subproof(first, leaves[:split], whole=whole), root(leaves[split:])]
    return [*_subproof(first - split, leaves[split:], whole=False), root(leaves[:split])]


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size > 1): where the tree divides."""
    return 1 << ((size - 1).bit_length() - 1)


def _climb_right_edge(node: int, last: int) -> tuple[int, int]:
    """Past a left child's hash: climb while the node is a right-edge left child."""
    if not node & 1:
        while not (node & 1 or node == 0):
            node, last = node >> 1, last >> 1
    return node, last
