"""Stored looks follow their codes when a code changes (audit 0005), the trigger notwithstanding."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("audit", "0004_looks_and_changes")]
AFTER = [("audit", "0005_action_codes")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    """Later tests need the whole schema again, whatever this one leaves behind."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_stored_looks_get_the_new_codes():
    old_apps = migrate(BEFORE)
    actor = old_apps.get_model("access", "User").objects.create(username="vanha")
    events = old_apps.get_model("audit", "AccessEvent").objects
    for old in ("atmt.client.view", "atmt.client.search", "atmt.client.print"):
        events.create(
            actor_id=actor.pk,
            actor_username="vanha",
            actor_name="",
            action=old,
            decision="allowed",
            request_id=uuid.uuid4(),
        )

    new_apps = migrate(AFTER)

    stored = new_apps.get_model("audit", "AccessEvent").objects.order_by("pk")
    assert list(stored.values_list("action", flat=True)) == [
        "atmt.client.viewed",
        "atmt.client.searched",
        "atmt.client.printed",
    ]
