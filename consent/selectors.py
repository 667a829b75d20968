from auditlog.models import LogEntry

from consent.models import Consent


def consent_histories(consents: list[Consent]) -> dict[int, list[LogEntry]]:
    """Each consent's change history (created, changed, withdrawn) with who did it, oldest first.

    Call only with consents the policy has already let the actor see.
    """
    histories = {consent.pk: [] for consent in consents}
    if not consents:
        return histories
    entries = (
        LogEntry.objects.get_for_objects(Consent.objects.filter(pk__in=histories))
        .select_related("actor")
        .order_by("timestamp", "pk")
    )
    for entry in entries:
        histories[int(entry.object_pk)].append(entry)
    return histories
