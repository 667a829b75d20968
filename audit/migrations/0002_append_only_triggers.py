from django.db import migrations

# On PostgreSQL the database itself refuses to change or delete an access event, whatever code
# or console tries. TRUNCATE is left to the owner (test runs flush with it). SQLite relies on the
# model's own refusal: its flush uses DELETE, which a trigger would block.
CREATE = """
CREATE FUNCTION audit_accessevent_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access events are append-only';
END
$$;
CREATE TRIGGER audit_accessevent_append_only
    BEFORE UPDATE OR DELETE ON audit_accessevent
    FOR EACH ROW EXECUTE FUNCTION audit_accessevent_refuse_change();
"""
DROP = """
DROP TRIGGER audit_accessevent_append_only ON audit_accessevent;
DROP FUNCTION audit_accessevent_refuse_change();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
