"""The detection rules' pages: the rules and their settings, a rule's own page where it is
switched (bounded, refused by code, behind a recent sign-in), and its preview, a logged look
over the overseen workers only that keeps nothing."""

import datetime

import pytest
from django.utils import timezone

from audit.actions import Action
from audit.models import AccessEvent
from review import rules
from review.models import Alert, RuleSetting, ScreenedDay
from review.rule_forms import preview_period
from review.rules import DETAIL_LABELS, RULES, RULES_BY_CODE
from review.screening import rules_in_force, screening_run
from review.services import ReviewRefused, rule_setting_change
from sign_in.two_factor import AUTHENTICATED_AT
from tests.log import block_access_event_inserts
from tests.review.conftest import days_ago
from tests.review.test_detection_rules import SCENARIOS, World, world  # noqa: F401 (a fixture)
from tests.review.trails import DAY, look

pytestmark = pytest.mark.rule("000-8-review")

RULES_PAGE = "/access-log/rules/"
NIGHT = rules.OUT_OF_HOURS
NIGHT_PAGE = f"/access-log/rules/{NIGHT}/"
NIGHT_PREVIEW = f"/access-log/rules/{NIGHT}/preview/"


def night_setting(**values) -> dict[str, str]:
    """The rule page's form for the night rule, switched on, with `values` over its defaults."""
    return {
        "enabled": "on",
        **{k: str(v) for k, v in (rules.RULES_BY_CODE[NIGHT].defaults() | values).items()},
    }


def previewing(days: int = 10, **values) -> dict[str, str]:
    """The preview's query over the last `days` days up to yesterday, with `values` given."""
    last = timezone.localdate() - datetime.timedelta(days=1)
    first = last - datetime.timedelta(days=days - 1)
    defaults = rules.RULES_BY_CODE[NIGHT].defaults() | values
    return {"first": first.isoformat(), "last": last.isoformat()} | {
        k: str(v) for k, v in defaults.items()
    }


def sign_in_minutes_ago(client, minutes: int) -> None:
    session = client.session
    session[AUTHENTICATED_AT] = (timezone.now() - datetime.timedelta(minutes=minutes)).timestamp()
    session.save()


