import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import Action


class AppendOnlyError(Exception):
    """The access log is evidence: its rows are never changed or removed."""


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("access events cannot be updated")

    def delete(self):
        raise AppendOnlyError("access events cannot be deleted")


class AccessEvent(models.Model):
    """One event of the log: a look at client data or a change, in the vocabulary of `Action`.

    Looks and changes share this table so that one ordered log answers every question about a
    client or a worker (who looked, who changed what) and one chain can later seal it. A look
    is written before anything is shown, allowed or not, with the policy's decision; a change is
    written by its service in the same transaction as the change, naming what it changed
    (`target_type`, `target_id`) and its typed `details`.

    The ids grow but may skip values: a sequence is not rolled back with a failed transaction.
    """

    Action = Action

    class Decision(models.TextChoices):
        ALLOWED = "allowed", _("allowed")
        LIMITED = "limited", _("consent request only")
        DENIED = "denied", _("denied")

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Snapshots: what the actor was at that moment, whatever becomes of the account later.
    actor_username = models.CharField(_("user name"), max_length=150)
    actor_name = models.CharField(_("name"), max_length=300)
    actor_roles = models.JSONField(_("roles"), default=list)
    actor_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    requested_client_ref = models.CharField(
        _("requested client"),
        max_length=64,
        blank=True,
        help_text=_("The client id as requested, when it named no client."),
    )
    action = models.CharField(_("action"), max_length=60, choices=Action)
    # What a change changed, as "app_label.model" and primary key; empty for looks.
    target_type = models.CharField(_("changed object"), max_length=60, blank=True)
    target_id = models.CharField(_("changed object id"), max_length=64, blank=True)
    # What a change needs said beyond its code, as codes and values (never translated text).
    details = models.JSONField(_("details"), default=dict, blank=True)
    sections = models.JSONField(_("record sections shown"), default=list)
    purpose_code = models.CharField(_("purpose"), max_length=40, blank=True)
    purpose_text = models.TextField(_("purpose note"), blank=True)
    # The policy's answer for a look; empty for a change.
    decision = models.CharField(_("decision"), max_length=10, choices=Decision, blank=True)
    reason_codes = models.JSONField(_("failing conditions"), default=list)
    basis = models.JSONField(_("basis"), default=dict)
    decision_id = models.UUIDField(_("decision id"), null=True, blank=True)
    policy_version = models.CharField(_("policy version"), max_length=20, blank=True)
    search_criteria = models.JSONField(_("search criteria"), default=dict, blank=True)
    result_count = models.PositiveIntegerField(_("number of results"), null=True, blank=True)
    # Empty for a change made outside any request (a management command).
    request_id = models.UUIDField(_("request id"), null=True, blank=True)
    session_hash = models.CharField(_("session (hashed)"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["client", "occurred_at"]),
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["target_type", "target_id"]),
            # The log search's keyset pages (newest first) of the denied or the limited looks,
            # a few percent of the log; "allowed" is most of it, which the primary key walks.
            # With the actor last, the scope is checked in the index. The search by failing
            # condition has two indexes of PostgreSQL's own (migration 0017).
            models.Index(
                fields=["decision", "id", "actor"],
                condition=models.Q(decision__in=["denied", "limited"]),
                name="audit_event_decision_id_idx",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.decision}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("access events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("access events cannot be deleted")

    # The labels of the two codes every log page shows on every row, from a mapping made once:
    # Django's own get_FOO_display rebuilds a dictionary of all the choices at each call (for the
    # actions, sixty), about a tenth of the time of the log search's page of 50 rows.
    def get_action_display(self) -> str:  # type: ignore[no-redef]  # the stubs declare Django's
        return str(_ACTION_LABELS.get(self.action, self.action))

    def get_decision_display(self) -> str:  # type: ignore[no-redef]  # as above
        return str(_DECISION_LABELS.get(self.decision, self.decision))


_ACTION_LABELS = dict(Action.choices)
_DECISION_LABELS = dict(AccessEvent.Decision.choices)


class PendingEvent(models.Model):
    """An event committed but not yet in the tree: the sequencer's work queue.

    A database trigger adds the row in the transaction that inserts the event, so it becomes
    visible exactly when the event commits, in whatever order transactions commit; the sequencer
    takes the queue, not "every id above the last one sequenced", which would skip an event whose
    transaction committed after one with a higher id.
    """

    event = models.OneToOneField(
        AccessEvent, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False
    )

    def __str__(self):
        return f"pending #{self.event_id}"


class LogLeaf(models.Model):
    """An event's place in the Merkle tree: gapless `index` from 0, in the order sequenced.

    `leaf_hash` is the RFC 6962 leaf hash of the event's canonical entry (audit/leaf.py), in which
    the personal fields appear only as the salted `commitments` kept here: they outlive a purge
    of the values and their salt, so that the leaf can still be recomputed.
    """

    index = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(AccessEvent, on_delete=models.PROTECT, related_name="leaf")
    version = models.PositiveSmallIntegerField()
    commitments = models.JSONField()
    leaf_hash = models.BinaryField(max_length=32)
    sequenced_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"leaf {self.index} (event #{self.event_id})"


class CommitmentSalt(models.Model):
    """The secret that opens an event's commitments; a purge deletes it with the values."""

    event = models.OneToOneField(
        AccessEvent, primary_key=True, on_delete=models.PROTECT, related_name="salt"
    )
    salt = models.BinaryField(max_length=32)

    def __str__(self):
        return f"salt of event #{self.event_id}"


class TreeNode(models.Model):
    """A complete interior node of the tree: the hash of leaves
    [position << level, (position + 1) << level). Once complete a node never changes, so a proof
    reads O(log n) of them instead of the log."""

    pk = models.CompositePrimaryKey("level", "position")
    level = models.PositiveSmallIntegerField()
    position = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    def __str__(self):
        return f"node {self.level}/{self.position}"


class Checkpoint(models.Model):
    """A signed statement of the tree's size and root, as the C2SP signed note it was published
    as (audit/checkpoints.py). Kept here and appended to the trust-anchor file outside."""

    size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    note = models.TextField()
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["size"]

    def __str__(self):
        return f"checkpoint at {self.size}"
