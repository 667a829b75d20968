"""The screening: alerts found once, grouped into a worker's one open case, the nightly run of
the days due, the rules in force, the preview, and the supervisors' steps around them."""

import datetime

import pytest
from django.utils import timezone

from audit.actions import Action
from audit.models import AccessEvent
from review import rules
from review.models import Alert, Case, ScreenedDay, ScreeningRun
from review.screening import due_until, preview, rules_in_force, screen_due_days, screening_run
from review.services import ReviewRefused, case_close, rule_setting_change, screening_request
from tests.factories import ClientFactory
from tests.review.conftest import supervisor_of
from tests.review.trails import DAY, at, look

pytestmark = pytest.mark.rule("000-8-review")

NIGHT_RULE = {rules.OUT_OF_HOURS: rules.RULES_BY_CODE[rules.OUT_OF_HOURS].defaults()}


@pytest.fixture
def worker(setting):
    return setting.worker


@pytest.fixture
def supervisor(setting):
    return supervisor_of(setting.openable.home_municipality)


def night_look(worker, client, day=DAY):
    return look(worker, client, at(day, 23))


def test_an_alert_is_found_once_however_often_the_day_is_screened(worker, setting):
    event = night_look(worker, setting.openable)

    first = screening_run(day=DAY, rules=NIGHT_RULE)
    again = screening_run(day=DAY, rules=NIGHT_RULE)

    assert (first.alerts_found, again.alerts_found) == (1, 0)
    alert = Alert.objects.get()
    assert list(alert.events.all()) == [event]
    assert alert.details == {"looks": 1}
    assert ScreenedDay.objects.get(worker=worker, day=DAY).looks == 1


def test_a_workers_alerts_join_their_one_open_case_until_it_is_closed(worker, setting, supervisor):
    night_look(worker, setting.openable, DAY)
    night_look(worker, setting.openable, DAY + datetime.timedelta(days=1))
    screening_run(day=DAY, rules=NIGHT_RULE)
    screening_run(day=DAY + datetime.timedelta(days=1), rules=NIGHT_RULE)
    case = Case.objects.get()
    assert case.alerts.count() == 2

    case_close(actor=supervisor, case=case, note="Kysytty ja selvitetty.")
    night_look(worker, setting.openable, DAY + datetime.timedelta(days=2))
    screening_run(day=DAY + datetime.timedelta(days=2), rules=NIGHT_RULE)

    assert Case.objects.count() == 2
    newest = Case.objects.get(closed_at__isnull=True)
    assert newest.alerts.get().day == DAY + datetime.timedelta(days=2)
    closed = AccessEvent.objects.get(action=Action.CASE_CLOSED)
    assert (closed.actor, closed.target_id) == (supervisor, str(case.pk))


def test_the_nightly_run_screens_each_due_day_once_in_order(worker, setting):
    today = DAY + datetime.timedelta(days=5)
    rule_setting_change(
        actor=supervisor_of(setting.openable.home_municipality),
        rule=rules.OUT_OF_HOURS,
        enabled=True,
        values={},
    )
    night_look(worker, setting.openable, DAY)

    runs = screen_due_days(today=today)
    later = screen_due_days(today=today)

    assert runs[-1].day == due_until(today) == today - datetime.timedelta(days=2)
    assert [run.day for run in runs] == sorted(run.day for run in runs)
    assert later == []
    assert Alert.objects.get().day == DAY
    assert ScreeningRun.objects.filter(day=DAY).count() == 1


def test_a_day_is_not_due_until_the_day_after_it_has_ended():
    assert due_until(DAY) == DAY - datetime.timedelta(days=2)


def test_the_newest_setting_counts_and_a_rule_never_set_is_off(supervisor):
    rule_setting_change(actor=supervisor, rule=rules.DENIALS, enabled=True, values={"denials": 8})
    rule_setting_change(actor=supervisor, rule=rules.SEARCHES, enabled=True, values={})
    rule_setting_change(actor=supervisor, rule=rules.SEARCHES, enabled=False, values={})

    in_force = rules_in_force()

    assert in_force == {rules.DENIALS: {"denials": 8, "minutes": 30}}
    events = AccessEvent.objects.filter(action=Action.RULE_CHANGED).order_by("id")
    assert [e.details["enabled"] for e in events] == [True, True, False]


@pytest.mark.parametrize(
    ("rule", "values", "code"),
    [
        ("no_such_rule", {}, ReviewRefused.UNKNOWN_RULE),
        (rules.DENIALS, {"denials": 1}, ReviewRefused.THRESHOLD_OUT_OF_BOUNDS),
        (rules.OUT_OF_HOURS, {"ends_at": 25}, ReviewRefused.THRESHOLD_OUT_OF_BOUNDS),
    ],
)
def test_a_setting_out_of_bounds_is_refused_and_nothing_saved(supervisor, rule, values, code):
    with pytest.raises(ReviewRefused) as refused:
        rule_setting_change(actor=supervisor, rule=rule, enabled=True, values=values)

    assert refused.value.code == code
    assert not AccessEvent.objects.filter(action=Action.RULE_CHANGED).exists()


