"""Give the app's database role what it needs and no more (PostgreSQL).

Migrations run as the role that owns the tables; the app runs as another. This grants that role
full use of the ordinary tables but only SELECT and INSERT on the log's (the events, their
leaves, the tree's nodes, the checkpoints, the salts and django-auditlog's history): no UPDATE,
DELETE or TRUNCATE, and, not owning them, no way to drop or disable their triggers. The purge
reaches the log only through the owner's function atmt_redact_client. Run it after every
migrate; it first revokes everything, so a run after a change narrows as well as widens.
"""

from auditlog.models import LogEntry
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from audit.models import AccessEvent, Checkpoint, CommitmentSalt, LogLeaf, PendingEvent, TreeNode

# The evidence: rows are only ever added. The sequencer's queue is also taken from.
APPEND_ONLY = {
    model._meta.db_table: ("SELECT", "INSERT")
    for model in (AccessEvent, LogLeaf, TreeNode, Checkpoint, CommitmentSalt, LogEntry)
} | {PendingEvent._meta.db_table: ("SELECT", "INSERT", "DELETE")}
ORDINARY = ("SELECT", "INSERT", "UPDATE", "DELETE")


class Command(BaseCommand):
    help = "Grant the app's database role least privilege (run as the owner, after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("role")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("database roles exist on PostgreSQL only")
        with transaction.atomic(), connection.cursor() as cursor:
            self.refuse_a_powerful_role(cursor, role)
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
            for statement in grants(role, schema, model_tables()):
                cursor.execute(statement.as_string(connection.connection))
        self.stdout.write(f"{role}: SELECT and INSERT only on {len(APPEND_ONLY)} log tables")

    def refuse_a_powerful_role(self, cursor, role: str) -> None:
        cursor.execute(
            "SELECT rolsuper OR rolbypassrls, EXISTS (SELECT 1 FROM pg_tables "
            "WHERE tableowner = rolname AND schemaname = current_schema()) "
            "FROM pg_roles WHERE rolname = %s",
            [role],
        )
        found = cursor.fetchone()
        if found is None:
            raise CommandError(f"no role {role}")
        if any(found):
            raise CommandError(f"{role} is a superuser or owns tables: it cannot be limited")


def model_tables() -> list[str]:
    existing = set(connection.introspection.table_names())
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted(tables & existing)


def grants(role: str, schema_name: str, tables: list[str]) -> list[sql.Composed]:
    who, schema = sql.Identifier(role), sql.Identifier(schema_name)
    statements = [
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, who),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(schema, who),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, who),
        sql.SQL("GRANT SELECT ON django_migrations TO {}").format(who),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, who),
        sql.SQL("GRANT EXECUTE ON FUNCTION atmt_redact_client(bigint) TO {}").format(who),
    ]
    for table in tables:
        privileges = APPEND_ONLY.get(table, ORDINARY)
        statements.append(
            sql.SQL("GRANT {} ON {} TO {}").format(
                sql.SQL(", ").join(sql.SQL(p) for p in privileges), sql.Identifier(table), who
            )
        )
    return statements
