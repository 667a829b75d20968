"""The Merkle tree module against the test data that transparency-dev/merkle publishes
(tests/audit/vectors, README there): values another implementation computed, which ours must
reproduce exactly, and corrupted proofs it publishes, which ours must refuse."""

import base64
import hashlib
import json
from pathlib import Path

import pytest

from audit.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).parent / "vectors"
REFERENCE = json.loads((VECTORS / "reference.json").read_text())


def unhex(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(value) for value in values]


LEAVES = [leaf_hash(data) for data in unhex(REFERENCE["leaf_inputs"]["hex"])]
ROOTS = unhex(REFERENCE["root_hashes"]["hex"])
NODE_LEVELS = [unhex(level) for level in REFERENCE["node_hashes"]["levels"]]
# Upstream skips its first inclusion vector, {0, 0, nil}, as "an invalid path".
INCLUSION = [vector for vector in REFERENCE["inclusion_proofs"]["vectors"] if vector["leaf"]]
CONSISTENCY = REFERENCE["consistency_proofs"]["vectors"]
SUBTREES = REFERENCE["subtree_vectors"]


def flipped(proof: list[bytes], position: int) -> list[bytes]:
    """The proof with one bit of one hash changed: what a forger or a bad disk would hand over."""
    damaged = list(proof)
    damaged[position] = bytes([damaged[position][0] ^ 0x10]) + damaged[position][1:]
    return damaged


# The reference tree of eight leaves (testonly/constants.go, proof/verify_test.go).


def test_the_leaf_hashes_are_the_published_bottom_level():
    assert NODE_LEVELS[0] == LEAVES


@pytest.mark.parametrize("level", range(4))
def test_every_published_node_is_the_root_of_its_perfect_subtree(level):
    width = 1 << level
    computed = [
        root(LEAVES[position * width : (position + 1) * width])
        for position in range(len(NODE_LEVELS[level]))
    ]

    assert computed == NODE_LEVELS[level]


@pytest.mark.parametrize("size", range(9))
def test_every_published_root_matches(size):
    assert root(LEAVES[:size]) == ROOTS[size]


@pytest.mark.parametrize("vector", INCLUSION, ids=lambda v: f"{v['leaf'] - 1}-of-{v['size']}")
def test_every_published_inclusion_proof_matches_and_verifies(vector):
    index, size, expected = vector["leaf"] - 1, vector["size"], unhex(vector["proof"])

    assert inclusion_proof(index, LEAVES[:size]) == expected
    assert verify_inclusion(index, size, LEAVES[index], expected, ROOTS[size])


@pytest.mark.parametrize("vector", INCLUSION, ids=lambda v: f"{v['leaf'] - 1}-of-{v['size']}")
def test_a_published_inclusion_proof_with_any_bit_changed_does_not_verify(vector):
    index, size, proof = vector["leaf"] - 1, vector["size"], unhex(vector["proof"])

    for position in range(len(proof)):
        damaged = flipped(proof, position)
        assert not verify_inclusion(index, size, LEAVES[index], damaged, ROOTS[size])


@pytest.mark.parametrize("vector", CONSISTENCY, ids=lambda v: f"{v['size1']}-to-{v['size2']}")
def test_every_published_consistency_proof_matches_and_verifies(vector):
    first, second, expected = vector["size1"], vector["size2"], unhex(vector["proof"])

    assert consistency_proof(first, LEAVES[:second]) == expected
    assert verify_consistency(first, second, expected, ROOTS[first], ROOTS[second])


@pytest.mark.parametrize("vector", CONSISTENCY, ids=lambda v: f"{v['size1']}-to-{v['size2']}")
def test_a_published_consistency_proof_with_any_bit_changed_does_not_verify(vector):
    first, second, proof = vector["size1"], vector["size2"], unhex(vector["proof"])

    for position in range(len(proof)):
        damaged = flipped(proof, position)
        assert not verify_consistency(first, second, damaged, ROOTS[first], ROOTS[second])


# The probes cmd/proofgen writes (testdata/): happy paths and upstream's own corruptions.


def probes(kind: str) -> list[Path]:
    return sorted((VECTORS / "testdata" / kind).glob("*/*.json"))


def probe_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


HASH_FIELDS = {"root", "leafHash", "root1", "root2"}


def load_probe(path: Path) -> dict:
    """A probe with its hashes decoded: Go's encoding/json writes []byte as base64, nil as null."""
    probe = json.loads(path.read_text())
    decoded = {key: base64.b64decode(probe[key]) for key in HASH_FIELDS & probe.keys()}
    decoded["proof"] = [base64.b64decode(value) for value in probe["proof"] or []]
    return {**probe, **decoded}


