"""The sequencer: gives each committed event its gapless place in the tree.

Events are written as before, inside the request's transaction, in parallel and without
waiting for the tree; a trigger queues each one (PendingEvent) in the same transaction. The
sequencer takes the queue in batches, one transaction each, under a lock that lets only one
sequencer run: each event gets the next index, its leaf (audit/leaf.py) with a fresh salt, and
every tree node the new leaves complete. Taking the queue, rather than "every id above the
last one sequenced", is what keeps an event that commits after one with a higher id from being
skipped.
"""

import logging
import os

from django.db import connection, transaction

from audit import leaf, merkle
from audit.models import AccessEvent, CommitmentSalt, LogLeaf, PendingEvent, TreeNode
from audit.tree import frontier, tree_size

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# pg_advisory_xact_lock's key for the log's writers (the sequencer and the signer): "ATMTLOG".
LOG_LOCK = 0x41544D544C4F47


def sequence(batch_size: int = BATCH_SIZE) -> int:
    """Sequence everything queued; the number of events given a place."""
    total = 0
    while True:
        sequenced, taken = _sequence_batch(batch_size)
        total += sequenced
        if taken < batch_size:
            return total


def lock_log() -> None:
    """Serialise the log's writers until the transaction ends (SQLite serialises all writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_LOCK])


@transaction.atomic
def _sequence_batch(batch_size: int) -> tuple[int, int]:
    lock_log()
    queued = list(
        PendingEvent.objects.order_by("event_id").values_list("event_id", flat=True)[:batch_size]
    )
    if not queued:
        return 0, 0
    rows = list(
        AccessEvent.objects.filter(id__in=queued, leaf__isnull=True)
        .order_by("id")
        .values("id", *leaf.FIELDS)
    )
    if len(rows) < len(queued):
        # Only a superuser can remove an event before it is sequenced; say so where it shows.
        logger.warning("%d queued events are gone from the log", len(queued) - len(rows))
    _append(rows)
    PendingEvent.objects.filter(event_id__in=queued).delete()
    return len(rows), len(queued)


def _append(rows: list[dict]) -> None:
    size = tree_size()
    stack = frontier(size)
    leaves, salts, nodes = [], [], []
    for row in rows:
        salt = os.urandom(leaf.SALT_BYTES)
        commitments = leaf.commitments(row, salt)
        leaf_hash = merkle.leaf_hash(leaf.entry_bytes(row, commitments))
        leaves.append(
            LogLeaf(
                index=size,
                event_id=row["id"],
                version=leaf.VERSION,
                commitments=commitments,
                leaf_hash=leaf_hash,
            )
        )
        salts.append(CommitmentSalt(event_id=row["id"], salt=salt))
        for level, position, node in merkle.append_leaf(stack, size, leaf_hash):
            nodes.append(TreeNode(level=level, position=position, hash=node))
        size += 1
    LogLeaf.objects.bulk_create(leaves)
    CommitmentSalt.objects.bulk_create(salts)
    TreeNode.objects.bulk_create(nodes)
