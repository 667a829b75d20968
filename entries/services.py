"""Recording and correcting case entries. Each takes the actor; nothing is changed or deleted.

Every write is one typed event in the same transaction. The event names the entry, its version,
whether it was late and the codes of the quality findings the worker saved past; never the text.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from audit.services import change_record
from entries.models import CaseEntry, EntryVersion, is_late
from entries.quality import Finding


@dataclass(frozen=True)
class EntryText:
    """What the worker writes in one version of an entry."""

    occurred_at: datetime.datetime
    contact_method: str
    participants: str
    content: str
    language: str
    source: str = ""


class EntryNotCorrectable(Exception):
    """The entry is not the client's: nothing is written."""


@transaction.atomic
def entry_record(
    *,
    actor: AbstractUser,
    client,
    text: EntryText,
    findings: list[Finding],
    acknowledged: bool,
) -> EntryVersion:
    """Write a new entry about `client` (only its id is used) as its first version."""
    entry = CaseEntry.objects.create(client_id=client.pk)
    return _write_version(
        actor=actor, entry=entry, number=1, text=text, findings=findings, acknowledged=acknowledged
    )


@transaction.atomic
def entry_correct(
    *,
    actor: AbstractUser,
    client,
    entry_id: int,
    text: EntryText,
    reason: str,
    findings: list[Finding],
    acknowledged: bool,
) -> EntryVersion:
    """Write a correction of one of `client`'s entries as its next version, with its reason."""
    entry = CaseEntry.objects.select_for_update().filter(pk=entry_id, client_id=client.pk).first()
    if entry is None:
        raise EntryNotCorrectable
    newest = entry.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return _write_version(
        actor=actor,
        entry=entry,
        number=newest + 1,
        text=text,
        findings=findings,
        acknowledged=acknowledged,
        reason=reason,
    )


def _write_version(
    *,
    actor: AbstractUser,
    entry: CaseEntry,
    number: int,
    text: EntryText,
    findings: list[Finding],
    acknowledged: bool,
    reason: str = "",
) -> EntryVersion:
    version = EntryVersion.objects.create(
        entry=entry,
        number=number,
        occurred_at=text.occurred_at,
        contact_method=text.contact_method,
        participants=text.participants,
        content=text.content,
        source=text.source,
        language=text.language,
        correction_reason=reason,
        late=is_late(occurred_at=text.occurred_at, first_recorded_at=entry.created_at),
        findings=[_stored(finding) for finding in findings],
        findings_acknowledged=bool(findings) and acknowledged,
        recorded_by_id=actor.pk,
        recorded_at=timezone.now(),
    )
    change_record(
        actor=actor,
        action=Action.ENTRY_RECORDED if number == 1 else Action.ENTRY_CORRECTED,
        target=version,
        client_id=entry.client_id,
        details={
            "entry": entry.pk,
            "version": number,
            "late": version.late,
            "findings": sorted({finding.reason_code for finding in findings}),
        },
    )
    return version


def _stored(finding: Finding) -> dict:
    return {"kind": finding.kind, "word": finding.word, "reason_code": finding.reason_code}
