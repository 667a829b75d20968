from django.db import migrations

# Every event enters the sequencer's queue in the transaction that inserts it, so the queue row
# becomes visible exactly when the event commits, in whatever order transactions commit. One
# statement-level trigger keeps the register import's INSERT ... SELECT of thousands of events
# one statement.
ENQUEUE_POSTGRESQL = """
CREATE FUNCTION audit_accessevent_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_pendingevent (event_id) SELECT id FROM inserted;
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_accessevent_enqueue
    AFTER INSERT ON audit_accessevent REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accessevent_enqueue();
"""
ENQUEUE_SQLITE = """
CREATE TRIGGER audit_accessevent_enqueue AFTER INSERT ON audit_accessevent
BEGIN
    INSERT INTO audit_pendingevent (event_id) VALUES (NEW.id);
END;
"""
ENQUEUE_EXISTING = "INSERT INTO audit_pendingevent (event_id) SELECT id FROM audit_accessevent"

# The personal fields that enter a leaf only as salted commitments (audit/leaf.py): the one
# change an event may undergo is blanking exactly these, and nothing else.
PERSONAL_COLUMNS = (
    "ARRAY['client_id', 'requested_client_ref', 'target_id', 'details', "
    "'purpose_text', 'search_criteria']"
)

# The event stays append-only but for the retention purge's redaction (004 §4).
REDACTION_ONLY_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION audit_accessevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.client_id IS NULL AND NEW.requested_client_ref = '' AND NEW.target_id = ''
        AND NEW.details = '{{}}'::jsonb AND NEW.purpose_text = ''
        AND NEW.search_criteria = '{{}}'::jsonb
        AND to_jsonb(NEW) - {PERSONAL_COLUMNS} = to_jsonb(OLD) - {PERSONAL_COLUMNS}
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'access events are append-only';
END
$$;
"""
APPEND_ONLY_ONLY_POSTGRESQL = """
CREATE OR REPLACE FUNCTION audit_accessevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access events are append-only';
END
$$;
"""

# The tree's rows never change once written; a salt is only ever deleted (by the purge).
TREE_APPEND_ONLY_POSTGRESQL = """
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END
$$;
CREATE TRIGGER audit_logleaf_append_only BEFORE UPDATE OR DELETE ON audit_logleaf
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_treenode_append_only BEFORE UPDATE OR DELETE ON audit_treenode
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_commitmentsalt_no_update BEFORE UPDATE ON audit_commitmentsalt
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER auditlog_logentry_append_only BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
"""

# The purge's one narrow path: the app's role may not update or delete a row of the log, but
# may call this, which runs as the owner and can do nothing but blank one client's personal
# fields and delete their salts. Its search path is pinned to the schema it was made in, with
# pg_temp last, so that no caller's temporary table can stand in for the log.
REDACT_POSTGRESQL = """
CREATE FUNCTION atmt_redact_client(client bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    redacted integer;
BEGIN
    WITH chosen AS (
        SELECT id FROM audit_accessevent
        WHERE client_id = client
            OR (target_type = 'clients.client' AND target_id = client::text)
            OR details -> 'clients' @> to_jsonb(client)
    ), salts AS (
        DELETE FROM audit_commitmentsalt WHERE event_id IN (SELECT id FROM chosen)
    )
    UPDATE audit_accessevent SET client_id = NULL, requested_client_ref = '', target_id = '',
        details = '{{}}', purpose_text = '', search_criteria = '{{}}'
    WHERE id IN (SELECT id FROM chosen);
    GET DIAGNOSTICS redacted = ROW_COUNT;
    RETURN redacted;
END
$$;
REVOKE ALL ON FUNCTION atmt_redact_client(bigint) FROM PUBLIC;
"""

DROP_POSTGRESQL = """
DROP FUNCTION atmt_redact_client(bigint);
DROP TRIGGER auditlog_logentry_append_only ON auditlog_logentry;
DROP TRIGGER audit_commitmentsalt_no_update ON audit_commitmentsalt;
DROP TRIGGER audit_checkpoint_append_only ON audit_checkpoint;
DROP TRIGGER audit_treenode_append_only ON audit_treenode;
DROP TRIGGER audit_logleaf_append_only ON audit_logleaf;
DROP FUNCTION audit_log_refuse_change();
DROP TRIGGER audit_accessevent_enqueue ON audit_accessevent;
DROP FUNCTION audit_accessevent_enqueue();
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in (ENQUEUE_POSTGRESQL, REDACTION_ONLY_POSTGRESQL, TREE_APPEND_ONLY_POSTGRESQL):
            schema_editor.execute(sql)
        schema_editor.execute(REDACT_POSTGRESQL.format(schema=_current_schema(schema_editor)))
    elif vendor == "sqlite":
        schema_editor.execute(ENQUEUE_SQLITE)
    schema_editor.execute(ENQUEUE_EXISTING)


def _current_schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        return cursor.fetchone()[0]


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP_POSTGRESQL)
        schema_editor.execute(APPEND_ONLY_ONLY_POSTGRESQL)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER audit_accessevent_enqueue")
    schema_editor.execute("DELETE FROM audit_pendingevent")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0010_merkle_log"),
        ("auditlog", "__latest__"),
    ]

    operations = [migrations.RunPython(create, drop)]
