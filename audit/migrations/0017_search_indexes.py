"""The indexes of the supervisor's log search at 10 M events (bench/log_search.py).

The two indexes of the failing conditions are PostgreSQL's own, written as SQL: SQLite has
neither kind, and there the search reads the codes with json_each (audit/lookups.py). Both are on
`NULLIF(reason_codes, '[]')`, the expression the has_element lookup tests, so that PostgreSQL
keeps statistics of it and knows that a matching event is one with codes:

* a GIN index (`jsonb_path_ops`, which serves `@>`) finds the events of a rare code;
* a partial index of the few percent of events that have codes, by id and holding the actor and
  the codes, lets a common code's newest events be read from the index alone, newest first,
  checking the scope and the code there without visiting the table.
"""

from django.db import migrations, models

CODES = "NULLIF(reason_codes, '[]'::jsonb)"
CREATE_POSTGRESQL = (
    f"CREATE INDEX audit_event_reason_codes_gin ON audit_accessevent "
    f"USING gin (({CODES}) jsonb_path_ops)",
    f"CREATE INDEX audit_event_with_reasons_idx ON audit_accessevent (id) "
    f"INCLUDE (actor_id, reason_codes) WHERE {CODES} IS NOT NULL",
)
DROP_POSTGRESQL = (
    "DROP INDEX audit_event_with_reasons_idx",
    "DROP INDEX audit_event_reason_codes_gin",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE_POSTGRESQL:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_POSTGRESQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0016_review_rule_codes")]

    operations = [
        migrations.AddIndex(
            model_name="accessevent",
            index=models.Index(fields=["decision", "id"], name="audit_event_decision_id_idx"),
        ),
        migrations.RunPython(create, drop),
    ]
