"""Give the app's database role exactly what the app needs, and nothing that could rewrite the log.

Run by the owning role after every `migrate` (a new table has no grants until then). It first
takes everything away from the role, so that running it again after a change here narrows the
grants too; then grants the ordinary tables their DML, the log's tables only SELECT and INSERT,
and the purge's one way in, `atmt_redact_client` (migration 0011), which runs as the owner.
TRUNCATE, REFERENCES and TRIGGER are never granted, and only an owner may alter a table or
its triggers. PostgreSQL only: SQLite has no roles (README, "Database roles").
"""

from auditlog.models import LogEntry
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from audit.models import AccessEvent, Checkpoint, CommitmentSalt, LogLeaf, PendingEvent, TreeNode

# The access log and django-auditlog's history are evidence: the app's role may add rows and read
# them, never change or remove one (the triggers of migrations 0002 and 0011 refuse that too; these
# grants keep the app's role from switching the triggers off). The queue is the one table it
# deletes from: the sequencer removes what it has placed in the tree. A purge deletes salts and
# blanks values only through atmt_redact_client, as the owner.
PROTECTED_TABLES: dict[str, tuple[str, ...]] = {
    model._meta.db_table: privileges
    for model, privileges in (
        (AccessEvent, ("SELECT", "INSERT")),
        (LogLeaf, ("SELECT", "INSERT")),
        (TreeNode, ("SELECT", "INSERT")),
        (Checkpoint, ("SELECT", "INSERT")),
        (CommitmentSalt, ("SELECT", "INSERT")),
        (PendingEvent, ("SELECT", "INSERT", "DELETE")),
        (LogEntry, ("SELECT", "INSERT")),
    )
}
ORDINARY_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
# Only migrate (run as the owner) writes the record of applied migrations.
READ_ONLY_TABLES = {"django_migrations": ("SELECT",)}
REDACT_FUNCTION = "atmt_redact_client(bigint)"

# A role that is, or inherits the privileges of, the owner of any table in the schema could do
# everything the owner can: alter the tables and drop their triggers.
OWNS_A_TABLE = """
    SELECT EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
            AND pg_has_role(%s, c.relowner, 'MEMBER')
    )
"""


class Command(BaseCommand):
    help = "Grant the app's database role its least privileges (run as the owner after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role the app connects as (not the owner).")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                f"grant_app_role needs PostgreSQL; this database is {connection.vendor}"
            )
        with transaction.atomic():
            refuse_unsafe_role(role)
            table_grants = grants()
            with connection.cursor() as cursor:
                for statement in grant_statements(role, current_schema(), table_grants):
                    cursor.execute(statement.as_string(connection.connection))
        self.stdout.write(f"granted {role} the app's privileges on {len(table_grants)} tables")


def refuse_unsafe_role(role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise CommandError(f"role {role} does not exist")
        superuser, createrole = row
        # Privileges mean nothing to a superuser; CREATEROLE could make itself the owner's member.
        if superuser or createrole:
            raise CommandError(f"role {role} is a superuser or may create roles; use a plain role")
        cursor.execute(OWNS_A_TABLE, [role])
        if cursor.fetchone()[0]:
            raise CommandError(f"role {role} owns (or is a member of the owner of) a table here")


def current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def grants() -> dict[str, tuple[str, ...]]:
    """Each existing table of the project's models, and the privileges the app's role gets on it."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    existing = set(connection.introspection.table_names())
    table_grants = {table: PROTECTED_TABLES.get(table, ORDINARY_PRIVILEGES) for table in tables}
    table_grants |= {table: p for table, p in READ_ONLY_TABLES.items() if table in existing}
    return table_grants


def grant_statements(
    role: str, schema: str, table_grants: dict[str, tuple[str, ...]]
) -> list[sql.Composed]:
    to_role, in_schema = sql.Identifier(role), sql.Identifier(schema)
    statements = [
        sql.SQL("REVOKE ALL ON SCHEMA {} FROM {}").format(in_schema, to_role),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(in_schema, to_role),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(in_schema, to_role),
        sql.SQL("REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {} FROM {}").format(in_schema, to_role),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(in_schema, to_role),
    ]
    for table, privileges in sorted(table_grants.items()):
        statements.append(
            sql.SQL("GRANT {} ON TABLE {} TO {}").format(
                sql.SQL(", ").join(sql.SQL(privilege) for privilege in privileges),
                sql.Identifier(schema, table),
                to_role,
            )
        )
    statements += [
        # nextval for the ids; setval (UPDATE) stays the owner's.
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
            in_schema, to_role
        ),
        sql.SQL("GRANT EXECUTE ON FUNCTION {}.{} TO {}").format(
            in_schema, sql.SQL(REDACT_FUNCTION), to_role
        ),
    ]
    return statements
