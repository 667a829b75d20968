"""audit.notes against published signed notes, keys and checkpoints from Go's implementation.

Every key, text and signature below is copied verbatim from a public repository; none is made
here. Ed25519 signing is deterministic, so signing a published text with a published private key
must give the published signature line byte for byte.

Sources (repository, path, commit):

- golang/mod, sumdb/note/note_test.go, 02c991387e35f9e4c0a9b7ce137717055f8d716d
  (TestNewSigner, TestNewVerifier, TestSign, TestOpen). "Copyright 2019 The Go Authors. All
  rights reserved. Use of this source code is governed by a BSD-style license that can be found
  in the LICENSE file." (BSD-3-Clause)
- golang/go, src/cmd/go/internal/modfetch/key.go, c674ce87c2e47699bb51e02885fb80519ecbfb27:
  the verifier key of sum.golang.org that the go command ships. "Copyright 2019 The Go
  Authors. All rights reserved." (BSD-3-Clause)
- transparency-dev/formats, log/note_test.go, 7d98d39a5b4b716489f3193e2961aacfa6471a94
  (TestSumDBNoteParsing): a checkpoint that sum.golang.org signed. "Copyright 2021 Google LLC.
  All Rights Reserved." (Apache-2.0)
- google/trillian-examples, witness/golang/cmd/addrwitness/README.md,
  7fc8e4db9946d0c5bee741b8d26d58befb39fcc7: a sum.golang.org checkpoint with a witness's
  Ed25519 signature and its timestamped cosignature; the witness's published example key is
  witness/golang/cmd/addrwitness/example_key.txt, 9251e0ad4f479f799244ad0ed6da7fb3ac68eaa3.
  The package's sources carry "Copyright 2021 Google LLC. All Rights Reserved. Copyright 2023
  Filippo Valsorda. All Rights Reserved." (Apache-2.0)
- C2SP/C2SP, tlog-checkpoint.md, e5b2a171e4d0ad154cb9e0da6d9e869ae9f9184e: the specification's
  example checkpoint (its key is not published, so only its text is read here).
"""

import base64

import pytest

from audit import notes

# golang/mod sumdb/note/note_test.go
PETER_PRIVATE_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VERIFIER_KEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIGNATURE = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"  # noqa: E501
ENOCH_SIGNATURE = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"  # noqa: E501
# TestSign's `want`: the text, a blank line, Peter's signature line.
PETER_SIGNED_NOTE = PETER_TEXT + "\n" + PETER_SIGNATURE

# golang/go src/cmd/go/internal/modfetch/key.go
SUMDB_VERIFIER_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"

# transparency-dev/formats log/note_test.go, TestSumDBNoteParsing
SUMDB_TEXT = """go.sum database tree
6476701
mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=
"""
SUMDB_SIGNATURE = "— sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n"  # noqa: E501
SUMDB_CHECKPOINT = SUMDB_TEXT + "\n" + SUMDB_SIGNATURE

# google/trillian-examples witness/golang/cmd/addrwitness: example_key.txt and README.md
WITNESS_PRIVATE_KEY = (
    "PRIVATE+KEY+test.example.com+a931a10b+AXPS05UgZbJXPQDwqwZJ/F2XY8lLRQo2Xs9FbmANM4fT"
)
WITNESSED_TEXT = """go.sum database tree
15081221
BoMMe1wd25Tco0mYGROkyqxHZWx+hcSCtMV315Lu6Lg=
"""
WITNESSED_SUMDB_SIGNATURE = "— sum.golang.org Az3grilD7vQqTrv66jRgKM84Y80KTprrSt4bKmiOPxgmS5ZVBTeCl6dUvjYnN13R+C8j0jGY1WnUADGMkok3U0m2Zgo=\n"  # noqa: E501
WITNESS_ED25519_SIGNATURE = "— test.example.com qTGhC3917mAr6hGh+T55tNjxaej/D/GQivJZRIj7XGdAcQOTqfMWIPgp/v/904LEduN/h2sSRtHUJXUL4b9Gm7Bz4Qc=\n"  # noqa: E501
# The witness's timestamped cosignature of the time: 76 bytes (key ID, timestamp, signature), not
# an Ed25519 note signature, and its key ID (fcf6bb63) is not the witness's Ed25519 one.
WITNESS_COSIGNATURE = "— test.example.com /Pa7Y/dUvWMAAAAAQVwkQVi81ArPV7BIaQYrMIxyzY0m8a4BdeeBhSKd3PviPK4/3Sd+NKSc5N7PDTCfAkUSVniN+R2oKIggA4iiDQ==\n"  # noqa: E501
WITNESSED_CHECKPOINT = (
    WITNESSED_TEXT
    + "\n"
    + WITNESSED_SUMDB_SIGNATURE
    + WITNESS_ED25519_SIGNATURE
    + WITNESS_COSIGNATURE
)

