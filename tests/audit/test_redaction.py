"""The retention purge of one client's personal fields from the log: nothing of the client
remains in the event rows, the other clients' events are untouched, and the log verifies."""

import json

import pytest
from django.conf import settings
from django.utils import timezone

from audit.actions import Action
from audit.checkpoints import read_anchor, seal, signing_key
from audit.models import AccessEvent, CommitmentSalt
from audit.redaction import redact_client
from audit.services import change_record, look_record
from audit.verification import verify
from tests.factories import ClientFactory, UserFactory


def traces_of(client) -> list[int]:
    """The events whose row still holds anything that identifies `client`."""
    values = {str(client.pk), client.identity_code, client.last_name}
    found = []
    for event in AccessEvent.objects.all():
        personal = json.dumps(
            [
                event.client_id,
                event.requested_client_ref,
                event.target_id,
                event.details,
                event.purpose_text,
                event.search_criteria,
            ]
        )
        if event.client_id == client.pk or any(value in personal for value in values):
            found.append(event.pk)
    return found


@pytest.mark.django_db
def test_a_purged_client_leaves_no_value_in_the_log_and_the_log_still_verifies():
    worker, official = UserFactory(), UserFactory()
    purged, kept = ClientFactory(last_name="Purgatorius"), ClientFactory()
    for client in (purged, kept):
        look_record(
            actor=worker,
            action=Action.CLIENT_VIEWED,
            at=timezone.now(),
            client=client,
            purpose_code="guidance",
            purpose_text=f"met {client.last_name}",
        )
        change_record(
            actor=official, action=Action.CLIENT_MOVED, target=client, client_id=client.pk
        )
    look_record(
        actor=worker,
        action=Action.CLIENT_SEARCHED,
        at=timezone.now(),
        result_count=2,
        details={"clients": [purged.pk, kept.pk]},
        search_criteria={"last_name": "Purgatorius"},
    )
    seal()
    assert traces_of(purged)

    assert redact_client(purged.pk, actor=official) == 3
    seal()

    assert traces_of(purged) == []
    assert len(traces_of(kept)) == 2
    redaction = AccessEvent.objects.get(action=Action.LOG_REDACTED)
    assert (redaction.client_id, redaction.details) == (None, {"events": 3})
    assert CommitmentSalt.objects.count() == AccessEvent.objects.count() - 3
    verdict = verify(signing_key().verifier, read_anchor(settings.LOG_CHECKPOINT_FILE))
    assert verdict.problems == []
    assert verdict.tree_size == 6
