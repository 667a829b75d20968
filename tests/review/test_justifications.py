"""Justification requests (000 §8; 004 §5a ¶4): the supervisor asks a worker about their views,
the worker answers, the supervisor closes with a finding, and "not justified" is reported to the
access administrators. Refusals are asserted by their codes, not their translated text."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from guardian.shortcuts import assign_perm

from access.roles import Role
from access.scope import OVERSEE
from audit.actions import Action
from audit.models import AccessEvent
from audit.services import look_record
from review.justification import (
    JustificationRefused,
    grounds_report_handle,
    justification_answer,
    justification_close,
    justification_request,
)
from review.models import JustificationRequest
from tests.factories import MunicipalityFactory, UserFactory, WorkerAgreementFactory
from tests.log import block_access_event_inserts
from tests.sign_in import SignedInClient

pytestmark = pytest.mark.rule("000-8-justification")

Finding = JustificationRequest.Finding


def supervisor_of(municipality, username=None):
    supervisor = UserFactory(
        roles=[Role.SUPERVISOR], **({"username": username} if username else {})
    )
    assign_perm(OVERSEE, supervisor, municipality)
    return supervisor


def look(worker, client=None) -> AccessEvent:
    return look_record(
        actor=worker,
        action=Action.CLIENT_VIEWED,
        at=timezone.now(),
        client=client,
        purpose_code="meeting",
    )


def signed_in(user) -> SignedInClient:
    browser = SignedInClient()
    browser.force_login(user)
    return browser


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def joensuu(setting):
    return setting.openable.home_municipality


@pytest.fixture
def boss(joensuu):
    return supervisor_of(joensuu, username="boss")


@pytest.fixture
def event(setting):
    return look(setting.worker, setting.openable)


def ask(boss, setting, events, **fields) -> JustificationRequest:
    return justification_request(
        supervisor=boss,
        worker=setting.worker,
        events=events,
        question=fields.get("question", "Miksi avasit asiakkaan tiedot?"),
        due_on=fields.get("due_on", in_days(7)),
    )


def answered(request, setting) -> JustificationRequest:
    return justification_answer(worker=setting.worker, request=request, answer="Tapaaminen.")


def refusal(call) -> str:
    with pytest.raises(JustificationRefused) as refused:
        call()
    return refused.value.code


# The whole flow through the pages


@pytest.mark.rule("004-5a-report-grounds")
def test_the_whole_flow_from_the_question_to_the_reported_grounds(
    setting, boss, event, access_admin
):
    other = look(setting.worker, setting.without_consent)
    supervisor = signed_in(boss)

    page = supervisor.get(f"/access-log/justifications/new/?event={event.pk}")
    assert page.status_code == 200
    assert setting.openable.last_name in page.text
    response = supervisor.post(
        f"/access-log/justifications/new/?event={event.pk}",
        {
            "question": "Mikä oli tapaamisen aihe?",
            "due_on": in_days(5).isoformat(),
            "more_events": [other.pk],
        },
    )
    asked = JustificationRequest.objects.get()
    assert response.status_code == 302
    assert asked.status == JustificationRequest.Status.OPEN
    assert set(asked.events.values_list("pk", flat=True)) == {event.pk, other.pk}

    worker = signed_in(setting.worker)
    home = worker.get("/")
    assert f"/justifications/{asked.pk}/answer/" in home.text
    answer_page = worker.get(f"/justifications/{asked.pk}/answer/")
    assert "Mikä oli tapaamisen aihe?" in answer_page.text
    assert setting.without_consent.last_name in answer_page.text
    assert (
        worker.post(f"/justifications/{asked.pk}/answer/", {"answer": "Suunnitelma."}).status_code
        == 302
    )
    asked.refresh_from_db()
    assert asked.status == JustificationRequest.Status.ANSWERED
    assert f"/justifications/{asked.pk}/answer/" not in worker.get("/").text

    detail = supervisor.get(f"/access-log/justifications/{asked.pk}/")
    assert 'data-testid="not-justified-consequence"' in detail.text
    response = supervisor.post(
        f"/access-log/justifications/{asked.pk}/",
        {"finding": Finding.NOT_JUSTIFIED, "note": "Ei yhteyttä palveluun."},
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.finding) == (
        JustificationRequest.Status.CLOSED,
        Finding.NOT_JUSTIFIED,
    )

    admin = signed_in(access_admin)
    assert "/access-log/justifications/reports/" in admin.get("/").text
    reports = admin.get("/access-log/justifications/reports/")
    assert "Ei yhteyttä palveluun." in reports.text
    assert f"/access-rights/users/{setting.worker.pk}/" in reports.text
    assert (
        admin.post(
            f"/access-log/justifications/reports/{asked.pk}/handled/", {"note": "Oikeus peruttu."}
        ).status_code
        == 302
    )
    asked.refresh_from_db()
    assert asked.report_handled_by == access_admin

    actions = list(
        AccessEvent.objects.filter(target_type="review.justificationrequest")
        .order_by("pk")
        .values_list("action", "details")
    )
    assert [action for action, _details in actions] == [
        Action.JUSTIFICATION_REQUESTED,
        Action.JUSTIFICATION_ANSWERED,
        Action.JUSTIFICATION_CLOSED,
        Action.JUSTIFICATION_REPORT_HANDLED,
    ]
    # Ids and codes only: the free texts stay on the request.
    assert actions[2][1] == {"finding": "not_justified", "grounds_reported": True}
    assert "Suunnitelma" not in str(actions)


def test_the_supervisors_list_groups_by_status_and_marks_the_overdue(setting, boss, event):
    asked = ask(boss, setting, [event])
    JustificationRequest.objects.filter(pk=asked.pk).update(due_on=in_days(-1))

    page = signed_in(boss).get("/access-log/justifications/")

    assert page.status_code == 200
    assert 'data-mark="overdue"' in page.text
    assert f"/access-log/justifications/{asked.pk}/" in page.text


def test_the_workers_home_marks_an_overdue_request(setting, boss, event):
    asked = ask(boss, setting, [event])
    JustificationRequest.objects.filter(pk=asked.pk).update(due_on=in_days(-1))

    home = signed_in(setting.worker).get("/")

    assert 'data-testid="open-justification-requests"' in home.text
    assert 'data-mark="overdue"' in home.text


# Scope


@pytest.fixture
def liperi_worker(db):
    liperi = MunicipalityFactory(code="426")
    worker = UserFactory(username="liperilainen", roles=[Role.CASE_WORKER])
    WorkerAgreementFactory(worker=worker, municipality=liperi)
    return worker


def test_a_joensuu_supervisor_cannot_ask_about_a_liperi_workers_event(boss, liperi_worker):
    event = look(liperi_worker)
    supervisor = signed_in(boss)

    assert supervisor.get(f"/access-log/justifications/new/?event={event.pk}").status_code == 404
    assert (
        supervisor.post(
            f"/access-log/justifications/new/?event={event.pk}",
            {"question": "Miksi?", "due_on": in_days(3).isoformat()},
        ).status_code
        == 404
    )
    code = refusal(
        lambda: justification_request(
            supervisor=boss, worker=liperi_worker, events=[event], question="?", due_on=in_days(3)
        )
    )
    assert code == JustificationRefused.WORKER_NOT_OVERSEEN
    assert not JustificationRequest.objects.exists()


def test_a_request_cannot_mix_in_another_workers_event(setting, boss, event, joensuu):
    colleague = UserFactory(roles=[Role.CASE_WORKER])
    WorkerAgreementFactory(worker=colleague, municipality=joensuu)
    theirs = look(colleague)

    assert (
        refusal(lambda: ask(boss, setting, [event, theirs]))
        == JustificationRefused.EVENT_OUT_OF_SCOPE
    )
    # Through the page the other worker's event is not among the choices at all.
    response = signed_in(boss).post(
        f"/access-log/justifications/new/?event={event.pk}",
        {"question": "Miksi?", "due_on": in_days(3).isoformat(), "more_events": [theirs.pk]},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("more_events", "invalid_choice")
    assert not JustificationRequest.objects.exists()


def test_a_supervisor_who_also_works_with_clients_cannot_ask_themself(joensuu):
    both = supervisor_of(joensuu)
    both.groups.add(Group.objects.get(name=Role.CASE_WORKER))
    WorkerAgreementFactory(worker=both, municipality=joensuu)
    own = look(both)

    assert signed_in(both).get(f"/access-log/justifications/new/?event={own.pk}").status_code == 404
    code = refusal(
        lambda: justification_request(
            supervisor=both, worker=both, events=[own], question="?", due_on=in_days(1)
        )
    )
    assert code == JustificationRefused.OWN_EVENTS


def test_a_request_needs_events(setting, boss):
    assert refusal(lambda: ask(boss, setting, [])) == JustificationRefused.NO_EVENTS


def test_an_unknown_or_malformed_event_is_not_found(boss):
    supervisor = signed_in(boss)

    for value in ["999999", "x", "", "9" * 30]:
        assert supervisor.get(f"/access-log/justifications/new/?event={value}").status_code == 404


def test_another_supervisors_request_is_not_found(setting, boss, event, liperi_worker):
    asked = ask(boss, setting, [event])
    liperi_boss = supervisor_of(MunicipalityFactory(code="260"))

    assert signed_in(liperi_boss).get(f"/access-log/justifications/{asked.pk}/").status_code == 404
    code = refusal(
        lambda: justification_close(
            supervisor=liperi_boss, request=answered(asked, setting), finding="justified", note="-"
        )
    )
    assert code == JustificationRefused.NOT_YOURS


def test_a_worker_sees_and_answers_only_their_own_requests(setting, boss, event, joensuu):
    asked = ask(boss, setting, [event])
    colleague = UserFactory(roles=[Role.CASE_WORKER])
    WorkerAgreementFactory(worker=colleague, municipality=joensuu)
    other = signed_in(colleague)

    assert other.get(f"/justifications/{asked.pk}/answer/").status_code == 404
    assert other.post(f"/justifications/{asked.pk}/answer/", {"answer": "Minä"}).status_code == 404
    assert "/justifications/" not in other.get("/").text
    code = refusal(lambda: justification_answer(worker=colleague, request=asked, answer="Minä"))
    assert code == JustificationRefused.NOT_YOURS


@pytest.mark.parametrize(
    ("path", "persona"),
    [
        ("/access-log/justifications/", "case_worker"),
        ("/access-log/justifications/reports/", "supervisor"),
        ("/justifications/1/answer/", "supervisor"),
    ],
)
def test_each_page_is_for_its_own_role(client, request, path, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(path).status_code == 403


# Each step once


def test_a_request_cannot_be_answered_twice(setting, boss, event):
    asked = answered(ask(boss, setting, [event]), setting)

    code = refusal(
        lambda: justification_answer(worker=setting.worker, request=asked, answer="Uusi")
    )

    assert code == JustificationRefused.ALREADY_ANSWERED
    asked.refresh_from_db()
    assert asked.answer == "Tapaaminen."
    response = signed_in(setting.worker).post(
        f"/justifications/{asked.pk}/answer/", {"answer": "Uusi"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", JustificationRefused.ALREADY_ANSWERED)


def test_a_request_cannot_be_closed_before_the_answer(setting, boss, event):
    asked = ask(boss, setting, [event])

    code = refusal(
        lambda: justification_close(supervisor=boss, request=asked, finding="justified", note="Ok")
    )

    assert code == JustificationRefused.NOT_ANSWERED
    response = signed_in(boss).post(
        f"/access-log/justifications/{asked.pk}/", {"finding": "justified", "note": "Ok"}
    )
    assert response.context["form"].has_error("__all__", JustificationRefused.NOT_ANSWERED)
    asked.refresh_from_db()
    assert asked.closed_at is None


def test_a_closed_request_cannot_be_closed_again(setting, boss, event):
    asked = answered(ask(boss, setting, [event]), setting)
    justification_close(supervisor=boss, request=asked, finding=Finding.JUSTIFIED, note="Ok")

    code = refusal(
        lambda: justification_close(
            supervisor=boss, request=asked, finding=Finding.NOT_JUSTIFIED, note="Toisin"
        )
    )

    assert code == JustificationRefused.ALREADY_CLOSED
    asked.refresh_from_db()
    assert asked.finding == Finding.JUSTIFIED


@pytest.mark.rule("004-5a-report-grounds")
def test_only_a_not_justified_finding_is_reported_and_handled_once(
    setting, boss, event, access_admin
):
    justified = answered(ask(boss, setting, [event]), setting)
    justification_close(supervisor=boss, request=justified, finding=Finding.JUSTIFIED, note="Ok")
    follow_up = answered(ask(boss, setting, [event]), setting)
    justification_close(
        supervisor=boss, request=follow_up, finding=Finding.NEEDS_FOLLOW_UP, note="Seurataan"
    )

    reports = signed_in(access_admin).get("/access-log/justifications/reports/")
    assert 'data-testid="grounds-report"' not in reports.text
    code = refusal(lambda: grounds_report_handle(admin=access_admin, request=justified, note="-"))
    assert code == JustificationRefused.NOT_REPORTED

    reported = answered(ask(boss, setting, [event]), setting)
    justification_close(supervisor=boss, request=reported, finding=Finding.NOT_JUSTIFIED, note="Ei")
    assert reports.status_code == 200
    assert (
        signed_in(access_admin)
        .get("/access-log/justifications/reports/")
        .text.count('data-testid="grounds-report"')
        == 1
    )
    grounds_report_handle(admin=access_admin, request=reported, note="Peruttu")
    code = refusal(lambda: grounds_report_handle(admin=access_admin, request=reported, note="Taas"))
    assert code == JustificationRefused.ALREADY_HANDLED


def test_empty_texts_are_refused(setting, boss, event):
    assert (
        refusal(lambda: ask(boss, setting, [event], question="   "))
        == JustificationRefused.EMPTY_TEXT
    )
    asked = ask(boss, setting, [event])
    code = refusal(lambda: justification_answer(worker=setting.worker, request=asked, answer=" "))
    assert code == JustificationRefused.EMPTY_TEXT


# The due date


@pytest.mark.parametrize(
    ("days", "code"),
    [(-1, JustificationRefused.DUE_IN_THE_PAST), (61, JustificationRefused.DUE_TOO_FAR)],
)
def test_the_service_refuses_a_due_date_out_of_bounds(setting, boss, event, days, code):
    assert refusal(lambda: ask(boss, setting, [event], due_on=in_days(days))) == code


@pytest.mark.parametrize(("days", "code"), [(-1, "date_too_early"), (61, "date_too_late")])
def test_the_form_refuses_a_due_date_out_of_bounds(setting, boss, event, days, code):
    response = signed_in(boss).post(
        f"/access-log/justifications/new/?event={event.pk}",
        {"question": "Miksi?", "due_on": in_days(days).isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("due_on", code)
    assert not JustificationRequest.objects.exists()


@pytest.mark.parametrize("days", [0, 60])
def test_the_due_date_may_be_today_or_sixty_days_ahead(setting, boss, event, days):
    assert ask(boss, setting, [event], due_on=in_days(days)).due_on == in_days(days)


# Who watches the watchers: the pages that show events of the log are looks of their own.


def shown_looks(user) -> list[AccessEvent]:
    return list(
        AccessEvent.objects.filter(actor=user, action=Action.LOG_EVENT_VIEWED).order_by("pk")
    )


@pytest.mark.rule("000-8-access-log")
def test_the_pages_that_show_events_are_logged_as_looks_at_the_log(
    setting, boss, event, access_admin
):
    other = look(setting.worker, setting.without_consent)
    supervisor = signed_in(boss)

    supervisor.get(f"/access-log/justifications/new/?event={event.pk}")
    asked = ask(boss, setting, [event])
    supervisor.get(f"/access-log/justifications/{asked.pk}/")
    justification_close(
        supervisor=boss,
        request=answered(asked, setting),
        finding=Finding.NOT_JUSTIFIED,
        note="Ei liittynyt palveluun.",
    )
    signed_in(access_admin).get("/access-log/justifications/reports/")

    asking, detail = shown_looks(boss)
    assert asking.details == {"events": [event.pk, other.pk]} and asking.client is None
    assert detail.details == {"events": [event.pk], "justification": asked.pk}
    assert detail.client == setting.openable
    [reports] = shown_looks(access_admin)
    assert reports.details == {"events": [event.pk], "reports": [asked.pk]}


def test_nothing_of_the_events_is_shown_when_the_look_cannot_be_logged(setting, boss, event):
    asked = ask(boss, setting, [event])
    block_access_event_inserts()

    response = signed_in(boss).get(f"/access-log/justifications/{asked.pk}/")

    assert response.status_code == 503
    assert setting.openable.last_name not in response.text
