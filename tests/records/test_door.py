"""The door writes the moment the policy decided, and fails closed."""

import datetime
import uuid

import pytest

from access.policy import Action
from audit.context import RequestContext
from audit.models import AccessEvent
from records.accessors import StatedPurpose, open_client

CONTEXT = RequestContext(request_id=uuid.uuid4(), session_hash="", ip_address=None)


@pytest.mark.rule("000-6-views-logged")
def test_the_event_records_the_moment_the_policy_decided(setting):
    decided_at = datetime.datetime(2026, 6, 15, 9, 0, 0, 123456, tzinfo=datetime.UTC)

    record = open_client(
        actor=setting.worker,
        client_id=setting.openable.pk,
        purpose=StatedPurpose("meeting"),
        context=CONTEXT,
        at=decided_at,
    )

    assert record.decision.at == decided_at
    assert AccessEvent.objects.get().occurred_at == decided_at
    assert AccessEvent.objects.get().decision_id == record.decision.decision_id


def test_each_policy_action_is_logged_as_its_look(setting):
    for action, logged_as in [
        (Action.VIEW, "atmt.client.viewed"),
        (Action.PRINT, "atmt.client.printed"),
        (Action.EXPORT, "atmt.client.exported"),
    ]:
        open_client(
            actor=setting.worker,
            client_id=setting.openable.pk,
            purpose=StatedPurpose("meeting"),
            context=CONTEXT,
            action=action,
        )
        assert AccessEvent.objects.order_by("-pk").first().action == logged_as
