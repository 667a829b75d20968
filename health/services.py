"""Recording and erasing health items. Each takes the actor and writes one typed change event.

Items are not in the change history (auditlog): a history would keep the content of an item
that the law says must be erased when its consent is withdrawn. The typed events name what
happened and to which rows, never what the rows said.
"""

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone

from audit.actions import Action
from audit.services import change_record
from health.models import CONSENT_SOURCES, HealthItem


class HealthItemRefused(Exception):
    """The item cannot be recorded; `code` says why (stable, for the form and the tests)."""

    CONSENT_MISSING = "health_obtaining_consent_missing"

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@transaction.atomic
def health_item_record(
    *,
    actor: AbstractUser,
    client,
    kind: str,
    description: str,
    source: str,
    information_date: datetime.date,
    source_detail: str = "",
    consent: models.Model | None = None,
) -> HealthItem:
    """Record one item. `consent` is the client's valid consent to obtaining health data, which
    the caller has looked up: a source that needs it is refused without it.

    `client` is the client (only its id is used).
    """
    if source in CONSENT_SOURCES and consent is None:
        raise HealthItemRefused(HealthItemRefused.CONSENT_MISSING)
    item = HealthItem.objects.create(
        client_id=client.pk,
        kind=kind,
        description=description.strip(),
        source=source,
        source_detail=source_detail.strip(),
        information_date=information_date,
        consent_id=consent.pk if consent is not None and source in CONSENT_SOURCES else None,
        recorded_by_id=actor.pk,
        recorded_at=timezone.now(),
    )
    change_record(
        actor=actor,
        action=Action.HEALTH_ITEM_RECORDED,
        target=item,
        client_id=item.client_id,
        # What kind and from where, never what it says.
        details={"kind": kind, "source": source},
    )
    return item


@transaction.atomic
def health_items_erase(*, actor: AbstractUser, consent: models.Model, at=None) -> list[int]:
    """Erase the items that rest on `consent`, now withdrawn (002: the data subject's rights).

    Call it in the withdrawal's transaction (records.withdrawal.consent_withdraw_and_erase):
    if the event cannot be written, the items stay, and so does the consent. One event for the
    whole erasure, with the count and the ids, nothing of the content. Returns the ids erased.
    """
    items = HealthItem.objects.select_for_update().filter(consent_id=consent.pk)
    erased = sorted(items.values_list("pk", flat=True))
    if not erased:
        return []
    client_id = items.values_list("client_id", flat=True).first()
    HealthItem.objects.filter(pk__in=erased).delete()
    change_record(
        actor=actor,
        action=Action.HEALTH_ITEM_ERASED,
        target=consent,
        client_id=client_id,
        at=at,
        details={"count": len(erased), "items": erased, "cause": "consent_withdrawn"},
    )
    return erased
