#!/usr/bin/env python3
"""Verify an export of ATMT's access log, as an outside auditor: no Django, no database.

    python3 verify_log_export.py log.jsonl --key log.pub [--anchor checkpoints.txt ...] [--jobs N]

The export (`manage.py export_log`) is JSON Lines: a header, the leaves in index order, the
checkpoints stored in the database. `--key` is the log's published verifier key (Go's note
format); each `--anchor` is a checkpoint file kept outside the database (signed notes separated
by a blank line). Everything is written again here on purpose, from the published rules (README,
"The log as evidence"), without a line of the project's code: a second implementation.

- the indices run from 0 without a gap (`index_gap`);
- every leaf hash is the RFC 6962 leaf hash of its entry, which the export gives as the exact
  text the leaf hashes (canonical JSON: keys sorted, no whitespace, UTF-8 unescaped), so it is
  hashed as it stands (`leaf_mismatch`); a leaf without its entry is `event_missing`;
- where the export carries an event's values (each as its canonical JSON text) and salt, they
  open the entry's commitments (`commitment_mismatch`); values without a salt are those of a
  purged event and must all be blank (`not_redacted`);
- every checkpoint, from the export and the anchor files, is a C2SP signed note by the key
  (`bad_signature`) for the key's origin (`origin_mismatch`), one root per size (`fork`); the
  tree of the recomputed leaves has the signed root at every signed size (`root_mismatch`, naming
  the leaves since the last good size) and no signed size is beyond it (`tree_shorter`).

Prints one line per problem (`index N: code: detail`, or `code: detail`), first index first, or
`OK: ...`; exit status 0 when the log is intact, 1 when it is not, 2 when the input cannot be
read. Reads the export twice, line by line (the checkpoints close it): memory does not grow with
the log. `--jobs N` parses and hashes the leaves in N worker processes. Needs only the standard
library and `cryptography`.
"""

import argparse
import base64
import binascii
import concurrent.futures
import hashlib
import itertools
import json
import re
import sys
from collections import deque
from collections.abc import Iterator

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EXPORT_FORMAT, EXPORT_VERSION = "atmt-log-export", 1
COMMITMENT_TAG = b"atmt-commitment-v1\x00"
SIGNATURE_PREFIX = "\u2014 "
RANGE_CODES = frozenset({"root_mismatch", "tree_shorter"})
CHECKPOINT_LINE = '{"type":"checkpoint"'  # how export_log writes one: the leaves end there
CHUNK = 2000  # leaf lines per task with --jobs

Problem = tuple[int | None, str, str]  # (index or None, code, detail)
Checked = tuple[int, bytes, list[Problem]]  # a leaf's index, the hash the tree takes, problems

_sha256 = hashlib.sha256
# A purged event's personal fields, as the canonical JSON text of each blank value.
BLANK_VALUES = {
    "client_id": "null",
    "requested_client_ref": '""',
    "target_id": '""',
    "details": "{}",
    "purpose_text": '""',
    "search_criteria": "{}",
}


class Unreadable(Exception):
    """The input is not what its format says: exit status 2."""


# -- keys and signed notes (c2sp.org/signed-note, Go's sumdb/note key format) -----------------


