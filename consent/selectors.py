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
