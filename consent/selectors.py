import datetime

from django.utils import timezone

from audit.history import HistoryLine, history_of
from consent.models import Consent


def consent_histories(consents: list[Consent]) -> dict[int, list[HistoryLine]]:
    """Each consent's history (recorded, withdrawn, each change) with who did it, oldest first.

    Call only with consents the policy has already let the actor see in full.
    """
    histories: dict[int, list[HistoryLine]] = {consent.pk: [] for consent in consents}
    for line in reversed(history_of(consents)):
        histories[int(line.object_key[1])].append(line)
    return histories


def consent_in_force(*, client_id: int, kind: str, at: datetime.datetime) -> Consent | None:
    """The client's newest answer of `kind` if it counts at `at`: given (or withdrawn later),
    unexpired, and scanned or still within its scan's grace. Else None: a refusal or a
    withdrawal after a consent overrides it, as for the viewing consent (access.policy).
    """
    newest = (
        Consent.objects.filter(
            client_id=client_id, kind=kind, signed_on__lte=timezone.localdate(at)
        )
        .order_by("-signed_on", "-id")
        .first()
    )
    if newest is None or newest.status == Consent.Status.REFUSED:
        return None
    if newest.withdrawn_at is not None and newest.withdrawn_at <= at:
        return None
    if newest.valid_until is not None and newest.valid_until <= at:
        return None
    if not newest.scan and newest.scan_due_at is not None and newest.scan_due_at <= at:
        return None
    return newest
