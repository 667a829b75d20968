"""The detection rules, one row each: a planted scenario that the rule must find, and a
lookalike legitimate pattern that no rule may flag. Both run through the real screening over
the real log, with every rule switched on at its defaults."""

import datetime
from dataclasses import dataclass

import pytest

from audit.actions import Action
from review import rules
from review.models import Alert
from review.rules import RULES, RULES_BY_CODE, is_out_of_hours, surname_parts
from review.screening import NEWLY_REFERRED, screening_run
from tests.factories import (
    ClientFactory,
    MunicipalityFactory,
    ReferralFactory,
    UserFactory,
    WorkerAgreementFactory,
)
from tests.review.trails import DAY, at, look, recorded, searched

pytestmark = pytest.mark.rule("000-8-review")

EVERY_RULE_AT_ITS_DEFAULTS = {rule.code: rule.defaults() for rule in RULES}
MINUTES = datetime.timedelta(minutes=1)


@dataclass
class World:
    """A Joensuu worker named Virtanen, the clients they have served, and others."""

    worker: object
    served: list  # looked at and with entries five weeks ago: served, but no trail today
    strangers: list  # never looked at by the worker
    relative: object  # a Virtanen the worker has served before

    def client(self, index=0):
        return self.served[index]


@pytest.fixture
def world(db) -> World:
    joensuu = MunicipalityFactory(code="167")
    worker = UserFactory(username="virtanen", first_name="Aino", last_name="Virtanen")
    WorkerAgreementFactory(worker=worker, municipality=joensuu)
    served = [ClientFactory(home_municipality=joensuu) for _ in range(40)]
    relative = ClientFactory(home_municipality=joensuu, last_name="Virtanen-Kinnunen")
    long_ago = at(DAY - datetime.timedelta(days=35), 10)
    for client in [*served, relative]:
        look(worker, client, long_ago)
        recorded(worker, client, long_ago)
    strangers = [ClientFactory(home_municipality=joensuu) for _ in range(10)]
    return World(worker, served, strangers, relative)


def usual_days(world: World, clients_a_day: int = 2) -> None:
    """Six earlier working days of a few looks that leave no trail, screened as each night."""
    day = DAY - datetime.timedelta(days=9)
    for _ in range(6):
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        for index in range(clients_a_day):
            look(world.worker, world.client(index), at(day, 10 + index))
        screening_run(day=day, rules={})
        day += datetime.timedelta(days=1)


# --- The planted scenarios: each must be found by its rule --------------------------------


def night_look_without_trail(world):
    look(world.worker, world.client(), at(DAY, 22, 30))


def browsing_many_clients(world):
    usual_days(world)
    for index in range(30):
        look(world.worker, world.client(index), at(DAY, 9) + index * 5 * MINUTES)


def browsing_a_neighbour(world):
    look(world.worker, world.strangers[0], at(DAY, 10))


def reading_a_relative(world):
    look(world.worker, world.relative, at(DAY, 10))


def probing_records(world):
    for index in range(6):
        look(world.worker, world.strangers[index], at(DAY, 10) + index * 3 * MINUTES, denied=True)


def fishing_by_name(world):
    for index in range(20):
        client = world.strangers[index % len(world.strangers)]
        searched(world.worker, [client], at(DAY, 9) + index * 10 * MINUTES, by_identity_code=False)


# --- Their lookalikes: legitimate work that no rule may flag -------------------------------


def night_shift_with_entries(world):
    look(world.worker, world.client(), at(DAY, 22, 30))
    recorded(world.worker, world.client(), at(DAY, 22, 50))


def busy_day_with_entries(world):
    usual_days(world)
    for index in range(30):
        when = at(DAY, 9) + index * 5 * MINUTES
        look(world.worker, world.client(index), when)
        recorded(world.worker, world.client(index), when + 3 * MINUTES)


def first_meeting_found_by_identity_code(world):
    searched(world.worker, [world.strangers[0]], at(DAY, 9, 58))
    look(world.worker, world.strangers[0], at(DAY, 10))
    recorded(world.worker, world.strangers[0], at(DAY, 10, 40), action=Action.CONSENT_RECORDED)


def serving_a_namesake(world):
    look(world.worker, world.relative, at(DAY, 10))
    recorded(world.worker, world.relative, at(DAY, 10, 45))


def refusals_now_and_then(world):
    for index in range(6):
        look(world.worker, world.strangers[index], at(DAY, 8) + index * 90 * MINUTES, denied=True)


def walk_in_desk(world):
    for index in range(20):
        client = world.client(index)
        when = at(DAY, 9) + index * 10 * MINUTES
        searched(world.worker, [client], when, by_identity_code=False)
        look(world.worker, client, when + MINUTES)
        recorded(world.worker, client, when + 8 * MINUTES)


