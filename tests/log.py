"""Making the log fail for real: the database itself refuses to write an event."""

from django.db import connection


def block_access_event_inserts():
    """Make the database itself refuse to write access events, as a full disk or a lock would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'access log unavailable'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_insert BEFORE INSERT ON audit_accessevent "
                "FOR EACH ROW EXECUTE FUNCTION refuse_insert()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_insert BEFORE INSERT ON audit_accessevent "
                "BEGIN SELECT RAISE(ABORT, 'access log unavailable'); END"
            )
