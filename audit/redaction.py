"""The retention purge's cut into the log (004 §4): blank one client's personal fields in every
event that names them, and delete those events' salts, so that nothing of the client remains in
the rows while every leaf, and every proof through it, still verifies (audit/leaf.py).

On PostgreSQL this is the owner's function `atmt_redact_client` (migration 0011): the app's
role can neither update nor delete a row of the log, only call it. SQLite has no roles; the
same statements run here.
"""

from django.db import connection, transaction

from audit.actions import Action
from audit.services import change_record

# The events that name a client: as their client, as the object changed, or among the clients
# a search found. The same condition as atmt_redact_client's.
CHOSEN_SQLITE = """
    SELECT id FROM audit_accessevent
    WHERE client_id = %(client)s
        OR (target_type = 'clients.client' AND target_id = %(client_text)s)
        OR EXISTS (
            SELECT 1 FROM json_each(audit_accessevent.details, '$.clients')
            WHERE json_each.value = %(client)s
        )
"""


def redact_client(client_id: int, *, actor) -> int:
    """Purge client `client_id`'s personal fields from the log; the number of events redacted.
    The purge is itself an event, naming how many events it touched and no client."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            redacted = _redact_postgresql(client_id)
        else:
            redacted = _redact_sqlite(client_id)
        change_record(
            actor=actor, action=Action.LOG_REDACTED, target=None, details={"events": redacted}
        )
    return redacted


def _redact_postgresql(client_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT atmt_redact_client(%s)", [client_id])
        return cursor.fetchone()[0]


def _redact_sqlite(client_id: int) -> int:
    params: dict[str, int | str] = {"client": client_id, "client_text": str(client_id)}
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE atmt_redacted AS {CHOSEN_SQLITE}", params)
        cursor.execute(
            "DELETE FROM audit_commitmentsalt WHERE event_id IN (SELECT id FROM atmt_redacted)"
        )
        cursor.execute(
            "UPDATE audit_accessevent SET client_id = NULL, requested_client_ref = '', "
            "target_id = '', details = '{}', purpose_text = '', search_criteria = '{}' "
            "WHERE id IN (SELECT id FROM atmt_redacted)"
        )
        redacted = cursor.rowcount
        cursor.execute("DROP TABLE atmt_redacted")
    return redacted
