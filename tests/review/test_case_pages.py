"""The cases: the list of the overseen workers' cases, a case's page (a logged look, out of
scope a logged 404, the explanations computed now), asking for a justification from a case,
closing it, screening a day now, and the supervisor's home page."""

import datetime

import pytest
from django.utils import timezone

from audit.actions import Action
from audit.models import AccessEvent
from review import rules
from review.case_views import CASE_OUT_OF_SCOPE
from review.justification import RECENT_EVENTS
from review.models import Case, JustificationRequest, ScreeningRun
from review.screening import due_until, screening_run
from review.services import ReviewRefused, case_close, rule_setting_change
from review.trail import Explanation
from tests.factories import ClientFactory, MunicipalityFactory
from tests.log import block_access_event_inserts
from tests.review.conftest import days_ago, event_of, supervisor_of
from tests.review.trails import look, recorded

pytestmark = pytest.mark.rule("000-8-review")

NIGHT_AND_UNSERVED = {
    code: rules.RULES_BY_CODE[code].defaults() for code in (rules.OUT_OF_HOURS, rules.UNSERVED)
}
DAYS_AGO = 5


def case_of(worker, client, *, days: int = DAYS_AGO) -> tuple[Case, AccessEvent]:
    """A night look at a client the worker never served, screened: a case with two alerts."""
    night = look(worker, client, days_ago(days, hour=23))
    screening_run(day=timezone.localdate(night.occurred_at), rules=NIGHT_AND_UNSERVED)
    return Case.objects.get(worker=worker, closed_at__isnull=True), night


@pytest.fixture
def case(office):
    return case_of(office.worker, office.client)[0]


def case_url(case: Case) -> str:
    return f"/access-log/cases/{case.pk}/"


# --- Who may open them -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["colleague", "access_admin", "labour_official", "outsider"])
def test_the_case_pages_are_for_supervisors_only(client, request, office, case, persona):
    client.force_login(
        office.colleague if persona == "colleague" else request.getfixturevalue(persona)
    )

    for path in ["/access-log/cases/", case_url(case)]:
        assert client.get(path).status_code == 403
    assert client.post("/access-log/cases/screen/", {"day": "2026-01-01"}).status_code == 403
    assert client.post(case_url(case), {"note": "Suljettu."}).status_code == 403
    assert not AccessEvent.objects.filter(action=Action.LOG_CASE_VIEWED).exists()


# --- The list ----------------------------------------------------------------------------------


def test_the_list_shows_the_overseen_workers_cases_open_first(supervising, office, case):
    closed, _ = case_of(office.colleague, ClientFactory(), days=8)
    case_close(actor=office.supervisor, case=closed, note="Selvitetty.")
    case_of(office.colleague, ClientFactory(), days=6)
    theirs, _ = case_of(office.stranger, ClientFactory())

    page = supervising.get("/access-log/cases/")

    rows = page.context["rows"]
    assert [row_case.is_open for row_case, _rules in rows] == [True, True, False]
    assert theirs.pk not in {row_case.pk for row_case, _rules in rows}
    ours = next(row for row in rows if row[0].pk == case.pk)
    assert ours[0].alert_count == 2
    assert [rule.code for rule in ours[1]] == [rules.OUT_OF_HOURS, rules.UNSERVED]
    assert ours[0].newest_day == timezone.localdate() - datetime.timedelta(days=DAYS_AGO)


def test_the_supervisors_home_counts_the_open_cases_and_links_them(supervising, office, case):
    case_of(office.stranger, ClientFactory())  # not overseen: not counted

    home = supervising.get("/")

    assert 'data-count="1"' in home.text
    assert 'href="/access-log/cases/"' in home.text
    assert 'href="/access-log/rules/"' in home.text


# --- A case's page ---------------------------------------------------------------------------


