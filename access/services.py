"""Changing access rights. Each takes the acting administrator; nothing is deleted.

The access policy reads grants and agreements at the moment of every request, so what these
functions write takes effect on the worker's very next request, in every open session.
"""

import datetime

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from access.models import AccessGrant, User, WorkerAgreement

# Either party may terminate a worker agreement in writing with two weeks' notice (seed 000 §9).
AGREEMENT_NOTICE_PERIOD = datetime.timedelta(days=14)


class AccessChangeRefused(Exception):
    """The change is not allowed; the message says why, for the administrator."""


@transaction.atomic
def grant_revoke(
    *, actor: User, grant: AccessGrant, reason: str, at: datetime.datetime | None = None
) -> AccessGrant:
    """Revoke a grant at `at` (now). The grant row stays, with who revoked it, when and why."""
    at = at or timezone.now()
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if not reason.strip():
        raise AccessChangeRefused("a revocation needs a reason")
    if grant.revoked_at is not None:
        raise AccessChangeRefused("the grant has already been revoked")
    if grant.valid_until <= at:
        raise AccessChangeRefused("the grant has already ended")
    grant.revoked_at = at
    grant.revoked_by = actor
    grant.revocation_reason = reason.strip()
    with set_actor(actor):  # the change history names the actor, also outside a request
        grant.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    return grant


@transaction.atomic
def agreement_terminate(
    *, actor: User, agreement: WorkerAgreement, notice_given_on: datetime.date
) -> WorkerAgreement:
    """Record a written termination: the agreement ends two weeks after the notice, at midnight."""
    agreement = WorkerAgreement.objects.select_for_update().get(pk=agreement.pk)
    ends_at = _start_of_day(notice_given_on + AGREEMENT_NOTICE_PERIOD)
    if agreement.ends_at is not None and agreement.ends_at <= ends_at:
        raise AccessChangeRefused("the agreement already ends by then")
    agreement.ends_at = ends_at
    with set_actor(actor):
        agreement.save(update_fields=["ends_at"])
    return agreement


@transaction.atomic
def agreement_end_for_changed_duties(
    *, actor: User, agreement: WorkerAgreement, at: datetime.datetime | None = None
) -> WorkerAgreement:
    """The worker no longer works in these services: the agreement and all their grants end now.

    The agreement lapses by itself when duties change (seed 000 §9), so nothing waits for notice.
    """
    at = at or timezone.now()
    agreement = WorkerAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.ends_at is None or agreement.ends_at > at:
        agreement.ends_at = at
        with set_actor(actor):
            agreement.save(update_fields=["ends_at"])
    live_grants = AccessGrant.objects.filter(
        grantee=agreement.worker, revoked_at__isnull=True, valid_until__gt=at
    )
    for grant in live_grants.select_for_update():
        grant_revoke(actor=actor, grant=grant, reason="duties changed", at=at)
    return agreement


def _start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in Finnish time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
