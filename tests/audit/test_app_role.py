"""The app's database role may add to the log and read it, and nothing else: every statement
that could rewrite the evidence is refused by PostgreSQL itself (SQLSTATE 42501)."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.actions import Action
from audit.models import AccessEvent
from audit.services import change_record
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

INSUFFICIENT_PRIVILEGE = "42501"
LOG_TABLES = [
    "audit_accessevent",
    "audit_logleaf",
    "audit_treenode",
    "audit_checkpoint",
    "audit_commitmentsalt",
    "auditlog_logentry",
]


@pytest.fixture
def app_role():
    """A role of its own for this run (roles are cluster-wide), dropped whatever happens."""
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist on PostgreSQL only")
    name = f"atmt_test_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" NOLOGIN')
    try:
        call_command("grant_app_role", name, stdout=io.StringIO())
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f'DROP OWNED BY "{name}"')
            cursor.execute(f'DROP ROLE "{name}"')


def refused(role: str, statement: str) -> str | None:
    """The SQLSTATE with which `statement`, run as `role`, is refused; None if it ran."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute(statement)
            cursor.execute("RESET ROLE")
    except DatabaseError as error:
        return error.__cause__.sqlstate
    return None


@pytest.mark.parametrize("table", LOG_TABLES)
def test_the_app_role_cannot_update_delete_or_truncate_the_log(app_role, table):
    column = _a_column(table)
    for statement in (
        f"UPDATE {table} SET {column} = {column}",  # noqa: S608 (names from the list above)
        f"DELETE FROM {table}",  # noqa: S608
        f"TRUNCATE {table}",
        f"DROP TABLE {table}",
    ):
        assert refused(app_role, statement) == INSUFFICIENT_PRIVILEGE, statement


def test_the_app_role_cannot_touch_the_triggers(app_role):
    for statement in (
        "ALTER TABLE audit_accessevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_accessevent_append_only ON audit_accessevent",
        "CREATE TRIGGER forged BEFORE INSERT ON audit_accessevent "
        "FOR EACH ROW EXECUTE FUNCTION audit_accessevent_refuse_change()",
    ):
        assert refused(app_role, statement) == INSUFFICIENT_PRIVILEGE, statement


def test_the_app_role_writes_and_reads_the_log_and_purges_only_through_the_function(app_role):
    client, actor = ClientFactory(), UserFactory()
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
    event = change_record(
        actor=actor, action=Action.CLIENT_MOVED, target=client, client_id=client.pk
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_accessevent")
        cursor.execute("DELETE FROM audit_pendingevent WHERE event_id = %s", [event.pk])
        cursor.execute("SELECT atmt_redact_client(%s)", [client.pk])
        assert cursor.fetchone()[0] == 1
        cursor.execute("RESET ROLE")
    assert AccessEvent.objects.get(pk=event.pk).client_id is None


def test_a_superuser_cannot_be_made_the_app_role():
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (me,) = cursor.fetchone()
    with pytest.raises(CommandError):
        call_command("grant_app_role", me)


def _a_column(table: str) -> str:
    return {
        "audit_treenode": "hash",
        "audit_commitmentsalt": "salt",
        "audit_logleaf": "version",
    }.get(table, "id")