def from_reference_tree(path: Path) -> bool:
    """Whether the probe is about the eight-leaf reference tree (its directories are numbered),
    not the single entry "data"."""
    return path.parent.name.isdigit()


@pytest.mark.parametrize("path", probes("inclusion"), ids=probe_id)
def test_published_inclusion_probes_verify_exactly_when_upstream_says(path):
    probe = load_probe(path)
    verified = verify_inclusion(
        probe["leafIdx"], probe["treeSize"], probe["leafHash"], probe["proof"], probe["root"]
    )

    assert verified is not probe["wantErr"]


@pytest.mark.parametrize(
    "path", [p for p in probes("inclusion") if p.stem == "happy-path"], ids=probe_id
)
def test_published_inclusion_happy_paths_are_what_our_module_proves(path):
    probe = load_probe(path)
    index, size = probe["leafIdx"], probe["treeSize"]

    assert LEAVES[index] == probe["leafHash"]
    assert root(LEAVES[:size]) == probe["root"]
    assert inclusion_proof(index, LEAVES[:size]) == probe["proof"]


def test_the_published_single_entry_is_the_leaf_hash_of_data():
    probe = load_probe(VECTORS / "testdata/inclusion/single-entry/matching-root-and-leaf.json")

    assert leaf_hash(b"data") == probe["leafHash"] == probe["root"]
    assert root([leaf_hash(b"data")]) == probe["root"]
    assert inclusion_proof(0, [leaf_hash(b"data")]) == probe["proof"] == []


@pytest.mark.parametrize("path", probes("consistency"), ids=probe_id)
def test_published_consistency_probes_verify_exactly_when_upstream_says(path):
    probe = load_probe(path)
    verified = verify_consistency(
        probe["size1"], probe["size2"], probe["proof"], probe["root1"], probe["root2"]
    )

    assert verified is not probe["wantErr"]


@pytest.mark.parametrize(
    "path", [p for p in probes("consistency") if p.stem == "happy-path"], ids=probe_id
)
def test_published_consistency_happy_paths_are_what_our_module_proves(path):
    probe = load_probe(path)
    first, second = probe["size1"], probe["size2"]

    assert root(LEAVES[:first]) == probe["root1"]
    assert root(LEAVES[:second]) == probe["root2"]
    assert consistency_proof(first, LEAVES[:second]) == probe["proof"]


def test_every_probe_is_about_the_reference_tree_or_the_single_entry():
    paths = probes("inclusion") + probes("consistency")

    assert len(paths) == 49
    assert {p.parent.name for p in paths if not from_reference_tree(p)} == {"single-entry"}


# The subtree vectors of draft-ietf-plants-merkle-tree-certs (testonly/vectors_test.go): digests
# over every valid subtree of a 130-leaf tree. A subtree [start, end) is valid when start is 0 or
# a multiple of bit_ceil(end - start); its inclusion proofs are those of the tree of its leaves.
# (The draft's subtree consistency proofs and coverings have no counterpart in our module.)

SUBTREE_LEAVES = [leaf_hash(bytes([value])) for value in range(SUBTREES["max"])]


def bit_ceil(count: int) -> int:
    return 1 if count <= 1 else 1 << (count - 1).bit_length()


def valid_subtrees() -> list[tuple[int, int]]:
    return [
        (start, end)
        for end in range(1, SUBTREES["max"] + 1)
        for start in range(end)
        if start == 0 or start % bit_ceil(end - start) == 0
    ]


def proof_line(prefix: str, proof: list[bytes]) -> str:
    """Upstream's writeProofLine: the prefix, then " <hex>" for each hash, then a newline."""
    return prefix + "".join(f" {value.hex()}" for value in proof) + "\n"


def test_every_subtree_hash_matches_the_published_digest():
    digest = hashlib.sha256()
    for start, end in valid_subtrees():
        digest.update(f"[{start}, {end}) {root(SUBTREE_LEAVES[start:end]).hex()}\n".encode())

    assert digest.hexdigest() == SUBTREES["subtree_hash"]


def test_every_inclusion_proof_in_every_subtree_matches_the_published_digest():
    digest = hashlib.sha256()
    for start, end in valid_subtrees():
        leaves = SUBTREE_LEAVES[start:end]
        for index in range(start, end):
            proof = inclusion_proof(index - start, leaves)
            digest.update(proof_line(f"{index} [{start}, {end})", proof).encode())

    assert digest.hexdigest() == SUBTREES["subtree_inclusion_proof"]