class Key:
    """A verifier key: `name+hash+base64(0x01 || Ed25519 public key)`, where hash is the first
    4 bytes of SHA-256(name || "\\n" || 0x01 || public key), in hexadecimal."""

    def __init__(self, text: str):
        name, _, rest = text.strip().partition("+")
        key_id, _, encoded = rest.partition("+")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise Unreadable("the key is not base64") from None
        if not name or re.search(r"[\s+]", name) or len(raw) != 33 or raw[0] != 1:
            raise Unreadable("not an Ed25519 note verifier key")
        self.name, self.id = name, _sha256(name.encode() + b"\n" + raw).digest()[:4]
        if self.id.hex() != key_id:
            raise Unreadable("the key's hash does not match the key")
        self.public_key = Ed25519PublicKey.from_public_bytes(raw[1:])

    def open(self, note: str) -> str:
        """The text of a note this key signed; ValueError otherwise. As Go's note.Open: the text
        ends at the last blank line; malformed signature lines are errors, others' are skipped."""
        text, blank, signatures = note.rpartition("\n\n")
        if not blank or not note.endswith("\n"):
            raise ValueError("not a signed note")
        text += "\n"
        for line in signatures.splitlines():
            name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).rpartition(" ")
            try:
                signature = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                signature = b""
            if not line.startswith(SIGNATURE_PREFIX) or not name or len(signature) < 5:
                raise ValueError("a malformed signature line")
            if name == self.name and signature[:4] == self.id:
                try:
                    self.public_key.verify(signature[4:], text.encode())
                except InvalidSignature:
                    raise ValueError("the signature does not verify") from None
                return text
        raise ValueError("not signed by this key")


def parse_checkpoint(text: str) -> tuple[str, int, bytes]:
    """(origin, size, root) of a checkpoint's text (c2sp.org/tlog-checkpoint)."""
    lines = text.split("\n")
    if len(lines) < 4 or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise ValueError("not a checkpoint")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except binascii.Error:
        root = b""
    if len(root) != 32:
        raise ValueError("the checkpoint's root is not 32 bytes of base64")
    return lines[0], int(lines[1]), root


def anchor_notes(path: str) -> list[str]:
    """The notes of a checkpoint file: blocks alternate between a note's text and its
    signature lines."""
    with open(path, encoding="utf-8") as anchor:
        blocks = [block for block in anchor.read().split("\n\n") if block.strip()]
    texts, signatures = blocks[0::2], blocks[1::2]
    if len(texts) != len(signatures) or any(
        not block.startswith(SIGNATURE_PREFIX) for block in signatures
    ):
        raise Unreadable(f"{path} is not a sequence of signed notes")
    return [
        f"{text}\n\n{sigs.strip(chr(10))}\n" for text, sigs in zip(texts, signatures, strict=True)
    ]


# -- leaves --------------------------------------------------------------------------------


def check_leaf(line: object, expected_index: int) -> Checked:
    """(index, the hash the tree takes, problems) of one parsed leaf line."""
    if type(line) is not dict or line.get("type") != "leaf":
        raise Unreadable("a line between the leaves is not a leaf")
    index, entry, stated = line.get("index"), line.get("entry"), line.get("leaf_hash")
    if type(index) is not int or not isinstance(stated, str) or len(stated) != 64:
        raise Unreadable(f"leaf line {expected_index} lacks an index or a leaf hash")
    try:
        stated_hash = bytes.fromhex(stated)
    except ValueError:
        raise Unreadable(f"leaf {index}'s leaf hash is not hexadecimal") from None
    if entry is None:
        return index, stated_hash, [(index, "event_missing", "the leaf's event row is gone")]
    if type(entry) is not str:
        raise Unreadable(f"leaf {index}'s entry is not the text of one")
    computed = _sha256(b"\x00" + entry.encode()).digest()
    problems: list[Problem] = []
    if computed != stated_hash:
        problems.append((index, "leaf_mismatch", "the entry differs from its leaf hash"))
    if "salt" in line:
        parsed = _loads(entry)
        commitments = parsed.get("commitments") if type(parsed) is dict else None
        problems += open_commitments(index, commitments, line.get("salt"), line.get("values"))
    elif "values" in line:
        problems += purged_values(index, line["values"])
    return index, computed, problems


def purged_values(index: int, values: object) -> list[Problem]:
    """Values without a salt: the salt was purged, so the values must have been too."""
    if values != BLANK_VALUES:
        return [(index, "not_redacted", "the salt is gone but the values are not")]
    return []