def test_opening_a_case_is_a_logged_look_naming_the_case_and_its_events(supervising, office):
    case, night = case_of(office.worker, office.client)

    page = supervising.get(case_url(case))

    assert page.status_code == 200
    assert [row.rule.code for row in page.context["alerts"]] == [
        rules.OUT_OF_HOURS,
        rules.UNSERVED,
    ]
    logged = AccessEvent.objects.get(action=Action.LOG_CASE_VIEWED)
    assert (logged.actor, logged.client, logged.decision) == (
        office.supervisor,
        None,
        AccessEvent.Decision.ALLOWED,
    )
    assert logged.details == {"case": case.pk, "events": [night.pk]}
    assert f"/access-log/events/{night.pk}/" in page.text


def test_a_case_of_a_worker_not_overseen_is_not_found_and_the_attempt_logged(supervising, office):
    theirs, _ = case_of(office.stranger, office.client)

    assert supervising.get(case_url(theirs)).status_code == 404
    assert supervising.post(case_url(theirs), {"note": "Suljen."}).status_code == 404

    theirs.refresh_from_db()
    assert theirs.is_open
    refused = AccessEvent.objects.filter(action=Action.LOG_CASE_VIEWED).order_by("id")
    assert [(e.decision, e.reason_codes, e.details) for e in refused] == [
        (AccessEvent.Decision.DENIED, [CASE_OUT_OF_SCOPE], {"case": theirs.pk, "events": []})
    ] * 2


def test_another_municipalitys_supervisor_does_not_find_the_case(client, case):
    client.force_login(supervisor_of(MunicipalityFactory(code="426")))

    assert client.get(case_url(case)).status_code == 404
    assert client.get("/access-log/cases/").context["rows"] == []
    logged = AccessEvent.objects.get(action=Action.LOG_CASE_VIEWED)
    assert logged.decision == AccessEvent.Decision.DENIED


def test_a_case_that_does_not_exist_is_answered_as_one_out_of_scope(supervising):
    assert supervising.get("/access-log/cases/999999/").status_code == 404
    assert AccessEvent.objects.get(action=Action.LOG_CASE_VIEWED).reason_codes == [
        CASE_OUT_OF_SCOPE
    ]


def test_a_case_is_shown_only_once_its_look_is_logged(supervising, case):
    block_access_event_inserts()

    response = supervising.get(case_url(case))

    assert response.status_code == 503
    assert "alerts" not in response.context


def test_an_event_explained_since_is_shown_explained_and_still_listed(supervising, office):
    case, night = case_of(office.worker, office.client)
    recorded(office.worker, office.client, night.occurred_at + datetime.timedelta(hours=10))

    page = supervising.get(case_url(case))

    shown = {
        item.event.pk: item.explanations for row in page.context["alerts"] for item in row.events
    }
    assert shown == {night.pk: (Explanation.ENTRY,)}
    assert f'data-testid="explained-{night.pk}"' in page.text


def test_a_refused_look_behind_an_alert_is_not_one_to_explain(supervising, office):
    denials = rules.RULES_BY_CODE[rules.DENIALS]
    start = days_ago(DAYS_AGO, hour=10)
    for minute in range(5):
        event_of(
            office.worker,
            client=ClientFactory(),
            decision=AccessEvent.Decision.DENIED,
            occurred_at=start + datetime.timedelta(minutes=minute),
        )
    screening_run(day=timezone.localdate(start), rules={rules.DENIALS: denials.defaults()})

    page = supervising.get(case_url(Case.objects.get()))

    (row,) = page.context["alerts"]
    assert [item.explanations for item in row.events] == [None] * 5


# --- Asking for a justification from a case -------------------------------------------------


