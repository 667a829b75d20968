from django.db import migrations

# The database itself refuses to change an entry or a version, whatever code or console tries:
# a correction is a new version. Deleting stays possible for the retention purge.
POSTGRESQL = """
CREATE FUNCTION entries_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case entries are never changed: record a correction';
END
$$;
CREATE TRIGGER entries_caseentry_never_changes BEFORE UPDATE ON entries_caseentry
    FOR EACH ROW EXECUTE FUNCTION entries_refuse_update();
CREATE TRIGGER entries_entryversion_never_changes BEFORE UPDATE ON entries_entryversion
    FOR EACH ROW EXECUTE FUNCTION entries_refuse_update();
"""
POSTGRESQL_DROP = """
DROP TRIGGER entries_caseentry_never_changes ON entries_caseentry;
DROP TRIGGER entries_entryversion_never_changes ON entries_entryversion;
DROP FUNCTION entries_refuse_update();
"""
SQLITE = [
    f"""CREATE TRIGGER {table}_never_changes BEFORE UPDATE ON {table}
    BEGIN SELECT RAISE(ABORT, 'case entries are never changed: record a correction'); END;"""
    for table in ("entries_caseentry", "entries_entryversion")
]
SQLITE_DROP = [
    f"DROP TRIGGER {table}_never_changes;" for table in ("entries_caseentry", "entries_entryversion")
]


def create_triggers(apps, schema_editor):
    statements = [POSTGRESQL] if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    statements = [POSTGRESQL_DROP] if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("entries", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
