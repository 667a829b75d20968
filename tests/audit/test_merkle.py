"""The Merkle tree module against Certificate Transparency's RFC 6962 test vectors, and every
proof of every tree up to 40 leaves against the checks that an outside verifier runs."""

import pytest

from audit.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# Certificate Transparency's reference leaves and the roots of their first n, n = 0..8.
LEAVES = [
    leaf_hash(bytes.fromhex(data))
    for data in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, audit path)
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (first size, second size, proof)
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def hexes(hashes: list[bytes]) -> list[str]:
    return [value.hex() for value in hashes]


def flipped(value: bytes) -> bytes:
    return bytes([value[0] ^ 1]) + value[1:]


@pytest.mark.parametrize("size", range(9))
def test_roots_match_rfc_6962(size):
    assert root(LEAVES[:size]).hex() == ROOTS[size]
    assert EMPTY_ROOT.hex() == ROOTS[0]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_rfc_6962_and_verify(index, size, path):
    proof = inclusion_proof(index, LEAVES[:size])

    assert hexes(proof) == path
    assert verify_inclusion(index, size, LEAVES[index], proof, bytes.fromhex(ROOTS[size]))


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
def test_consistency_proofs_match_rfc_6962_and_verify(first, second, path):
    proof = consistency_proof(first, LEAVES[:second])

    assert hexes(proof) == path
    first_root, second_root = bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second])
    assert verify_consistency(first, second, proof, first_root, second_root)


def many_leaves(count: int) -> list[bytes]:
    return [leaf_hash(index.to_bytes(4, "big")) for index in range(count)]


@pytest.mark.parametrize("size", range(1, 41))
def test_every_leaf_of_every_tree_proves_its_inclusion_and_nothing_else_does(size):
    leaves = many_leaves(size)
    tree_root = root(leaves)

    for index in range(size):
        proof = inclusion_proof(index, leaves)
        assert verify_inclusion(index, size, leaves[index], proof, tree_root)
        assert not verify_inclusion(index, size, flipped(leaves[index]), proof, tree_root)
        assert not verify_inclusion(index, size, leaves[index], proof, flipped(tree_root))
        # (The size is not bound by the path alone: the signed checkpoint binds it to the root.)
        if size > 1:
            assert not verify_inclusion((index + 1) % size, size, leaves[index], proof, tree_root)
        if proof:
            assert not verify_inclusion(index, size, leaves[index], proof[:-1], tree_root)
            damaged = [*proof[:-1], flipped(proof[-1])]
            assert not verify_inclusion(index, size, leaves[index], damaged, tree_root)


@pytest.mark.parametrize("second", range(1, 41))
def test_every_earlier_tree_is_proved_a_prefix_and_a_rewritten_one_is_not(second):
    leaves = many_leaves(second)
    second_root = root(leaves)

    for first in range(1, second + 1):
        first_root = root(leaves[:first])
        proof = consistency_proof(first, leaves)
        assert verify_consistency(first, second, proof, first_root, second_root)
        # An earlier tree whose leaves were rewritten has another root: it does not verify.
        rewritten = root([flipped(leaves[0]), *leaves[1:first]])
        assert not verify_consistency(first, second, proof, rewritten, second_root)
        assert not verify_consistency(first, second, proof, first_root, flipped(second_root))


def test_proofs_refuse_what_is_not_in_the_tree():
    with pytest.raises(ValueError):
        inclusion_proof(3, LEAVES[:3])
    with pytest.raises(ValueError):
        consistency_proof(0, LEAVES[:3])
    with pytest.raises(ValueError):
        consistency_proof(4, LEAVES[:3])
    assert not verify_inclusion(3, 3, LEAVES[0], [], bytes.fromhex(ROOTS[3]))
    assert not verify_consistency(2, 1, [], bytes.fromhex(ROOTS[2]), bytes.fromhex(ROOTS[1]))