def test_a_setting_that_changes_nothing_is_refused(supervisor):
    rule_setting_change(actor=supervisor, rule=rules.DENIALS, enabled=True, values={})

    with pytest.raises(ReviewRefused) as refused:
        rule_setting_change(actor=supervisor, rule=rules.DENIALS, enabled=True, values={})

    assert refused.value.code == ReviewRefused.NOTHING_CHANGED


def test_the_preview_finds_with_its_own_thresholds_and_keeps_nothing(worker, setting):
    for hour in (19, 20):
        look(worker, setting.openable, at(DAY, hour))
    other = ClientFactory(home_municipality=setting.openable.home_municipality)
    look(worker, other, at(DAY + datetime.timedelta(days=1), 19))

    def previewed(looks, ends_at=18):
        values = {"starts_at": 7, "ends_at": ends_at, "looks": looks}
        return preview(
            rule=rules.OUT_OF_HOURS,
            values=values,
            first=DAY,
            last=DAY + datetime.timedelta(days=1),
            workers=[worker.pk],
        )

    def found(looks, ends_at=18):
        return previewed(looks, ends_at).findings

    # The worker looked on both days: two worker-days read, whatever was found.
    assert (previewed(1).worker_days, previewed(1, ends_at=21).worker_days) == (2, 2)
    assert [(f.day, f.details["looks"]) for f in found(1)] == [
        (DAY, 2),
        (DAY + datetime.timedelta(days=1), 1),
    ]
    assert [f.day for f in found(2)] == [DAY]
    assert found(1, ends_at=21) == []
    assert not Alert.objects.exists() and not ScreenedDay.objects.exists()


def test_a_screening_asked_for_runs_and_is_in_the_log(
    worker, setting, supervisor, django_capture_on_commit_callbacks
):
    rule_setting_change(actor=supervisor, rule=rules.OUT_OF_HOURS, enabled=True, values={})
    night_look(worker, setting.openable)

    with django_capture_on_commit_callbacks(execute=True):
        screening_request(actor=supervisor, day=DAY)

    run = ScreeningRun.objects.get()
    assert (run.day, run.requested_by, run.alerts_found) == (DAY, supervisor, 1)
    asked = AccessEvent.objects.get(action=Action.SCREENING_REQUESTED)
    assert (asked.actor, asked.details) == (supervisor, {"day": DAY.isoformat()})


def test_a_day_not_yet_due_cannot_be_asked_for(supervisor):
    with pytest.raises(ReviewRefused) as refused:
        screening_request(actor=supervisor, day=timezone.localdate())

    assert refused.value.code == ReviewRefused.DAY_NOT_DUE
    assert not ScreeningRun.objects.exists()


@pytest.mark.parametrize("step", ["elsewhere", "twice", "empty"])
def test_a_case_is_closed_once_by_a_supervisor_of_the_worker_with_a_note(
    worker, setting, supervisor, step
):
    from tests.factories import MunicipalityFactory

    night_look(worker, setting.openable)
    screening_run(day=DAY, rules=NIGHT_RULE)
    case = Case.objects.get()
    closer, note, code = supervisor, "Selvitetty.", ReviewRefused.CASE_CLOSED
    if step == "elsewhere":
        closer, code = (
            supervisor_of(MunicipalityFactory(code="426")),
            ReviewRefused.CASE_NOT_OVERSEEN,
        )
    elif step == "twice":
        case_close(actor=supervisor, case=case, note=note)
    else:
        note, code = "  ", ReviewRefused.EMPTY_NOTE

    with pytest.raises(ReviewRefused) as refused:
        case_close(actor=closer, case=case, note=note)

    assert refused.value.code == code
    assert AccessEvent.objects.filter(action=Action.CASE_CLOSED).count() == (step == "twice")


def test_a_day_of_many_workers_is_screened_in_a_fixed_number_of_queries(
    setting, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    for _ in range(15):
        colleague = UserFactory()
        for hour in (9, 23):
            look(colleague, ClientFactory(), at(DAY, hour))

    # Read the baselines, the looks, the trail (recorded, searches, justifications), the year
    # before, the recent referrals, the surnames (workers, clients), the searches; then in one
    # transaction the run, the numbers, the alerts known, the open cases, the new cases, alerts
    # and their events, the run's end: the same 20 statements for one alert or thousands.
    with django_assert_max_num_queries(20):
        run = screening_run(day=DAY, rules=NIGHT_RULE)

    assert run.alerts_found == 15
