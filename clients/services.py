"""Writes to client records. Each takes the actor and keeps the history: nothing is overwritten."""

import datetime

from auditlog.context import set_actor
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from audit.actions import Action
from audit.services import change_record
from clients.models import Client, ServiceNeed


@transaction.atomic
def service_need_document(
    *,
    actor: AbstractUser,
    client: Client,
    assessment: str,
    assessed_on: datetime.date,
    assessed_by: str,
    source: str,
) -> ServiceNeed:
    """Record a new service-need assessment; the one it replaces stays, marked superseded."""
    # Lock the client's row so that two assessments recorded at once cannot both stay current.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    with set_actor(actor):  # the change history names the actor, also outside a request
        for previous in client.service_needs.filter(status=ServiceNeed.Status.DOCUMENTED):
            # One save per row (not a queryset update) so the change history records each.
            previous.status = ServiceNeed.Status.SUPERSEDED
            previous.save(update_fields=["status"])
        need = ServiceNeed.objects.create(
            client=client,
            assessment=assessment,
            assessed_on=assessed_on,
            assessed_by=assessed_by,
            source=source,
            # The user model lives above this app: the row links the actor by key.
            recorded_by_id=actor.pk,
        )
    change_record(
        actor=actor, action=Action.SERVICE_NEED_DOCUMENTED, target=need, client_id=client.pk
    )
    return need
