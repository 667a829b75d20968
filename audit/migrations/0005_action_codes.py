"""One form for every action code: `atmt.<object>.<past tense>`. Stored looks follow.

The log refuses UPDATE (a trigger on PostgreSQL, the model everywhere), so the renaming runs with
the trigger switched off inside this migration's own transaction, and with queryset update
bypassed through raw SQL. Nothing else about an event changes.
"""

from django.db import migrations

RENAMED = {
    "atmt.client.view": "atmt.client.viewed",
    "atmt.client.search": "atmt.client.searched",
    "atmt.client.print": "atmt.client.printed",
    "atmt.client.export": "atmt.client.exported",
}


def rename(mapping):
    def run(apps, schema_editor):
        postgres = schema_editor.connection.vendor == "postgresql"
        if postgres:
            schema_editor.execute(
                "ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_append_only"
            )
        for old, new in mapping.items():
            schema_editor.execute(
                "UPDATE audit_accessevent SET action = %s WHERE action = %s", [new, old]
            )
        if postgres:
            schema_editor.execute(
                "ALTER TABLE audit_accessevent ENABLE TRIGGER audit_accessevent_append_only"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_looks_and_changes")]

    operations = [
        migrations.RunPython(rename(RENAMED), rename({new: old for old, new in RENAMED.items()}))
    ]