def open_commitments(
    index: int, commitments: object, salt: object, values: object
) -> list[Problem]:
    if not isinstance(salt, str) or type(values) is not dict or type(commitments) is not dict:
        return [(index, "commitment_mismatch", "the values, salt or commitments are malformed")]
    try:
        prefix = COMMITMENT_TAG + bytes.fromhex(salt)
    except ValueError:
        return [(index, "commitment_mismatch", "the salt is not hexadecimal")]
    problems: list[Problem] = []
    if commitments.keys() != values.keys():
        names = sorted(commitments.keys() ^ values.keys())
        problems.append((index, "commitment_mismatch", f"no value or no commitment: {names}"))
    for name, value in values.items():
        if not isinstance(value, str):
            return [(index, "commitment_mismatch", f"{name}'s value is not canonical JSON text")]
        opened = _sha256(prefix + name.encode() + b"\x00" + value.encode()).hexdigest()
        if name in commitments and opened != commitments[name]:
            problems.append((index, "commitment_mismatch", f"{name} does not open its commitment"))
    return problems


def check_chunk(texts: list[str], first_index: int) -> list[Checked]:
    """A worker's task with --jobs: a run of leaf lines."""
    return [check_leaf(_loads(text), first_index + n) for n, text in enumerate(texts)]