# --- Who may open them -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [RULES_PAGE, NIGHT_PAGE, NIGHT_PREVIEW])
@pytest.mark.parametrize("persona", ["case_worker", "access_admin", "labour_official", "outsider"])
def test_the_rule_pages_are_for_supervisors_only(client, request, path, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(path).status_code == 403
    assert client.post(path, night_setting()).status_code in {403, 405}
    assert not RuleSetting.objects.exists()


def test_an_unknown_rule_is_not_found(supervising):
    assert supervising.get("/access-log/rules/no_such_rule/").status_code == 404
    assert supervising.get("/access-log/rules/no_such_rule/preview/").status_code == 404


# --- The rules and their settings --------------------------------------------------------------


def test_the_rules_page_shows_every_rule_its_state_and_history(supervising, office):
    rule_setting_change(actor=office.supervisor, rule=NIGHT, enabled=True, values={})
    rule_setting_change(actor=office.supervisor, rule=NIGHT, enabled=True, values={"looks": 3})
    rule_setting_change(actor=office.supervisor, rule=rules.DENIALS, enabled=False, values={})

    page = supervising.get(RULES_PAGE)

    assert page.status_code == 200
    states = {state.rule.code: state for state in page.context["states"]}
    assert list(states) == [rule.code for rule in RULES]
    night = states[NIGHT]
    assert (night.enabled, night.values["looks"], len(night.versions)) == (True, 3, 2)
    # Switched on with the first version: a change of thresholds does not restart it.
    assert night.on_since == night.versions[-1].changed_at
    assert (states[rules.DENIALS].enabled, states[rules.DENIALS].on_since) == (False, None)
    assert states[rules.SEARCHES].newest is None  # never switched on
    assert f'data-testid="rule-history-{NIGHT}"' in page.text
    assert f'data-testid="rule-history-{rules.SEARCHES}"' not in page.text
    # The page shows no client data and no event: it is not a look.
    assert not AccessEvent.objects.filter(action__startswith="atmt.log.").exists()


def test_switching_a_rule_on_from_its_form_puts_it_in_force(supervising, office):
    response = supervising.post(NIGHT_PAGE, night_setting(looks=2, ends_at=17))

    assert response.status_code == 302
    assert rules_in_force() == {NIGHT: {"starts_at": 7, "ends_at": 17, "looks": 2}}
    changed = AccessEvent.objects.get(action=Action.RULE_CHANGED)
    assert (changed.actor, changed.details["rule"], changed.details["enabled"]) == (
        office.supervisor,
        NIGHT,
        True,
    )

    supervising.post(NIGHT_PAGE, {k: v for k, v in night_setting().items() if k != "enabled"})
    assert rules_in_force() == {}
    assert RuleSetting.objects.filter(rule=NIGHT).count() == 2


def test_the_form_bounds_each_threshold_as_the_rule_does(supervising):
    page = supervising.get(NIGHT_PAGE)
    fields = page.context["form"].fields
    for threshold in RULES_BY_CODE[NIGHT].thresholds:
        attrs = fields[threshold.code].widget.attrs
        assert (attrs["min"], attrs["max"]) == (threshold.minimum, threshold.maximum)

    too_late = supervising.post(NIGHT_PAGE, night_setting(ends_at=25))
    too_few = supervising.post(NIGHT_PAGE, night_setting(looks=0))
    not_a_number = supervising.post(NIGHT_PAGE, night_setting(starts_at="seven"))

    assert too_late.context["form"].has_error("ends_at", "max_value")
    assert too_few.context["form"].has_error("looks", "min_value")
    assert not_a_number.context["form"].has_error("starts_at", "invalid")
    assert not RuleSetting.objects.exists()


def test_a_setting_that_changes_nothing_is_refused_by_its_code(supervising, office):
    rule_setting_change(actor=office.supervisor, rule=NIGHT, enabled=True, values={})

    response = supervising.post(NIGHT_PAGE, night_setting())

    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", ReviewRefused.NOTHING_CHANGED)
    assert RuleSetting.objects.count() == 1


def test_changing_a_rule_needs_a_recent_sign_in_and_an_old_one_changes_nothing(supervising):
    sign_in_minutes_ago(supervising, 6)

    opened = supervising.get(NIGHT_PAGE)
    posted = supervising.post(NIGHT_PAGE, night_setting())

    assert opened.status_code == posted.status_code == 302
    assert opened.url.startswith("/sign-in/confirm/?next=")
    assert not RuleSetting.objects.exists()
    # The rules themselves are read without it: reading hides nothing.
    assert supervising.get(RULES_PAGE).status_code == 200


def test_the_rule_page_takes_the_setting_a_preview_proposes(supervising):
    page = supervising.get(f"{NIGHT_PAGE}?enabled=on&looks=4&starts_at=x")

    form = page.context["form"]
    assert (form["enabled"].value(), form["looks"].value(), form["starts_at"].value()) == (
        True,
        4,
        7,
    )
    assert not RuleSetting.objects.exists()  # proposed, not saved


# --- The preview -------------------------------------------------------------------------------


@pytest.fixture
def night_looks(office):
    """A night look by the overseen worker and one by the Liperi worker, five days ago."""
    return (
        look(office.worker, office.client, days_ago(5, hour=23)),
        look(office.stranger, office.client, days_ago(5, hour=23)),
    )


def test_the_preview_finds_among_the_overseen_workers_only_and_keeps_nothing(
    supervising, office, night_looks
):
    ours, _theirs = night_looks

    page = supervising.get(NIGHT_PREVIEW, previewing())

    assert page.status_code == 200
    result = page.context["result"]
    assert [(f.worker_id, f.event_ids) for f in result.findings] == [(office.worker.pk, (ours.pk,))]
    assert result.worker_days == 1  # the Liperi worker's day is not read at all
    assert page.context["per_hundred"] == 100.0
    (row,) = page.context["rows"]
    assert f"worker={office.worker.pk}" in row.events_url
    assert not Alert.objects.exists() and not ScreenedDay.objects.exists()


def test_the_preview_is_a_logged_look_with_the_rule_values_and_period(
    supervising, office, night_looks
):
    query = previewing(looks=1, ends_at=20)

    supervising.get(NIGHT_PREVIEW, query)

    logged = AccessEvent.objects.get(action=Action.LOG_RULE_PREVIEWED)
    assert logged.actor == office.supervisor
    assert logged.client is None
    assert logged.result_count == 1
    assert logged.details == {
        "rule": NIGHT,
        "values": {"starts_at": 7, "ends_at": 20, "looks": 1},
        "first": query["first"],
        "last": query["last"],
    }


def test_the_preview_fails_closed_when_its_look_cannot_be_logged(supervising, night_looks):
    block_access_event_inserts()

    response = supervising.get(NIGHT_PREVIEW, previewing())

    assert response.status_code == 503
    assert "result" not in response.context or response.context["result"] is None


def test_the_preview_opens_with_the_thresholds_in_force_and_reads_nothing(supervising, office):
    rule_setting_change(actor=office.supervisor, rule=NIGHT, enabled=True, values={"looks": 3})

    page = supervising.get(NIGHT_PREVIEW)

    form = page.context["form"]
    assert form["looks"].value() == 3
    assert (form["first"].value(), form["last"].value()) == preview_period()
    assert page.context["result"] is None
    assert not AccessEvent.objects.filter(action=Action.LOG_RULE_PREVIEWED).exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"last": "today"}, "last", "date_too_late"),
        ({"days": 93}, "first", "period_too_long"),
        ({"reversed": True}, "last", "period_reversed"),
        ({"looks": 101}, "looks", "max_value"),
    ],
)
def test_the_preview_refuses_a_period_or_threshold_out_of_bounds(supervising, change, field, code):
    query = previewing(days=change.get("days", 10))
    if "last" in change:
        query["last"] = timezone.localdate().isoformat()
    if "reversed" in change:
        query["first"], query["last"] = query["last"], query["first"]
    if "looks" in change:
        query["looks"] = str(change["looks"])

    response = supervising.get(NIGHT_PREVIEW, query)

    assert response.status_code == 400
    assert response.context["form"].has_error(field, code)
    assert not AccessEvent.objects.filter(action=Action.LOG_RULE_PREVIEWED).exists()


