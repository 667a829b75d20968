"""The Merkle tree module against pymerkle, an implementation written by other people, on random
trees: the published vectors (test_merkle_vectors.py) stop at eight leaves, these go to a few
hundred. pymerkle is an oracle only once its hashing is shown to be RFC 6962's, which the first
test does."""

from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InmemoryTree
from pymerkle.core import _consistency_path_layout

from audit.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    consistency_ranges,
    fold,
    inclusion_proof,
    inclusion_ranges,
    leaf_hash,
    node_hash,
    perfect_parts,
    root,
    verify_consistency,
    verify_inclusion,
)

MAX_LEAVES = 300
# Random trees of up to MAX_LEAVES leaves; each example builds one tree in each implementation.
oracle_settings = settings(max_examples=100, deadline=None)
digests = st.binary(min_size=32, max_size=32)


def sized_lists(elements: st.SearchStrategy) -> st.SearchStrategy:
    """Lists whose length is drawn first and uniformly: left to itself, hypothesis keeps lists
    short, and the trees worth checking are the tall, ragged ones."""
    return st.integers(1, MAX_LEAVES).flatmap(
        lambda size: st.lists(elements, min_size=size, max_size=size)
    )


entries = sized_lists(st.binary(max_size=16))


def oracle(data: list[bytes]) -> InmemoryTree:
    """pymerkle's in-memory tree over the entries, with RFC 6962's prefixes (security on) and
    SHA-256: its defaults, spelled out so that a change of default cannot pass unseen."""
    return InmemoryTree.init_from_entries(data, algorithm="sha256", disable_security=False)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=64), left=digests, right=digests)
def test_the_oracle_hashes_leaves_and_nodes_as_rfc_6962_does(data, left, right):
    tree = oracle([b""])

    assert (tree.algorithm, tree.security) == ("sha256", True)
    assert tree.hash_buff(data) == leaf_hash(data)
    assert tree.hash_pair(left, right) == node_hash(left, right)
    assert tree.hash_empty() == EMPTY_ROOT


@oracle_settings
@given(data=entries, choice=st.data())
def test_every_root_is_the_oracles(data, choice):
    leaves = [leaf_hash(entry) for entry in data]
    size = choice.draw(st.integers(0, len(data)), label="size")
    tree = oracle(data)

    assert root(leaves) == tree.get_root()
    assert root(leaves[:size]) == tree.get_root(size)


@oracle_settings
@given(data=entries, choice=st.data())
def test_every_inclusion_proof_is_the_oracles_and_the_oracles_verifies(data, choice):
    leaves = [leaf_hash(entry) for entry in data]
    size = choice.draw(st.integers(1, len(data)), label="size")
    index = choice.draw(st.integers(0, size - 1), label="index")
    tree = oracle(data)
    # pymerkle counts leaves from one, and its path starts with the leaf's own hash.
    theirs = tree.prove_inclusion(index + 1, size)
    base, path = theirs.path[0], theirs.path[1:]

    assert base == leaves[index]
    assert inclusion_proof(index, leaves[:size]) == path
    assert verify_inclusion(index, size, base, path, tree.get_root(size))


def rfc_6962_subproof_ranges(
    first: int, start: int, end: int, whole: bool
) -> list[tuple[int, int]]:
    """RFC 6962 §2.1.2's SUBPROOF(m, D[start:end], b), transcribed as it reads, naming each hash
    by its leaf range: a check on `consistency_ranges` that does not share its loop."""
    size = end - start
    if first == size:
        return [] if whole else [(start, end)]
    split = 1 << ((size - 1).bit_length() - 1)  # the largest power of two smaller than size
    if first <= split:
        return [*rfc_6962_subproof_ranges(first, start, start + split, whole), (start + split, end)]
    return [
        *rfc_6962_subproof_ranges(first - split, start + split, end, False),
        (start, start + split),
    ]


Piece = tuple[tuple[int, int], bytes]  # a leaf range of pymerkle's path, and its hash


def regrouped(tree: InmemoryTree, first: int, second: int) -> tuple[list[bytes], list[Piece]]:
    """pymerkle's consistency proof in RFC 6962's form, and the pieces left over.

    Where the first tree fills a left subtree exactly, RFC 6962 stops and names the right
    subtree by one hash; pymerkle goes on down its left edge, so its path is finer. Each hash of
    the RFC proof is then the hash of a run of pymerkle's pieces that lie along a left edge:
    folded left to right, with pymerkle's own hashing. The pieces in no RFC range must be the
    first tree's root, which RFC 6962 leaves out when the verifier already holds it."""
    theirs = tree.prove_consistency(first, second)
    _, _, piece_ranges = _consistency_path_layout(first, second)
    pieces = sorted(zip(piece_ranges, theirs.path, strict=True))
    ranges = rfc_6962_subproof_ranges(first, 0, second, True)
    proof = [fold_pieces(tree, pieces, start, end) for start, end in ranges]
    left_over = [piece for piece in pieces if not any(within(piece, *r) for r in ranges)]
    return proof, left_over


def within(piece: Piece, start: int, end: int) -> bool:
    (lo, hi), _ = piece
    return start <= lo and hi <= end


def fold_pieces(tree: InmemoryTree, pieces: list[Piece], start: int, end: int) -> bytes:
    inside = [piece[1] for piece in pieces if within(piece, start, end)]
    computed = inside[0]
    for digest in inside[1:]:
        computed = tree.hash_pair(computed, digest)
    return computed


@oracle_settings
@given(data=entries, choice=st.data())
def test_every_consistency_proof_is_the_oracles_and_the_oracles_verifies(data, choice):
    leaves = [leaf_hash(entry) for entry in data]
    second = choice.draw(st.integers(1, len(data)), label="second")
    first = choice.draw(st.integers(1, second), label="first")
    tree = oracle(data)
    first_root, second_root = tree.get_root(first), tree.get_root(second)
    tree.prove_consistency(first, second).verify(first_root, second_root)  # raises if not
    theirs, left_over = regrouped(tree, first, second)

    assert consistency_ranges(first, second) == rfc_6962_subproof_ranges(first, 0, second, True)
    assert consistency_proof(first, leaves[:second]) == theirs
    assert verify_consistency(first, second, theirs, first_root, second_root)
    assert [piece for piece, _ in left_over] in ([], [(0, first)])
    assert all(digest == first_root for _, digest in left_over)


def from_parts(leaves: list[bytes], start: int, end: int) -> bytes:
    """The hash of a range as the stored tree reads it: from its perfect subtrees alone."""
    parts = perfect_parts(start, end)
    return fold(
        [root(leaves[position << level : (position + 1) << level]) for level, position in parts]
    )


@settings(max_examples=150, deadline=None)
@given(leaves=sized_lists(digests), choice=st.data())
def test_every_range_of_every_proof_folds_from_its_perfect_parts(leaves, choice):
    size = len(leaves)
    index = choice.draw(st.integers(0, size - 1), label="index")
    first = choice.draw(st.integers(1, size), label="first")
    ranges = inclusion_ranges(index, size) + consistency_ranges(first, size)

    for start, end in ranges:
        assert from_parts(leaves, start, end) == root(leaves[start:end])
