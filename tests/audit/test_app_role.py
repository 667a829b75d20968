"""The app's database role (README, "Database roles"): after `grant_app_role` it can write and
read the log as the app does, and call the purge's function, but PostgreSQL refuses it every
statement that could rewrite the log or switch its triggers off.

Roles are cluster-wide. Each test makes its own, with a unique name, inside the test's
transaction (CREATE ROLE and GRANT are transactional, so the rollback alone removes them); the
fixture still drops it, in case a test ever runs outside a transaction.
"""

import io
import uuid
from collections.abc import Iterator

import psycopg.errors
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit.actions import Action
from audit.checkpoints import seal
from audit.management.commands.grant_app_role import PROTECTED_TABLES
from audit.models import AccessEvent, CommitmentSalt, LogLeaf, PendingEvent
from audit.redaction import redact_client
from audit.services import change_record
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

INSUFFICIENT_PRIVILEGE = "42501"

# Named here, not taken from the command, so that a table dropped from its list fails a test;
# each with a column to name in an UPDATE (privileges are checked before any row is read).
LOG_TABLES = {
    "audit_accessevent": "id",
    "audit_logleaf": '"index"',
    "audit_treenode": "level",
    "audit_checkpoint": "id",
    "audit_commitmentsalt": "event_id",
    "audit_pendingevent": "event_id",
    "auditlog_logentry": "id",
}
TRIGGERS = {
    "audit_accessevent": "audit_accessevent_append_only",
    "audit_logleaf": "audit_logleaf_append_only",
    "audit_treenode": "audit_treenode_append_only",
    "audit_checkpoint": "audit_checkpoint_append_only",
    "audit_commitmentsalt": "audit_commitmentsalt_no_update",
    "auditlog_logentry": "auditlog_logentry_append_only",
}


def forbidden_statements() -> list[tuple[str, str]]:
    """(id, statement): every way the app's role might rewrite the log or unguard it."""
    statements = []
    for table, column in LOG_TABLES.items():
        statements += [
            (f"update-{table}", f"UPDATE {table} SET {column} = {column}"),  # noqa: S608
            (f"truncate-{table}", f"TRUNCATE {table}"),
            (f"disable-triggers-{table}", f"ALTER TABLE {table} DISABLE TRIGGER ALL"),
            (f"drop-table-{table}", f"DROP TABLE {table}"),
            (
                f"create-trigger-{table}",
                f"CREATE TRIGGER atmt_sneaky BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()",
            ),
        ]
        if table != "audit_pendingevent":  # The sequencer's queue: it deletes what it placed.
            statements.append((f"delete-{table}", f"DELETE FROM {table}"))  # noqa: S608
    statements += [
        (f"drop-trigger-{trigger}", f"DROP TRIGGER {trigger} ON {table}")
        for table, trigger in TRIGGERS.items()
    ]
    statements += [
        (
            "disable-one-trigger",
            "ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_append_only",
        ),
        ("take-ownership", "ALTER TABLE audit_accessevent OWNER TO CURRENT_USER"),
        (
            "replace-trigger-function",
            "CREATE OR REPLACE FUNCTION audit_accessevent_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        ),
        ("triggers-off-for-the-session", "SET session_replication_role = replica"),
        ("set-the-id-sequence", "SELECT setval('audit_accessevent_id_seq', 1)"),
    ]
    return statements


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("roles and privileges are PostgreSQL's; the SQLite run has none")


def create_role(*options: str) -> str:
    name = f"atmt_test_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} NOLOGIN {' '.join(options)}")
    return name