SCENARIOS = [
    (rules.OUT_OF_HOURS, night_look_without_trail, night_shift_with_entries),
    (rules.VOLUME, browsing_many_clients, busy_day_with_entries),
    (rules.UNSERVED, browsing_a_neighbour, first_meeting_found_by_identity_code),
    (rules.SAME_SURNAME, reading_a_relative, serving_a_namesake),
    (rules.DENIALS, probing_records, refusals_now_and_then),
    (rules.SEARCHES, fishing_by_name, walk_in_desk),
]


def test_every_rule_has_a_row():
    assert sorted(code for code, _, _ in SCENARIOS) == sorted(RULES_BY_CODE)


@pytest.mark.parametrize(("rule", "plant", "lookalike"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_the_rule_finds_its_planted_scenario(world, rule, plant, lookalike):
    plant(world)

    screening_run(day=DAY, rules=EVERY_RULE_AT_ITS_DEFAULTS)

    alert = Alert.objects.get(rule=rule)
    assert (alert.worker, alert.day) == (world.worker, DAY)
    assert alert.events.exists()


@pytest.mark.parametrize(("rule", "plant", "lookalike"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_no_rule_flags_the_legitimate_lookalike(world, rule, plant, lookalike):
    lookalike(world)

    screening_run(day=DAY, rules=EVERY_RULE_AT_ITS_DEFAULTS)

    assert list(Alert.objects.values_list("rule", flat=True)) == []


@pytest.mark.parametrize(("rule", "plant", "lookalike"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_a_rule_switched_off_finds_nothing(world, rule, plant, lookalike):
    plant(world)
    others = {code: values for code, values in EVERY_RULE_AT_ITS_DEFAULTS.items() if code != rule}

    screening_run(day=DAY, rules=others)

    assert not Alert.objects.filter(rule=rule).exists()


@pytest.mark.parametrize(
    ("referred_days_ago", "flagged"),
    [(0, False), (NEWLY_REFERRED.days, False), (NEWLY_REFERRED.days + 1, True)],
)
def test_a_client_referred_in_the_past_weeks_is_new_to_everyone_not_never_served(
    world, referred_days_ago, flagged
):
    stranger = world.strangers[0]
    ReferralFactory(client=stranger, referred_on=DAY - datetime.timedelta(days=referred_days_ago))
    look(world.worker, stranger, at(DAY, 10))

    screening_run(day=DAY, rules=EVERY_RULE_AT_ITS_DEFAULTS)

    assert Alert.objects.filter(rule=rules.UNSERVED).exists() is flagged


def test_a_newly_referred_client_whom_a_colleague_has_met_is_no_longer_new(world):
    stranger = world.strangers[0]
    ReferralFactory(client=stranger, referred_on=DAY - datetime.timedelta(days=5))
    colleague = UserFactory()
    look(colleague, stranger, at(DAY - datetime.timedelta(days=2), 10))
    recorded(colleague, stranger, at(DAY - datetime.timedelta(days=2), 10, 40))
    look(world.worker, stranger, at(DAY, 10))

    screening_run(day=DAY, rules=EVERY_RULE_AT_ITS_DEFAULTS)

    assert Alert.objects.filter(rule=rules.UNSERVED, worker=world.worker).exists()


def test_a_newly_referred_client_keeps_the_look_unexplained_for_the_other_rules(world):
    stranger = world.strangers[0]
    ReferralFactory(client=stranger, referred_on=DAY - datetime.timedelta(days=2))
    look(world.worker, stranger, at(DAY, 22, 30))

    screening_run(day=DAY, rules=EVERY_RULE_AT_ITS_DEFAULTS)

    assert list(Alert.objects.values_list("rule", flat=True)) == [rules.OUT_OF_HOURS]


# --- The rules' parts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "out"),
    [
        (at(DAY, 6, 59), True),
        (at(DAY, 7, 0), False),
        (at(DAY, 17, 59), False),
        (at(DAY, 18, 0), True),
        (at(datetime.date(2026, 11, 7), 12), True),  # a Saturday
        (at(datetime.date(2026, 12, 24), 12), True),  # Christmas Eve, a Thursday
        (at(datetime.date(2027, 5, 6), 12), True),  # Ascension Day, a moving feast
    ],
)
def test_working_hours_are_weekdays_in_finland_without_public_holidays(when, out):
    assert is_out_of_hours(when, starts_at=7, ends_at=18) is out


@pytest.mark.parametrize(
    ("worker", "client", "shared"),
    [
        ("Virtanen", "virtanen", True),
        ("Virtanen", "Virtanen-Kinnunen", True),
        ("Kinnunen Virtanen", "Virtanen", True),
        ("Virtanen", "Virta", False),
        ("", "Virtanen", False),
    ],
)
def test_surnames_match_by_whole_parts(worker, client, shared):
    assert bool(surname_parts(worker) & surname_parts(client)) is shared


def test_every_rule_explains_itself_and_bounds_its_thresholds():
    for rule in RULES:
        assert str(rule.title) and str(rule.explanation)
        for threshold in rule.thresholds:
            assert threshold.minimum <= threshold.default <= threshold.maximum
