"""Withdrawing a consent, and erasing what rested on it, as one change.

Consent and health are sibling layers that may not import each other, so the one place that
knows both sits above them. Every withdrawal goes through `consent_withdraw_and_erase`: when a
consent to obtaining health data is withdrawn, the items obtained on it are erased in the same
transaction (002, the data subject's rights), with one typed event. If that event cannot be
written, nothing is erased and the consent stays given.
"""

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import transaction

from consent.models import Consent
from consent.services import consent_withdraw
from health.services import health_items_erase


@transaction.atomic
def consent_withdraw_and_erase(
    *,
    actor: AbstractUser,
    consent,
    channel: str,
    note: str = "",
    at: datetime.datetime | None = None,
) -> tuple[Consent, list[int]]:
    """Withdraw `consent` (see consent.services.consent_withdraw) and erase the health items that
    rest on it. Returns the withdrawn consent and the ids of the items erased."""
    withdrawn = consent_withdraw(actor=actor, consent=consent, channel=channel, note=note, at=at)
    erased: list[int] = []
    if withdrawn.kind == Consent.Kind.HEALTH_OBTAINING:
        erased = health_items_erase(actor=actor, consent=withdrawn, at=withdrawn.withdrawn_at)
    return withdrawn, erased