def test_a_preview_reaching_yesterday_says_it_may_still_change(supervising, office):
    last_due = preview_period()[1]
    query = previewing() | {"last": last_due.isoformat()}

    assert supervising.get(NIGHT_PREVIEW, previewing()).context["may_still_change"] is True
    assert supervising.get(NIGHT_PREVIEW, query).context["may_still_change"] is False


def test_the_preview_switches_the_rule_on_with_its_thresholds(supervising, night_looks):
    page = supervising.get(NIGHT_PREVIEW, previewing(looks=2))
    query = page.context["switch_on_query"]

    response = supervising.post(f"{NIGHT_PAGE}?{query}", night_setting(looks=2))

    assert response.status_code == 302
    assert rules_in_force() == {NIGHT: {"starts_at": 7, "ends_at": 18, "looks": 2}}
    assert "looks=2" in query and "enabled=on" in query


# --- Labels ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "plant", "lookalike"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_every_number_a_rule_finds_has_a_label(world: World, rule, plant, lookalike):  # noqa: F811
    plant(world)

    screening_run(day=DAY, rules={rule: RULES_BY_CODE[rule].defaults()})

    (alert,) = Alert.objects.filter(rule=rule)
    assert alert.details
    assert set(alert.details) <= set(DETAIL_LABELS)
