#!/usr/bin/env python3
"""Verify an export of ATMT's access log, as an outside auditor: no Django, no database.

    python3 verify_log_export.py log.jsonl --key log.pub [--anchor checkpoints.txt ...]

The export (`manage.py export_log`) is JSON Lines: a header, the leaves in index order, the
checkpoints stored in the database. `--key` is the log's published verifier key; each
`--anchor` is a checkpoint file kept outside the database. The check, written again here on
purpose (a second implementation of the same published rules, README "The log as evidence"):

- every leaf hash is the RFC 6962 leaf hash of its entry, given as the exact text the leaf
  hashes (canonical JSON: keys sorted, no whitespace, UTF-8); where the export carries an
  event's values (their canonical JSON text) and salt, they open the entry's commitments;
- the indices run from 0 without a gap;
- every checkpoint, from the export and from the anchor files, is a C2SP signed note by the key,
  for the key's origin; the tree of the leaves has the signed root at every signed size, and no
  signed size is beyond the tree.

Prints one line per problem (`index N: code: detail`) or `OK: ...`; exit status 0 when the log
is intact, 1 when it is not, 2 when the input cannot be read. Needs only the standard library
and `cryptography`.
"""

import argparse
import base64
import binascii
import hashlib
import json
import sys
from collections.abc import Iterator

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

RANGE_CODES = {"root_mismatch", "tree_shorter"}
COMMITMENT_TAG = b"atmt-commitment-v1\x00"


class Unreadable(Exception):
    """The input is not what the format says: exit status 2."""


class Gap(Exception):
    """The next leaf is not the one the tree needs."""


class OtherOrigin(ValueError):
    """A note signed by the key, but for another log."""


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class Key:
    """A verifier key `name+hash+base64(0x01 || public key)` (Go's sumdb/note)."""

    def __init__(self, text: str):
        try:
            self.name, hash_hex, encoded = text.strip().split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise Unreadable("the key is not a note verifier key") from None
        if len(raw) != 33 or raw[0] != 1:
            raise Unreadable("the key is not an Ed25519 note key")
        self.id = sha256(self.name.encode() + b"\n" + raw)[:4]
        if self.id.hex() != hash_hex:
            raise Unreadable("the key's hash does not match the key")
        self.public_key = Ed25519PublicKey.from_public_bytes(raw[1:])

    def checkpoint(self, note: str) -> tuple[int, bytes]:
        """(size, root) of a checkpoint note this key signed for its origin; ValueError else."""
        body, blank, signatures = note.partition("\n\n")
        if not blank:
            raise ValueError("not a signed note")
        body += "\n"
        for line in signatures.splitlines():
            name, _, encoded = line.removeprefix("\u2014 ").rpartition(" ")
            try:
                signature = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                continue
            if not line.startswith("\u2014 ") or name != self.name or signature[:4] != self.id:
                continue
            try:
                self.public_key.verify(signature[4:], body.encode())
            except InvalidSignature:
                raise ValueError("the signature does not verify") from None
            origin, size, root = [*body.split("\n"), "", ""][:3]
            if origin != self.name:
                raise OtherOrigin(f"signed for another origin, {origin}")
            if not size.isdigit() or len(base64.b64decode(root)) != 32:
                raise ValueError("not a checkpoint")
            return int(size), base64.b64decode(root)
        raise ValueError("not signed by this key")


def anchor_notes(path: str) -> list[str]:
    """The notes of a checkpoint file: each is text, a blank line, its signature lines, and
    notes are separated by a blank line."""
    with open(path, encoding="utf-8") as anchor:
        blocks = [block for block in anchor.read().split("\n\n") if block.strip()]
    if len(blocks) % 2 or any(not b.startswith("\u2014 ") for b in blocks[1::2]):
        raise Unreadable(f"{path} is not a sequence of signed notes")
    return [
        f"{text}\n\n{sigs.strip()}\n" for text, sigs in zip(blocks[::2], blocks[1::2], strict=True)
    ]


