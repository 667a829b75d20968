"""Recording and withdrawing consents. Each takes the actor; nothing is deleted or overwritten."""

import datetime

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from audit.services import change_record
from consent.models import Consent


class ConsentNotWithdrawable(Exception):
    """Only a given consent can be withdrawn."""


class ConsentScanNotAttachable(Exception):
    """Only a given consent still awaiting its scan takes one."""


def _scan_grace() -> datetime.timedelta:
    return datetime.timedelta(days=settings.CONSENT_SCAN_GRACE_DAYS)


@transaction.atomic
def consent_scan_attach(
    *, actor: AbstractUser, consent, scan: UploadedFile, scan_content_type: str
) -> Consent:
    """Attach the scan of the signed form to a given consent that awaits it; it counts again.

    `consent` is the consent or the consent request's status of it: only its id is used.
    """
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not consent.scan_attachable:
        raise ConsentScanNotAttachable
    consent.scan = scan  # stored under a generated name when saved
    consent.scan_content_type = scan_content_type
    consent.scan_due_at = None
    with set_actor(actor):
        consent.save(update_fields=["scan", "scan_content_type", "scan_due_at"])
    change_record(
        actor=actor,
        action=Action.CONSENT_SCAN_ATTACHED,
        target=consent,
        client_id=consent.client_id,
        details={"kind": consent.kind},
    )
    return consent


@transaction.atomic
def consent_record(
    *,
    actor: AbstractUser,
    client,
    kind: str,
    status: str,
    signed_on: datetime.date,
    place: str,
    valid_until: datetime.datetime | None = None,
    data_items: str = "",
    recipient: str = "",
    disclosure_purpose: str = "",
    scan: UploadedFile | None = None,
    scan_content_type: str = "",
    paper_held_confirmed: bool = False,
) -> Consent:
    """Record the client's answer. A new answer never changes an earlier one: the newest counts.

    `client` is the client or the consent request's brief of them: only its id is used.
    """
    awaiting_scan = status == Consent.Status.GIVEN and not scan
    now = timezone.now()
    consent = Consent(
        client_id=client.pk,
        kind=kind,
        status=status,
        signed_on=signed_on,
        place=place,
        valid_until=valid_until,
        data_items=data_items,
        recipient=recipient,
        disclosure_purpose=disclosure_purpose,
        scan_content_type=scan_content_type if scan else "",
        paper_held_confirmed=paper_held_confirmed and not scan,
        # On the recorder's word alone the consent counts for a while, then needs its scan.
        scan_due_at=now + _scan_grace() if awaiting_scan else None,
        recorded_at=now,
        # The user model lives above this app, so the row is linked by the actor's key.
        recorded_by_id=actor.pk,
    )
    if scan:
        consent.scan = scan  # stored under a generated name when saved
    with set_actor(actor):  # the change history names the actor, also outside a request
        consent.save()
    change_record(
        actor=actor,
        action=Action.CONSENT_RECORDED,
        target=consent,
        client_id=consent.client_id,
        details={"kind": kind, "status": status},
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    actor: AbstractUser,
    consent,
    channel: str,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Consent:
    """Withdraw a given consent; it stops counting at `at` (now), for every open session too.

    `consent` is the consent or the consent request's status of it: only its id is used.
    """
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.status != Consent.Status.GIVEN:
        raise ConsentNotWithdrawable
    consent.status = Consent.Status.WITHDRAWN
    consent.withdrawn_at = at or timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_channel = channel
    consent.withdrawal_note = note
    with set_actor(actor):
        consent.save(
            update_fields=[
                "status",
                "withdrawn_at",
                "withdrawn_by",
                "withdrawal_channel",
                "withdrawal_note",
            ]
        )
    change_record(
        actor=actor,
        action=Action.CONSENT_WITHDRAWN,
        target=consent,
        client_id=consent.client_id,
        at=consent.withdrawn_at,
        details={"kind": consent.kind, "channel": channel},
    )
    return consent
