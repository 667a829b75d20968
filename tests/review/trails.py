"""Writing a worker's work into the log for the review's tests: looks, searches, recorded items,
each as the door or a service writes it, at a given moment in Finland."""

import datetime
import zoneinfo

from access.models import User
from audit.actions import Action
from audit.models import AccessEvent
from tests.review.conftest import event_of

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
# A Wednesday with no public holiday near it: the day the review's tests screen.
DAY = datetime.date(2026, 11, 4)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=HELSINKI)


def look(worker: User, client, when: datetime.datetime, *, denied=False, reasons=()):
    return event_of(
        worker,
        client=client,
        occurred_at=when,
        purpose_code="meeting",
        decision=AccessEvent.Decision.DENIED if denied else AccessEvent.Decision.ALLOWED,
        reason_codes=list(reasons),
    )


def recorded(worker: User, client, when: datetime.datetime, action=Action.ENTRY_RECORDED):
    return event_of(
        worker,
        client=client,
        action=action,
        decision="",
        occurred_at=when,
        target_type="entries.caseentry",
        target_id="1",
    )


def searched(worker: User, clients, when: datetime.datetime, *, by_identity_code=True, **details):
    criteria = {"identity_code": "170502A***T"} if by_identity_code else {"last_name": "Nimi"}
    return event_of(
        worker,
        action=Action.CLIENT_SEARCHED,
        decision=AccessEvent.Decision.ALLOWED,
        occurred_at=when,
        search_criteria=criteria,
        result_count=len(clients),
        details={"clients": [client.pk for client in clients]} | details,
    )
