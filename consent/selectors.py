import datetime

from django.db.models import QuerySet
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


def newest_answers(kind: str, today: datetime.date) -> QuerySet[Consent]:
    """Answers of `kind` signed by `today`, newest first: for each client only the first counts,
    so a later refusal or withdrawal overrides an earlier consent."""
    return Consent.objects.filter(kind=kind, signed_on__lte=today).order_by("-signed_on", "-id")


# Why the newest answer of a kind does not count at a moment (`why_not_counting`).
REFUSED, WITHDRAWN, EXPIRED, SCAN_MISSING = "refused", "withdrawn", "expired", "scan_missing"


def why_not_counting(newest: Consent, at: datetime.datetime) -> str | None:
    """None if `newest`, a client's newest answer of its kind, counts at `at`; else why not.

    A consent counts when given (or withdrawn only after `at`), unexpired, and scanned or still
    within its scan's grace (the evidence rule). A consent withdrawn after `at` still counted at
    `at`: the answer is about that moment.
    """
    if newest.status == Consent.Status.REFUSED:
        return REFUSED
    withdrawn_at = newest.withdrawn_at  # set exactly when withdrawn (a database constraint)
    if (
        newest.status == Consent.Status.WITHDRAWN
        and withdrawn_at is not None
        and withdrawn_at <= at
    ):
        return WITHDRAWN
    if newest.valid_until is not None and newest.valid_until <= at:
        return EXPIRED
    if not newest.scan and newest.scan_due_at is not None and newest.scan_due_at <= at:
        return SCAN_MISSING
    return None


def consent_in_force(*, client_id: int, kind: str, at: datetime.datetime) -> Consent | None:
    """The client's newest answer of `kind` if it counts at `at`, else None."""
    newest = newest_answers(kind, timezone.localdate(at)).filter(client_id=client_id).first()
    if newest is None or why_not_counting(newest, at) is not None:
        return None
    return newest
