"""Demo work history: three weeks of the demo case workers' looks, and one look that is not work.

Each working day of the past three weeks, each demo case worker finds a few of their clients by
identity code and opens their records for a meeting: work that the trail explains
(review.trail). Four days ago at 22:40, `ohjaaja` opened the record of a client she had never
served, with nothing to account for it: what the supervisor's screening is there to find. The
detection rules are switched on for the demo by the demo supervisor, and the days due are
screened at once, so that `esihenkilo` finds the case waiting.

Written through the log's own writer with past times; loaded once: a worker with any look before
today keeps the history they have.
"""

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone

from access.models import User
from access.policy import clients_openable_by
from access.purposes import Purpose
from audit.actions import Action
from audit.models import AccessEvent
from audit.services import look_record
from clients.identity_code import parse_identity_code
from clients.models import Client
from review.models import RuleSetting
from review.rules import RULES
from review.screening import screen_due_days
from review.services import rule_setting_change

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
WORKERS = ("ohjaaja", "valmentaja")
SUPERVISOR = "esihenkilo"
HISTORY_DAYS = 21
CLIENTS_A_DAY = 3
# The look that no work accounts for: who, how many days ago, at what time.
NIGHT_LOOKER = "ohjaaja"
NIGHT_LOOK_DAYS_AGO = 4
NIGHT_LOOK_TIME = datetime.time(22, 40)


def demo_history_load(*, now: datetime.datetime | None = None) -> int:
    """Write the demo history if there is none, switch the rules on and screen; looks written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start_of_today = datetime.datetime.combine(today, datetime.time.min, tzinfo=HELSINKI)
    workers = list(User.objects.filter(username__in=WORKERS).order_by("username"))
    if AccessEvent.objects.filter(actor__in=workers, occurred_at__lt=start_of_today).exists():
        return 0
    written = 0
    with transaction.atomic():
        for worker in workers:
            clients = list(clients_openable_by(worker, at=now).order_by("pk"))
            stranger = clients.pop() if worker.username == NIGHT_LOOKER else None
            written += _working_days(worker, clients, today)
            if stranger is not None:
                when = datetime.datetime.combine(
                    today - datetime.timedelta(days=NIGHT_LOOK_DAYS_AGO),
                    NIGHT_LOOK_TIME,
                    tzinfo=HELSINKI,
                )
                _look(worker, stranger, when)
                written += 1
        _rules_switched_on(now)
    screen_due_days(today=today)
    return written


def _working_days(worker: User, clients: list[Client], today: datetime.date) -> int:
    """A few clients a working day, each found by identity code and opened for a meeting."""
    written = 0
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = today - datetime.timedelta(days=days_ago)
        if day.weekday() >= 5 or not clients:
            continue
        for slot in range(CLIENTS_A_DAY):
            client = clients[(days_ago * CLIENTS_A_DAY + slot) % len(clients)]
            when = datetime.datetime.combine(day, datetime.time(9 + 2 * slot, 10), tzinfo=HELSINKI)
            look_record(
                actor=worker,
                action=Action.CLIENT_SEARCHED,
                at=when,
                search_criteria={"identity_code": parse_identity_code(client.identity_code).masked},
                result_count=1,
                details={"clients": [client.pk]},
            )
            _look(worker, client, when + datetime.timedelta(minutes=1))
            written += 2
    return written


def _look(worker: User, client: Client, when: datetime.datetime) -> None:
    look_record(
        actor=worker,
        action=Action.CLIENT_VIEWED,
        at=when,
        client=client,
        purpose_code=Purpose.MEETING,
        sections=["identity", "referrals", "service_needs", "consents", "entries"],
    )


def _rules_switched_on(now: datetime.datetime) -> None:
    supervisor = User.objects.get(username=SUPERVISOR)
    for rule in RULES:
        if not RuleSetting.objects.filter(rule=rule.code).exists():
            rule_setting_change(actor=supervisor, rule=rule.code, enabled=True, values={}, at=now)
