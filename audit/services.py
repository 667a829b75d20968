"""Writing the log. Rows are only ever added (see AccessEvent).

Two writers, one table: `look_record` for a look at client data (the door calls it with the
policy's decision) and `change_record` for a change (each service calls it inside its own
transaction, so that the change and its event commit or roll back together). A third,
`history_load`, writes generated history for development and benchmarks only.
"""

import datetime
import itertools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractUser
from django.db import connections, models, router
from django.utils import timezone

from audit.actions import CHANGES, LOOKS, Action
from audit.context import RequestContext
from audit.models import AccessEvent

# Recorded when the requested client does not exist; the policy never decides on such a client.
CLIENT_NOT_FOUND = "client_not_found"
# Recorded when the client exists but the one item asked for (such as a scan) is not theirs.
ITEM_NOT_FOUND = "item_not_found"


def look_record(
    *,
    actor: AbstractUser,
    action: Action,
    at: datetime.datetime,
    context: RequestContext | None = None,
    outcome: str = AccessEvent.Decision.ALLOWED,
    client=None,
    requested_client_ref: str = "",
    reason_codes: Iterable[str] = (),
    basis: dict | None = None,
    decision_id: uuid.UUID | None = None,
    policy_version: str = "",
    sections: Iterable[str] = (),
    purpose_code: str = "",
    purpose_text: str = "",
    search_criteria: dict | None = None,
    result_count: int | None = None,
    details: dict | None = None,
) -> AccessEvent:
    """Write one look, at `at`: the moment the policy decided, not a second clock reading."""
    if action not in LOOKS:
        raise ValueError(f"{action} is not a look")
    return AccessEvent.objects.create(
        **_actor_snapshot(actor),
        **_context_fields(context),
        occurred_at=at,
        action=action,
        decision=outcome,
        client=client,
        requested_client_ref=requested_client_ref,
        reason_codes=list(reason_codes),
        basis=basis or {},
        decision_id=decision_id,
        policy_version=policy_version,
        sections=list(sections),
        purpose_code=purpose_code,
        purpose_text=purpose_text,
        search_criteria=search_criteria or {},
        result_count=result_count,
        details=details or {},
    )


def change_record(
    *,
    actor: AbstractUser,
    action: Action,
    target: models.Model | None,
    client_id: int | None = None,
    details: dict | None = None,
    at: datetime.datetime | None = None,
    context: RequestContext | None = None,
) -> AccessEvent:
    """Write one change to `target`; call it inside the transaction that makes the change.

    `target` is None only when the change touched no row of ours (an unknown user name's lock).
    """
    if action not in CHANGES:
        raise ValueError(f"{action} is not a change")
    return AccessEvent.objects.create(
        **_actor_snapshot(actor),
        **_context_fields(context),
        occurred_at=at or timezone.now(),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        client_id=client_id,
        details=details or {},
    )


@dataclass(frozen=True)
class Change:
    """One change for `change_records`: what `change_record` takes besides the actor."""

    action: Action
    target: models.Model
    client_id: int | None = None
    details: dict = field(default_factory=dict)


def change_records(
    *,
    actor: AbstractUser,
    changes: Sequence[Change],
    at: datetime.datetime | None = None,
    context: RequestContext | None = None,
) -> int:
    """Write many changes by one actor at once; call it inside the changes' transaction.

    The same rows as `change_record` writes one by one, for the register import, whose batches
    of thousands of lines spent most of their time on these rows: all but six of their columns
    are the same in every row, so those are sent once per statement (INSERT ... SELECT from a
    VALUES list of the six), each value prepared by the model's own field. Returns the number
    written.
    """
    if any(change.action not in CHANGES for change in changes):
        raise ValueError("only changes can be written by change_records")
    connection = connections[router.db_for_write(AccessEvent)]
    fields = [field for field in AccessEvent._meta.concrete_fields if not field.primary_key]
    common = [field for field in fields if field.attname not in _PER_ROW]
    per_row = [field for field in fields if field.attname in _PER_ROW]
    template = AccessEvent(
        **_actor_snapshot(actor), **_context_fields(context), occurred_at=at or timezone.now()
    )
    common_values = [
        field.get_db_prep_save(getattr(template, field.attname), connection) for field in common
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(changes), _ROWS_PER_STATEMENT):
            chunk = changes[start : start + _ROWS_PER_STATEMENT]
            rows = [_per_row_values(change, per_row, connection) for change in chunk]
            cursor.execute(
                _insert_select(connection, common, per_row, len(rows)),
                [*common_values, *(value for row in rows for value in row)],
            )
    return len(changes)