def test_asking_from_a_case_ticks_its_events_whatever_their_age(supervising, office):
    case, night = case_of(office.worker, office.client, days=20)
    for hour in range(RECENT_EVENTS + 5):  # the night look is no longer among the recent ones
        look(office.worker, office.client, days_ago(2, hour=0) + datetime.timedelta(minutes=hour))
    url = f"/access-log/justifications/new/?case={case.pk}"

    page = supervising.get(url)

    form = page.context["form"]
    assert night.pk in {event.pk for event in form.fields["more_events"].queryset}
    assert [int(pk) for pk in form["more_events"].value()] == [night.pk]
    assert page.context["case"] == case
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = supervising.post(
        url, {"more_events": [night.pk], "question": "Mikä oli yökäynnin syy?", "due_on": due}
    )
    asked = JustificationRequest.objects.get()
    assert response.status_code == 302
    assert asked.worker == office.worker
    assert list(asked.events.values_list("pk", flat=True)) == [night.pk]
    shown = AccessEvent.objects.filter(action=Action.LOG_EVENT_VIEWED).first()
    assert shown is not None and shown.details["case"] == case.pk


def test_asking_from_a_case_with_nothing_ticked_is_refused_by_its_code(supervising, case):
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()

    response = supervising.post(
        f"/access-log/justifications/new/?case={case.pk}", {"question": "Miksi?", "due_on": due}
    )

    assert response.context["form"].has_error("__all__", "justification_no_events")
    assert not JustificationRequest.objects.exists()


def test_asking_from_a_case_not_overseen_is_not_found(supervising, office):
    theirs, _ = case_of(office.stranger, office.client)

    for value in [str(theirs.pk), "x", "9" * 30]:
        assert supervising.get(f"/access-log/justifications/new/?case={value}").status_code == 404


# --- Closing ---------------------------------------------------------------------------------


def test_closing_a_case_with_a_note(supervising, office, case):
    response = supervising.post(case_url(case), {"note": "Kysytty, käynti liittyi palveluun."})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.is_open, case.closed_by, case.closing_note) == (
        False,
        office.supervisor,
        "Kysytty, käynti liittyi palveluun.",
    )
    closed = AccessEvent.objects.get(action=Action.CASE_CLOSED)
    assert closed.details == {"worker": office.worker.pk, "alerts": 2}
    assert 'name="note"' not in supervising.get(case_url(case)).text


def test_a_case_closes_once_and_never_without_a_note(supervising, office, case):
    empty = supervising.post(case_url(case), {"note": "   "})
    assert empty.context["form"].has_error("note", "required")

    case_close(actor=office.supervisor, case=case, note="Selvitetty.")
    again = supervising.post(case_url(case), {"note": "Uudelleen."})

    assert again.context["form"].has_error("__all__", ReviewRefused.CASE_CLOSED)
    assert AccessEvent.objects.filter(action=Action.CASE_CLOSED).count() == 1


# --- Screening a day now ---------------------------------------------------------------------


def test_screening_a_day_now_runs_it_and_is_in_the_log(
    supervising, office, django_capture_on_commit_callbacks
):
    night = look(office.worker, office.client, days_ago(DAYS_AGO, hour=23))
    day = timezone.localdate(night.occurred_at)
    rule_setting_change(actor=office.supervisor, rule=rules.OUT_OF_HOURS, enabled=True, values={})

    with django_capture_on_commit_callbacks(execute=True):
        response = supervising.post("/access-log/cases/screen/", {"day": day.isoformat()})

    assert response.status_code == 302
    run = ScreeningRun.objects.get()
    assert (run.day, run.requested_by, run.alerts_found) == (day, office.supervisor, 1)
    asked = AccessEvent.objects.get(action=Action.SCREENING_REQUESTED)
    assert asked.details == {"day": day.isoformat()}
    listed = supervising.get("/access-log/cases/")
    assert list(listed.context["runs"]) == [run]


def test_a_day_not_yet_due_cannot_be_screened_from_the_form(supervising):
    not_due = due_until(timezone.localdate()) + datetime.timedelta(days=1)

    response = supervising.post("/access-log/cases/screen/", {"day": not_due.isoformat()})

    assert response.status_code == 400
    assert response.context["screen_form"].has_error("day", "date_too_late")
    assert not AccessEvent.objects.filter(action=Action.SCREENING_REQUESTED).exists()