def drop_role(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


@pytest.fixture
def app_role(postgresql_only) -> Iterator[str]:
    name = create_role()
    try:
        call_command("grant_app_role", name, stdout=io.StringIO())
        yield name
    finally:
        drop_role(name)


def become(role: str) -> None:
    """Act as `role` until the test's transaction ends (SET LOCAL: a rollback undoes it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")


def sqlstate_of(statement: str) -> str | None:
    """Run `statement` in a savepoint; its SQLSTATE if refused, None if it ran."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except Exception as error:
        cause = error.__cause__
        return cause.sqlstate if isinstance(cause, psycopg.Error) else None
    return None


def test_the_command_protects_exactly_the_log_tables():
    assert set(PROTECTED_TABLES) == set(LOG_TABLES)
    assert all(
        privileges in (("SELECT", "INSERT"), ("SELECT", "INSERT", "DELETE"))
        for privileges in PROTECTED_TABLES.values()
    )


@pytest.mark.parametrize(
    "statement", [s for _, s in forbidden_statements()], ids=[i for i, _ in forbidden_statements()]
)
def test_the_app_role_is_refused(app_role, statement):
    actor = UserFactory()
    for _ in range(2):
        AccessEvent.objects.create(actor=actor, action=Action.CLIENT_VIEWED)
    seal()  # Leaves, a node, salts, a checkpoint: rows whose triggers would answer otherwise.
    become(app_role)

    assert sqlstate_of(statement) == INSUFFICIENT_PRIVILEGE


def test_the_app_role_writes_reads_sequences_seals_and_purges_the_log(app_role):
    become(app_role)
    # The app's own code paths, as the app's role: its ordinary tables, the log and its queue.
    actor, client, other = UserFactory(), ClientFactory(), ClientFactory()
    for named in (client, other):
        change_record(actor=actor, action=Action.CLIENT_MOVED, target=named, client_id=named.pk)
    assert PendingEvent.objects.count() == 2
    seal()
    assert LogLeaf.objects.count() == 2
    assert PendingEvent.objects.count() == 0

    # The purge's one path: blanks the client's events and deletes their salts, as the owner.
    assert redact_client(client.pk, actor=actor) == 1

    assert not AccessEvent.objects.filter(client_id=client.pk).exists()
    assert AccessEvent.objects.filter(client_id=other.pk).count() == 1
    assert CommitmentSalt.objects.count() == 1
    assert sqlstate_of("UPDATE audit_accessevent SET client_id = NULL") == INSUFFICIENT_PRIVILEGE


def test_the_app_role_may_empty_the_queue_and_call_the_purge_function(app_role):
    client = ClientFactory()
    change_record(
        actor=UserFactory(), action=Action.CLIENT_MOVED, target=client, client_id=client.pk
    )
    become(app_role)

    assert sqlstate_of("DELETE FROM audit_pendingevent") is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT atmt_redact_client(%s)", [client.pk])
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(*) FROM audit_accessevent WHERE client_id IS NOT NULL")
        assert cursor.fetchone()[0] == 0


def test_running_it_again_takes_back_what_was_granted_by_hand(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON audit_accessevent TO {app_role}")
        cursor.execute(f"GRANT UPDATE (event_id) ON audit_logleaf TO {app_role}")
        cursor.execute(f"GRANT TRIGGER ON auditlog_logentry TO {app_role}")
    call_command("grant_app_role", app_role, stdout=io.StringIO())
    become(app_role)

    for statement in (
        "TRUNCATE audit_accessevent",
        "UPDATE audit_logleaf SET event_id = event_id",
        "CREATE TRIGGER atmt_sneaky BEFORE INSERT ON auditlog_logentry "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()",
    ):
        assert sqlstate_of(statement) == INSUFFICIENT_PRIVILEGE, statement


@pytest.mark.parametrize("options", ["SUPERUSER", "CREATEROLE"])
def test_a_role_above_privileges_is_refused(postgresql_only, options):
    name = create_role(options)
    try:
        with pytest.raises(CommandError, match=name):
            call_command("grant_app_role", name)
    finally:
        drop_role(name)


def test_the_owner_and_its_members_are_refused(postgresql_only):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        owner, superuser = cursor.fetchone()
    member = create_role(f"IN ROLE {owner}")
    try:
        refused = [owner, member] if not superuser else [member]
        for role in refused:
            with pytest.raises(CommandError):
                call_command("grant_app_role", role)
    finally:
        drop_role(member)


def test_an_unknown_role_is_refused(postgresql_only):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", f"atmt_nobody_{uuid.uuid4().hex[:12]}")


def test_other_databases_are_refused():
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for databases without roles")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("grant_app_role", "atmt_app")
