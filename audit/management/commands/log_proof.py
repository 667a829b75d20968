"""Print the inclusion proof of one event (by its event id, a UUID) against the newest
checkpoint, as JSON: what the client's report attaches."""

import json
import uuid

from django.core.management.base import BaseCommand, CommandError

from audit.models import AccessEvent
from audit.tree import event_proof


class Command(BaseCommand):
    help = "Print one event's inclusion proof as JSON."

    def add_arguments(self, parser):
        parser.add_argument("event_id", type=uuid.UUID)

    def handle(self, *args, event_id, **options):
        event = AccessEvent.objects.filter(event_id=event_id).first()
        if event is None:
            raise CommandError("no such event")
        proof = event_proof(event)
        if proof is None:
            raise CommandError("the event is not yet covered by a checkpoint")
        self.stdout.write(json.dumps(proof.as_dict(), indent=2))