def _loads(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        raise Unreadable("a line of the export is not JSON") from None


# -- the tree ------------------------------------------------------------------------------


class Tree:
    """The RFC 6962 tree of the leaves so far, as its frontier: the hashes of its perfect
    subtrees, largest first (one per 1 bit of the size)."""

    def __init__(self, signed_roots: dict[int, bytes]):
        self.signed_roots = signed_roots
        self.frontier: list[bytes] = []
        self.size = 0
        self.last_good = 0
        self.problems: list[Problem] = []

    def append(self, node: bytes) -> None:
        frontier, size = self.frontier, self.size
        while size & 1:  # each trailing 1 bit of the old size is a subtree this leaf completes
            node = _sha256(b"\x01" + frontier.pop() + node).digest()
            size >>= 1
        frontier.append(node)
        self.size += 1
        if self.size in self.signed_roots:
            self.check_root()

    def root(self) -> bytes:
        if not self.frontier:
            return _sha256(b"").digest()
        node = self.frontier[-1]
        for left in reversed(self.frontier[:-1]):
            node = _sha256(b"\x01" + left + node).digest()
        return node

    def check_root(self) -> None:
        if self.root() == self.signed_roots[self.size]:
            self.last_good = self.size
        else:
            self.problems.append(
                (
                    self.last_good,
                    "root_mismatch",
                    f"leaves {self.last_good}..{self.size - 1} are not what checkpoint "
                    f"{self.size} signed",
                )
            )


# -- the export ----------------------------------------------------------------------------


def read_checkpoints(
    path: str, key: Key, anchors: list[str]
) -> tuple[dict[int, bytes], list[Problem]]:
    """The first pass: the header, and the signed roots of the export and the anchor files."""
    problems: list[Problem] = []
    sources: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as export:
        header = _loads(next(export, "null"))
        if (
            type(header) is not dict
            or header.get("type") != "header"
            or header.get("format") != EXPORT_FORMAT
            or header.get("version") != EXPORT_VERSION
        ):
            raise Unreadable(f"not an {EXPORT_FORMAT} of version {EXPORT_VERSION}")
        if header.get("origin") != key.name:
            problems.append((None, "origin_mismatch", f"the export is of {header.get('origin')}"))
        after_leaves = False
        for number, text in enumerate(export, 2):
            # Leaves are read in the second pass, up to the first checkpoint line.
            line = {"type": "leaf"} if text.startswith('{"type":"leaf",') else _loads(text)
            if type(line) is not dict or line.get("type") not in ("leaf", "checkpoint"):
                raise Unreadable(f"line {number} of the export is neither a leaf nor a checkpoint")
            if line["type"] == "leaf" and after_leaves:
                raise Unreadable(f"line {number} of the export is a leaf after the checkpoints")
            if line["type"] == "checkpoint":
                after_leaves = True
                if not isinstance(line.get("note"), str):
                    raise Unreadable(f"line {number} of the export is a checkpoint without a note")
                sources.append((f"the checkpoint on line {number} of the export", line["note"]))
    for path in anchors:
        sources += [(f"note {n} of {path}", note) for n, note in enumerate(anchor_notes(path), 1)]
    roots: dict[int, bytes] = {}
    for where, note in sources:
        try:
            origin, size, root = parse_checkpoint(key.open(note))
        except ValueError as error:
            problems.append((None, "bad_signature", f"{where}: {error}"))
            continue
        if origin != key.name:
            problems.append((None, "origin_mismatch", f"{where}: {origin}"))
        elif roots.setdefault(size, root) != root:
            problems.append((size, "fork", f"{where} signs another root for size {size}"))
    return roots, problems


def leaf_results(path: str, jobs: int) -> Iterator[Checked]:
    """The second pass: each leaf line checked, in order; a checkpoint line ends the leaves."""
    with open(path, encoding="utf-8") as export:
        next(export, None)
        texts = itertools.takewhile(lambda text: not text.startswith(CHECKPOINT_LINE), export)
        if jobs <= 1:
            for expected, text in enumerate(texts):
                yield check_leaf(_loads(text), expected)
            return
        with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
            # At most two tasks per worker in flight: memory stays flat.
            pending: deque[concurrent.futures.Future[list[Checked]]] = deque()
            start = 0
            for chunk in itertools.batched(texts, CHUNK):
                pending.append(pool.submit(check_chunk, list(chunk), start))
                start += len(chunk)
                if len(pending) >= 2 * jobs:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()


def audit(path: str, key: Key, anchors: list[str], jobs: int = 1) -> tuple[Tree, list[Problem]]:
    roots, problems = read_checkpoints(path, key, anchors)
    tree = Tree(roots)
    append = tree.append
    for size, (index, node, leaf_problems) in enumerate(leaf_results(path, jobs)):
        if index != size:
            problems.append((size, "index_gap", f"the next leaf exported is {index}"))
            break
        if leaf_problems:
            problems += leaf_problems
        append(node)
    problems += tree.problems
    beyond = [size for size in roots if size > tree.size]
    if beyond:
        problems.append(
            (
                tree.size,
                "tree_shorter",
                f"checkpoint {max(beyond)} was signed but the tree has {tree.size} leaves: "
                "truncated or rolled back",
            )
        )
    problems.sort(key=lambda p: (p[0] is None, p[0] or 0, p[1]))
    return tree, problems


def first_bad_index(problems: list[Problem]) -> int | None:
    """The first leaf known to be wrong, else the start of the first range that is."""
    exact = [i for i, code, _ in problems if i is not None and code not in RANGE_CODES]
    ranges = [i for i, code, _ in problems if i is not None and code in RANGE_CODES]
    return min(exact or ranges, default=None)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("export", help="the export, JSON Lines")
    parser.add_argument("--key", required=True, help="the log's verifier key file")
    parser.add_argument("--anchor", action="append", default=[], help="a checkpoint file")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    args = parser.parse_args(argv)
    try:
        with open(args.key, encoding="utf-8") as key_file:
            key = Key(key_file.read())
        tree, problems = audit(args.export, key, args.anchor, args.jobs)
    except (OSError, UnicodeDecodeError, Unreadable) as error:
        print(f"cannot read the input: {error}", file=sys.stderr)
        return 2
    for index, code, detail in problems:
        print(f"{code}: {detail}" if index is None else f"index {index}: {code}: {detail}")
    if problems:
        print(
            f"FAILED: {len(problems)} problems, first bad index {first_bad_index(problems)}",
            file=sys.stderr,
        )
        return 1
    print(f"OK: {tree.size} leaves, {len(tree.signed_roots)} signed sizes all match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