# The columns of a change that differ from one change to the next in change_records.
_PER_ROW = frozenset({"event_id", "action", "target_type", "target_id", "client_id", "details"})
# Well under SQLite's 32,766 parameters a statement.
_ROWS_PER_STATEMENT = 1000


# Rows a statement for history_load: its events carry several JSON fields each.
_HISTORY_ROWS_PER_STATEMENT = 5000


def history_load(events: Iterable[AccessEvent]) -> list[int]:
    """Write generated events exactly as they are, in their order; their ids, in that order.

    For a synthetic history only (demo.synthetic_year, the benchmarks): the decisions are the
    generator's, not the policy's, and nothing in a request calls it. Each insert still queues
    its event for the tree, as every insert does (the table's trigger). `events` is read a
    statement's worth at a time, so a generator of millions is never held whole.
    """
    ids: list[int] = []
    for part in itertools.batched(events, _HISTORY_ROWS_PER_STATEMENT):
        ids.extend(event.pk for event in AccessEvent.objects.bulk_create(part))
    return ids


def _per_row_values(change: Change, fields: list, connection) -> list:
    values = {
        "event_id": uuid.uuid4(),
        "action": str(change.action),
        "target_type": change.target._meta.label_lower,
        "target_id": str(change.target.pk),
        "client_id": change.client_id,
        "details": change.details,
    }
    return [field.get_db_prep_save(values[field.attname], connection) for field in fields]


def _insert_select(connection, common: list, per_row: list, rows: int) -> str:
    quote = connection.ops.quote_name

    def typed(expression: str, field) -> str:
        # PostgreSQL reads an untyped value in a SELECT as text, which a uuid or jsonb column
        # does not take; SQLite converts by the column's affinity, and a CAST there would turn a
        # timestamp into a number.
        if connection.vendor == "postgresql":
            return f"CAST({expression} AS {field.db_type(connection)})"
        return expression

    columns = ", ".join(quote(field.column) for field in [*common, *per_row])
    selected = ", ".join(
        [typed("%s", field) for field in common]
        + [typed(f"v.column{index}", field) for index, field in enumerate(per_row, start=1)]
    )
    row = "(" + ", ".join(["%s"] * len(per_row)) + ")"
    return (
        f"INSERT INTO {quote(AccessEvent._meta.db_table)} ({columns}) "  # noqa: S608 (our names)
        f"SELECT {selected} FROM (VALUES {', '.join([row] * rows)}) AS v"
    )


def _actor_snapshot(actor: AbstractUser) -> dict:
    """What the actor was at that moment, whatever becomes of the account later."""
    return {
        "actor": actor,
        "actor_username": actor.get_username(),
        "actor_name": actor.get_full_name(),
        # The roles are the user's groups (access.roles): their names are the role codes.
        "actor_roles": sorted(actor.groups.values_list("name", flat=True)),
        "actor_organisation": getattr(actor, "organisation", ""),
    }


def _context_fields(context: RequestContext | None) -> dict:
    context = context or RequestContext.current()
    if context is None:
        return {"request_id": None, "session_hash": "", "ip_address": None}
    return {
        "request_id": context.request_id,
        "session_hash": context.session_hash,
        "ip_address": context.ip_address,
    }
