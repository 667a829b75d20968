"""Signing the log: checkpoints of the tree, signed with a key the database never sees, stored
and appended to the trust-anchor file outside the database.

`seal` is the periodic work (audit/tasks.py): sequence what is queued, then sign the tree if it
grew. A checkpoint is signed after the leaves it covers have committed, in a transaction of its
own; it is appended to the anchor file (and synced to disk) before that transaction commits, so
the file never lacks a checkpoint the database has. It may hold one the database lacks, if the
commit then fails: that checkpoint is still true of the tree.
"""

import functools
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from audit import notes
from audit.models import Checkpoint
from audit.sequencer import lock_log, sequence
from audit.tree import root_at, tree_size

DEVELOPMENT_ORIGIN = "atmt.localhost/access-log"


def seal() -> Checkpoint | None:
    sequence()
    return sign_checkpoint()


@transaction.atomic
def sign_checkpoint() -> Checkpoint | None:
    """Sign the tree as it stands, unless it is empty or already signed at this size."""
    lock_log()
    size = tree_size()
    last = Checkpoint.objects.order_by("-size").first()
    if size == 0 or (last is not None and last.size >= size):
        return None
    signer = signing_key()
    head = notes.TreeHead(signer.name, size, root_at(size))
    note = signer.sign(notes.checkpoint_text(head))
    checkpoint = Checkpoint.objects.create(size=size, root_hash=head.root_hash, note=note)
    append_to_anchor(note)
    return checkpoint


def append_to_anchor(note: str) -> None:
    """Add a note to the anchor file, notes separated by a blank line, and make it durable."""
    path = Path(settings.LOG_CHECKPOINT_FILE or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as anchor:
        anchor.write(note + "\n")
        anchor.flush()
        os.fsync(anchor.fileno())


def read_anchor(path: str | Path) -> list[str]:
    """The notes of an anchor file, in the order they were appended.

    A note is its text, a blank line and its signature lines; notes are separated by a blank
    line, so the file is blocks that alternate between a note's text and its signatures.
    """
    text = Path(path).read_text(encoding="utf-8")
    blocks = [block for block in text.split("\n\n") if block.strip()]
    texts, signatures = blocks[0::2], blocks[1::2]
    if len(texts) != len(signatures) or any(
        not block.startswith(notes.SIGNATURE_PREFIX) for block in signatures
    ):
        raise notes.InvalidNote("the anchor file is not a sequence of signed notes")
    return [
        f"{text}\n\n{block.strip(chr(10))}\n" for text, block in zip(texts, signatures, strict=True)
    ]


@functools.cache
def signing_key() -> notes.Signer:
    """The log's signing key from LOG_SIGNING_KEY_FILE; in development one is made if missing."""
    name = settings.LOG_SIGNING_KEY_FILE
    if not name:
        raise ImproperlyConfigured("LOG_SIGNING_KEY_FILE must name the log's signing key")
    path = Path(name)
    if not path.exists() and not settings.PRODUCTION:
        write_key(path, notes.generate(DEVELOPMENT_ORIGIN))
    try:
        return notes.parse_signer(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ImproperlyConfigured(f"LOG_SIGNING_KEY_FILE cannot be read: {error}") from None
    except notes.InvalidNote as error:
        raise ImproperlyConfigured(f"LOG_SIGNING_KEY_FILE: {error}") from None


def write_key(path: Path, signer: notes.Signer) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as key_file:
        key_file.write(f"{signer}\n")