# C2SP/C2SP tlog-checkpoint.md
C2SP_CHECKPOINT_TEXT = """example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
"""


def test_go_private_key_parses_and_gives_go_verifier_key():
    signer = notes.parse_signer(PETER_PRIVATE_KEY)

    assert signer.name == "PeterNeumann"
    assert signer.key_hash == bytes.fromhex("c74f20a3")
    assert str(signer) == PETER_PRIVATE_KEY
    assert str(signer.verifier) == PETER_VERIFIER_KEY
    assert str(notes.parse_verifier(PETER_VERIFIER_KEY)) == PETER_VERIFIER_KEY
    assert str(notes.parse_verifier(ENOCH_VERIFIER_KEY)) == ENOCH_VERIFIER_KEY


def test_signing_go_text_gives_go_signed_note_byte_for_byte():
    assert notes.parse_signer(PETER_PRIVATE_KEY).sign(PETER_TEXT) == PETER_SIGNED_NOTE


def test_go_signed_note_opens_with_go_verifier_key():
    peter = notes.parse_verifier(PETER_VERIFIER_KEY)
    enoch = notes.parse_verifier(ENOCH_VERIFIER_KEY)

    assert notes.open_note(PETER_SIGNED_NOTE, peter) == PETER_TEXT
    # TestOpen's two-signature note: each key finds its own line, the other is ignored.
    both = PETER_TEXT + "\n" + PETER_SIGNATURE + ENOCH_SIGNATURE
    assert notes.open_note(both, peter) == PETER_TEXT
    assert notes.open_note(both, enoch) == PETER_TEXT
    with pytest.raises(notes.InvalidNote):
        notes.open_note(PETER_SIGNED_NOTE, enoch)
    with pytest.raises(notes.InvalidNote):
        notes.open_note(PETER_SIGNED_NOTE.replace("problem,", "problem;"), peter)


def test_sum_golang_org_checkpoint_opens_and_parses():
    head = notes.parse_checkpoint(
        notes.open_note(SUMDB_CHECKPOINT, notes.parse_verifier(SUMDB_VERIFIER_KEY))
    )

    assert head.origin == "go.sum database tree"
    assert head.size == 6476701
    assert base64.b64encode(head.root_hash).decode() == (
        "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk="
    )
    assert notes.checkpoint_text(head) == SUMDB_TEXT


def test_witnessed_checkpoint_opens_with_the_log_key_and_the_witness_key():
    witness = notes.parse_signer(WITNESS_PRIVATE_KEY)
    assert witness.key_hash == bytes.fromhex("a931a10b")
    assert str(witness) == WITNESS_PRIVATE_KEY
    # The witness's Ed25519 signature line, made again from its published key.
    assert witness.sign(WITNESSED_TEXT) == WITNESSED_TEXT + "\n" + WITNESS_ED25519_SIGNATURE

    for verifier in (notes.parse_verifier(SUMDB_VERIFIER_KEY), witness.verifier):
        head = notes.parse_checkpoint(notes.open_note(WITNESSED_CHECKPOINT, verifier))
        assert head.origin == "go.sum database tree"
        assert head.size == 15081221
        assert base64.b64encode(head.root_hash).decode() == (
            "BoMMe1wd25Tco0mYGROkyqxHZWx+hcSCtMV315Lu6Lg="
        )


def test_an_unknown_cosignature_before_the_log_signature_is_ignored():
    # The same published lines, the witness's 76-byte cosignature moved first: C2SP says a
    # verifier MUST ignore signatures from unknown keys, and Go's note.Open does.
    reordered = (
        WITNESSED_TEXT
        + "\n"
        + WITNESS_COSIGNATURE
        + WITNESSED_SUMDB_SIGNATURE
        + WITNESS_ED25519_SIGNATURE
    )
    opened = notes.open_note(reordered, notes.parse_verifier(SUMDB_VERIFIER_KEY))
    assert opened == WITNESSED_TEXT


def test_c2sp_example_checkpoint_text_parses():
    head = notes.parse_checkpoint(C2SP_CHECKPOINT_TEXT)

    assert head.origin == "example.com/behind-the-sofa"
    assert head.size == 20852163
    assert notes.checkpoint_text(head) == C2SP_CHECKPOINT_TEXT
