"""The synthetic year with planted misuse (demo/synthetic_year.py) at a small scale: every misuse
scenario is found by the rule it is planted for and every lookalike is left alone, the regression
that bench/review_rules.py measures at a few hundred workers."""

import datetime

import pytest
from django.db import transaction

from audit.models import AccessEvent
from demo.synthetic_year import SCENARIOS, national_day_generate, synthetic_year_generate
from review.models import Alert
from review.rules import RULES
from review.screening import screening_run
from review.trail import CLIENT_LOOKS, explain, looks_of

pytestmark = [pytest.mark.django_db, pytest.mark.rule("000-8-review")]

# A Monday long past, so that every day of it may be screened.
START = datetime.date(2025, 3, 3)


@pytest.fixture(scope="module")
def every_rule() -> dict:
    return {rule.code: rule.defaults() for rule in RULES}


@pytest.fixture(scope="class")
def year(django_db_setup, django_db_blocker, every_rule):
    """Fourteen workers, each with one scenario, over four weeks after a warm-up, screened:
    written once for the class's tests, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        made = synthetic_year_generate(
            workers=len(SCENARIOS), start=START, days=28, seed=3, warm_up_days=42
        )
        day = made.warm_up_start
        while day < made.end:
            screening_run(day=day, rules=every_rule)
            day += datetime.timedelta(days=1)
        yield made
        transaction.set_rollback(True)


def alerts_on(planted) -> set[str]:
    return set(
        Alert.objects.filter(worker_id=planted.worker_id, day__in=planted.days).values_list(
            "rule", flat=True
        )
    )


class TestThePlantedYear:
    """The tests that read the one planted and screened period."""

    def test_every_scenario_is_planted_once_on_a_worker_of_its_own(self, year):
        assert sorted(p.scenario for p in year.planted) == sorted(s.code for s in SCENARIOS)
        assert len({p.worker_id for p in year.planted}) == len(SCENARIOS)
        assert all(START <= day < year.end for p in year.planted for day in p.days)
        assert all(p.event_ids for p in year.planted)

    @pytest.mark.parametrize(
        "scenario",
        [s for s in SCENARIOS if s.misuse and s.rule],
        ids=lambda scenario: scenario.code,
    )
    def test_each_misuse_is_found_by_its_rule(self, year, scenario):
        (planted,) = [p for p in year.planted if p.scenario == scenario.code]

        assert scenario.rule in alerts_on(planted)

    @pytest.mark.parametrize(
        "scenario", [s for s in SCENARIOS if not s.misuse], ids=lambda scenario: scenario.code
    )
    def test_each_lookalike_is_left_alone_by_the_rule_it_resembles(self, year, scenario):
        (planted,) = [p for p in year.planted if p.scenario == scenario.code]

        assert scenario.rule not in alerts_on(planted)

    def test_the_lookalikes_looks_are_explained_and_the_misuse_looks_are_not(self, year):
        for planted in year.planted:
            events = AccessEvent.objects.filter(
                pk__in=planted.event_ids,
                action__in=CLIENT_LOOKS,
                decision=AccessEvent.Decision.ALLOWED,
            )
            explained = explain(looks_of(events))
            if planted.misuse:
                assert not any(explained.values()), planted.scenario
            else:
                assert all(explained.values()), planted.scenario

    def test_the_own_record_is_refused_by_the_policy_not_found_by_a_rule(self, year):
        (planted,) = [p for p in year.planted if p.scenario == "looks_up_own_record"]
        (event,) = AccessEvent.objects.filter(pk__in=planted.event_ids)

        assert event.decision == AccessEvent.Decision.DENIED
        assert event.reason_codes == ["own_record"]

    def test_ordinary_work_is_mostly_explained_and_raises_few_alerts(self, year):
        legitimate = year.legitimate_events().filter(
            action__in=CLIENT_LOOKS, decision=AccessEvent.Decision.ALLOWED, client__isnull=False
        )
        explained = explain(looks_of(legitimate))
        misuse_days = {(p.worker_id, d) for p in year.planted if p.misuse for d in p.days}
        false = Alert.objects.filter(day__gte=year.start).exclude(
            worker_id__in=[w for w, _ in misuse_days]
        )

        assert sum(1 for found in explained.values() if found) >= 0.85 * len(explained)
        assert false.count() <= 0.05 * year.worker_days


class _RolledBack(Exception):
    pass


def written_by(seed: int) -> list[tuple]:
    """The events a small generation writes, rolled back after: the next starts afresh."""
    try:
        with transaction.atomic():
            made = synthetic_year_generate(
                workers=3, start=START, days=7, seed=seed, warm_up_days=7
            )
            rows = list(
                made.events_made()
                .order_by("id")
                .values_list("occurred_at", "action", "client__identity_code", "decision")
            )
            raise _RolledBack
    except _RolledBack:
        return rows


def test_the_same_seed_writes_the_same_work_and_another_seed_other_work():
    assert written_by(5) == written_by(5)
    assert written_by(5) != written_by(6)


def test_a_national_day_is_one_working_day_after_two_weeks_of_work():
    day = datetime.date(2025, 11, 5)
    made = national_day_generate(day=day, workers=5, seed=1)
    on_the_day = made.events_made().filter(occurred_at__date=day)

    assert made.planted == []
    assert 0 < made.worker_days <= 5
    assert on_the_day.count() > 0
    assert (
        made.events_made().filter(occurred_at__date__lt=day - datetime.timedelta(days=14)).count()
        == 0
    )