class Audit:
    def __init__(self, key: Key):
        self.key = key
        self.roots: dict[int, bytes] = {}
        self.problems: list[tuple[int | None, str, str]] = []
        self.stack: list[tuple[int, bytes]] = []  # the tree's perfect subtrees: (height, hash)
        self.size = 0
        self.last_good = 0

    def problem(self, index: int | None, code: str, detail: str) -> None:
        self.problems.append((index, code, detail))

    def add_checkpoint(self, where: str, note: str) -> None:
        try:
            size, root = self.key.checkpoint(note)
        except ValueError as error:
            code = "origin_mismatch" if isinstance(error, OtherOrigin) else "bad_signature"
            self.problem(None, code, f"{where}: {error}")
            return
        if self.roots.setdefault(size, root) != root:
            self.problem(size, "fork", f"{where} signs another root for size {size}")

    def add_leaf(self, line: dict) -> None:
        index, entry = line.get("index"), line.get("entry")
        if index != self.size:
            raise Gap(index)
        stated = bytes.fromhex(line["leaf_hash"])
        if entry is None:
            self.problem(index, "event_missing", "the leaf's event row is gone")
            computed = stated
        else:
            computed = sha256(b"\x00" + entry.encode())
            if computed != stated:
                self.problem(index, "leaf_mismatch", "the entry differs from its leaf")
            if "salt" in line:
                self.open_commitments(index, json.loads(entry), line)
        self.push(computed)

    def open_commitments(self, index: int, entry: dict, line: dict) -> None:
        salt = bytes.fromhex(line["salt"])
        for name, value in line["values"].items():
            opened = sha256(COMMITMENT_TAG + salt + name.encode() + b"\x00" + value.encode())
            if entry["commitments"].get(name) != opened.hex():
                self.problem(index, "commitment_mismatch", f"{name} does not open")

    def push(self, leaf: bytes) -> None:
        height, node = 0, leaf
        while self.stack and self.stack[-1][0] == height:
            node = sha256(b"\x01" + self.stack.pop()[1] + node)
            height += 1
        self.stack.append((height, node))
        self.size += 1
        signed = self.roots.get(self.size)
        if signed is None:
            return
        if self.root() == signed:
            self.last_good = self.size
        else:
            self.problem(
                self.last_good,
                "root_mismatch",
                f"leaves {self.last_good}..{self.size - 1} are not what checkpoint "
                f"{self.size} signed",
            )

    def root(self) -> bytes:
        hashes = [node for _, node in self.stack]
        root = hashes[-1]
        for left in reversed(hashes[:-1]):
            root = sha256(b"\x01" + left + root)
        return root

    def finish(self) -> None:
        beyond = [size for size in self.roots if size > self.size]
        if beyond:
            self.problem(
                self.size,
                "tree_shorter",
                f"checkpoint {max(beyond)} was signed but the tree has {self.size} leaves: "
                "truncated or rolled back",
            )


def export_lines(path: str) -> Iterator[dict]:
    with open(path, encoding="utf-8") as export:
        for number, text in enumerate(export, 1):
            try:
                yield json.loads(text)
            except json.JSONDecodeError:
                raise Unreadable(f"line {number} of the export is not JSON") from None


def audit(export: str, key: Key, anchors: list[str]) -> Audit:
    """Two passes over the export: the checkpoints first (they close the file), then leaves."""
    result = Audit(key)
    lines = export_lines(export)
    header = next(lines, None)
    if not header or header.get("format") != "atmt-log-export" or header.get("version") != 1:
        raise Unreadable("not an ATMT log export, version 1")
    if header.get("origin") != key.name:
        result.problem(None, "origin_mismatch", f"the export is of {header.get('origin')}")
    for line in lines:
        if line.get("type") == "checkpoint":
            result.add_checkpoint(
                f"checkpoint in the export at {line['note'][:60]!r}", line["note"]
            )
    for path in anchors:
        for number, note in enumerate(anchor_notes(path), 1):
            result.add_checkpoint(f"note {number} of {path}", note)
    for line in export_lines(export):
        if line.get("type") != "leaf":
            continue
        try:
            result.add_leaf(line)
        except Gap as gap:
            result.problem(result.size, "index_gap", f"the next leaf exported is {gap.args[0]}")
            break
    result.finish()
    return result


def first_bad_index(problems: list[tuple[int | None, str, str]]) -> int | None:
    exact = [i for i, code, _ in problems if i is not None and code not in RANGE_CODES]
    ranges = [i for i, code, _ in problems if i is not None and code in RANGE_CODES]
    return min(exact or ranges, default=None)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export")
    parser.add_argument("--key", required=True, help="the log's verifier key file")
    parser.add_argument("--anchor", action="append", default=[], help="a checkpoint file")
    args = parser.parse_args(argv)
    try:
        with open(args.key, encoding="utf-8") as key_file:
            key = Key(key_file.read())
        result = audit(args.export, key, args.anchor)
    except (OSError, Unreadable, KeyError, TypeError, ValueError) as error:
        print(f"cannot read the input: {error}", file=sys.stderr)
        return 2
    problems = sorted(result.problems, key=lambda p: (p[0] is None, p[0] or 0, p[1]))
    for index, code, detail in problems:
        print(f"{code}: {detail}" if index is None else f"index {index}: {code}: {detail}")
    if problems:
        print(f"FAILED: first bad index {first_bad_index(problems)}", file=sys.stderr)
        return 1
    print(f"OK: {result.size} leaves, {len(result.roots)} signed sizes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
