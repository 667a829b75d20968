"""C2SP signed notes and checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), Ed25519.

The format Go's checksum database, Sigsum and Tessera publish tree heads in, so that an
auditor's existing tools read ours. A checkpoint's text is three lines: the log's origin, the
tree size in decimal, the root hash in base64. A signature line is an em dash, the key's name,
and base64 of the key hash (4 bytes) and the signature over the text. Keys are written as Go's
`note` package writes them: `PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)` and the verifier key
`name+hash+base64(0x01 ‖ public key)`, hash being the first 4 bytes of
SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key), in hexadecimal.
"""

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
SIGNATURE_PREFIX = "\u2014 "


class InvalidNote(ValueError):
    """A note, key or checkpoint that does not parse or whose signature does not verify."""


@dataclass(frozen=True)
class Verifier:
    name: str
    key_hash: bytes
    public_key: Ed25519PublicKey

    def __str__(self) -> str:
        return _key_text(self.name, self.key_hash, self.public_key.public_bytes_raw())


@dataclass(frozen=True)
class Signer:
    name: str
    key_hash: bytes
    private_key: Ed25519PrivateKey

    def __str__(self) -> str:
        seed = self.private_key.private_bytes_raw()
        return "PRIVATE+KEY+" + _key_text(self.name, self.key_hash, seed)

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key_hash, self.private_key.public_key())

    def sign(self, text: str) -> str:
        """`text` as a signed note: the text, a blank line, this key's signature line."""
        if not text.endswith("\n"):
            raise InvalidNote("a note's text ends with a newline")
        signature = self.private_key.sign(text.encode())
        encoded = base64.b64encode(self.key_hash + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {encoded}\n"


def generate(name: str) -> Signer:
    return _signer(name, Ed25519PrivateKey.generate())


def parse_signer(text: str) -> Signer:
    fields = text.strip().split("+", 4)  # base64 may hold "+" too
    if len(fields) != 5 or fields[:2] != ["PRIVATE", "KEY"]:
        raise InvalidNote("not a private note key")
    name, key = fields[2], _decode_key(fields[4])
    signer = _signer(name, Ed25519PrivateKey.from_private_bytes(key))
    if signer.key_hash.hex() != fields[3]:
        raise InvalidNote("the private key does not match its key hash")
    return signer


def parse_verifier(text: str) -> Verifier:
    fields = text.strip().split("+", 2)
    if len(fields) != 3:
        raise InvalidNote("not a verifier key")
    name, key = fields[0], _decode_key(fields[2])
    if _key_hash(name, key).hex() != fields[1]:
        raise InvalidNote("the verifier key does not match its key hash")
    return Verifier(name, bytes.fromhex(fields[1]), Ed25519PublicKey.from_public_bytes(key))


def open_note(note: str, verifier: Verifier) -> str:
    """The text of `note` if `verifier`'s key signed it; InvalidNote otherwise."""
    text, separator, signatures = note.rpartition("\n\n")
    if not separator:
        raise InvalidNote("a note has its text, a blank line and signature lines")
    text += "\n"
    for line in signatures.splitlines():
        name, signature = _signature_line(line)
        # Another key's line (a witness's cosignature, say) is not ours to judge (C2SP).
        if name == verifier.name and signature[:4] == verifier.key_hash:
            if len(signature) != 4 + 64:
                raise InvalidNote("not an Ed25519 signature")
            try:
                verifier.public_key.verify(signature[4:], text.encode())
            except InvalidSignature:
                raise InvalidNote("the signature does not verify") from None
            return text
    raise InvalidNote("the note is not signed by this key")


@dataclass(frozen=True)
class TreeHead:
    origin: str
    size: int
    root_hash: bytes


def checkpoint_text(head: TreeHead) -> str:
    root = base64.b64encode(head.root_hash).decode()
    return f"{head.origin}\n{head.size}\n{root}\n"


def parse_checkpoint(text: str) -> TreeHead:
    lines = text.split("\n")
    # The size in decimal ASCII without leading zeros, as tlog-checkpoint says.
    if len(lines) < 4 or lines[-1] != "" or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise InvalidNote("not a checkpoint")
    try:
        root_hash = base64.b64decode(lines[2], validate=True)
    except binascii.Error:
        raise InvalidNote("the checkpoint's root hash is not base64") from None
    if len(root_hash) != 32:
        raise InvalidNote("the checkpoint's root hash is not 32 bytes")
    return TreeHead(lines[0], int(lines[1]), root_hash)


def _signer(name: str, private_key: Ed25519PrivateKey) -> Signer:
    if not name or any(character.isspace() or character == "+" for character in name):
        raise InvalidNote("a key's name has no spaces and no '+'")
    public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return Signer(name, _key_hash(name, public), private_key)


def _key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


def _key_text(name: str, key_hash: bytes, key: bytes) -> str:
    return f"{name}+{key_hash.hex()}+{base64.b64encode(ED25519 + key).decode()}"


def _decode_key(encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise InvalidNote("the key is not base64") from None
    if len(key) != 33 or key[:1] != ED25519:
        raise InvalidNote("not an Ed25519 key")
    return key[1:]


def _signature_line(line: str) -> tuple[str, bytes]:
    if not line.startswith(SIGNATURE_PREFIX):
        raise InvalidNote("a signature line starts with an em dash")
    name, _, encoded = line[len(SIGNATURE_PREFIX) :].rpartition(" ")
    try:
        signature = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise InvalidNote("the signature is not base64") from None
    if len(signature) < 5:  # a key hash and at least one byte, as Go's note.Open requires
        raise InvalidNote("a signature line holds a key hash and a signature")
    return name, signature
