"""Justification requests (000 §8): the supervisor asks and closes, the worker answers, and the
access administrators see the grounds of a "not justified" finding (004 §5a ¶4).

Every page starts from the supervisor's scope (review.selectors) or from the worker's own
requests: anything outside it is as if it did not exist (404).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from access.decorators import role_required
from access.models import User
from access.roles import Role
from audit.actions import Action
from audit.context import RequestContext
from audit.models import AccessEvent
from audit.services import look_record
from review.justification import (
    JustificationRefused,
    events_to_ask_about,
    grounds_report_handle,
    justification_answer,
    justification_close,
    justification_request,
    recent_events_to_ask_about,
    reported_grounds,
    requests_asked_by,
)
from review.justification_forms import (
    GroundsReportHandledForm,
    JustificationAnswerForm,
    JustificationCloseForm,
    JustificationRequestForm,
)
from review.models import Alert, Case, JustificationRequest
from review.search_views import log_unavailable
from review.selectors import cases_overseen_by, events_in_scope_of


@role_required(Role.SUPERVISOR)
def justification_list(request):
    """The supervisor's requests, grouped by where they stand."""
    asked = list(requests_asked_by(request.user))
    groups = [
        (status, label, [r for r in asked if r.status == status])
        for status, label in JustificationRequest.Status.choices
    ]
    return render(
        request,
        "review/justification_list.html",
        {"groups": groups, "today": timezone.localdate()},
    )


@dataclass(frozen=True)
class Asking:
    """What a new request may be about: always `fixed`, and those of `choices` ticked."""

    worker: User
    fixed: list[AccessEvent]
    choices: list[AccessEvent]
    preselected: list[int]
    case: Case | None = None


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def justification_new(request):
    """Ask about the event named by `?event=` and any more of the same worker's recent looks,
    or about the events of the case named by `?case=`, ticked, whatever their age."""
    asking = _asking_about_case(request) if "case" in request.GET else _asking_about_event(request)
    form = JustificationRequestForm(
        request.POST if request.method == "POST" else None,
        events=AccessEvent.objects.filter(pk__in=[e.pk for e in asking.choices])
        .select_related("client")
        .order_by("-id"),
        initial={"more_events": asking.preselected},
        label=_("The events to ask about") if asking.case else None,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            asked = justification_request(
                supervisor=request.user,
                worker=asking.worker,
                events=[*asking.fixed, *data["more_events"]],
                question=data["question"],
                due_on=data["due_on"],
            )
        except JustificationRefused as refused:
            form.add_error(None, _refusal(refused))
        else:
            messages.success(request, _("The request has been sent to the worker."))
            return redirect("justifications:detail", request_id=asked.pk)
    about = {"case": asking.case.pk} if asking.case else {}
    if not _logged_as_shown(request, [*asking.fixed, *asking.choices], **about):
        return log_unavailable(request)
    return render(
        request,
        "review/justification_new.html",
        {"form": form, "event_list": asking.fixed, "worker": asking.worker, "case": asking.case},
    )


def _asking_about_event(request) -> Asking:
    event = get_object_or_404(
        events_in_scope_of(request.user).select_related("client", "actor"),
        pk=_id_in_query(request.GET.get("event", "")),
    )
    worker = event.actor
    if (
        worker is None
        or worker.pk == request.user.pk
        or not events_to_ask_about(request.user, worker).filter(pk=event.pk).exists()
    ):
        raise Http404
    return Asking(
        worker=worker,
        fixed=[event],
        choices=_recent_choices(request.user, worker, exclude=[event.pk]),
        preselected=[],
    )


def _asking_about_case(request) -> Asking:
    """The case's events, ticked, and the worker's recent looks beside them: only the worker's
    own looks in scope, as for one event (an alert's events always are)."""
    case = get_object_or_404(
        cases_overseen_by(request.user).select_related("worker"),
        pk=_id_in_query(request.GET.get("case", "")),
    )
    if case.worker_id == request.user.pk:
        raise Http404
    askable = events_to_ask_about(request.user, case.worker)
    of_case = set(Alert.objects.filter(case=case).values_list("events", flat=True)) - {None}
    ticked = list(askable.filter(pk__in=of_case).select_related("client").order_by("-id"))
    recent = _recent_choices(request.user, case.worker, exclude=[e.pk for e in ticked])
    return Asking(
        worker=case.worker,
        fixed=[],
        choices=[*ticked, *recent],
        preselected=[event.pk for event in ticked],
        case=case,
    )


def _recent_choices(supervisor, worker, *, exclude: list[int]) -> list[AccessEvent]:
    recent_ids = list(recent_events_to_ask_about(supervisor, worker).values_list("pk", flat=True))
    return list(
        events_to_ask_about(supervisor, worker)
        .filter(pk__in=recent_ids)
        .exclude(pk__in=exclude)
        .select_related("client")
        .order_by("-id")
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def justification_detail(request, request_id: int):
    """The request, the events, the answer; once answered, the form that closes it."""
    asked = get_object_or_404(requests_asked_by(request.user), pk=request_id)
    form = JustificationCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            justification_close(
                supervisor=request.user,
                request=asked,
                finding=form.cleaned_data["finding"],
                note=form.cleaned_data["note"],
            )
        except JustificationRefused as refused:
            form.add_error(None, _refusal(refused))
        else:
            messages.success(request, _("The request has been closed."))
            return redirect("justifications:detail", request_id=asked.pk)
    events = list(_events_of(asked))
    if not _logged_as_shown(request, events, justification=asked.pk):
        return log_unavailable(request)
    return render(
        request,
        "review/justification_detail.html",
        {"asked": asked, "events": events, "form": form, "today": timezone.localdate()},
    )


@role_required(Role.CASE_WORKER)
@require_http_methods(["GET", "POST"])
def justification_answer_page(request, request_id: int):
    """The worker's own request only: the question, the events it is about, the answer."""
    asked = get_object_or_404(
        JustificationRequest.objects.select_related("supervisor"),
        pk=request_id,
        worker=request.user,
    )
    form = JustificationAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            justification_answer(
                worker=request.user, request=asked, answer=form.cleaned_data["answer"]
            )
        except JustificationRefused as refused:
            form.add_error(None, _refusal(refused))
        else:
            messages.success(request, _("Your answer has been sent to your supervisor."))
            return redirect("home")
    return render(
        request,
        "review/justification_answer.html",
        {"asked": asked, "events": _events_of(asked), "form": form, "today": timezone.localdate()},
    )


@role_required(Role.ACCESS_ADMIN)
def grounds_report_list(request):
    """Requests closed "not justified": the worker, the events, the finding and the note."""
    reports = list(reported_grounds().prefetch_related("events__client"))
    events = [event for report in reports for event in report.events.all()]
    if not _logged_as_shown(request, events, reports=[report.pk for report in reports]):
        return log_unavailable(request)
    return render(request, "review/justification_reports.html", {"reports": reports})


@role_required(Role.ACCESS_ADMIN)
@require_http_methods(["GET", "POST"])
def grounds_report_handle_page(request, request_id: int):
    report = get_object_or_404(reported_grounds(), pk=request_id)
    form = GroundsReportHandledForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grounds_report_handle(
                admin=request.user, request=report, note=form.cleaned_data["note"]
            )
        except JustificationRefused as refused:
            form.add_error(None, _refusal(refused))
        else:
            messages.success(request, _("The report has been marked as handled."))
            return redirect("justifications:reports")
    events = list(_events_of(report))
    if not _logged_as_shown(request, events, justification=report.pk):
        return log_unavailable(request)
    return render(
        request,
        "review/justification_report_handle.html",
        {"report": report, "events": events, "form": form},
    )


def _logged_as_shown(request, events: Iterable[AccessEvent], **about) -> bool:
    """Log that these events of the log were shown (who watches the watchers), naming the client
    when they are all about one; False, with nothing to show, if the look cannot be logged."""
    events = list(events)
    clients = {event.client_id for event in events}
    try:
        with transaction.atomic():
            look_record(
                actor=request.user,
                action=Action.LOG_EVENT_VIEWED,
                at=timezone.now(),
                context=RequestContext.from_request(request),
                client=events[0].client if len(clients) == 1 else None,
                result_count=len(events),
                details={"events": [event.pk for event in events], **about},
            )
    except DatabaseError:
        return False
    return True


def _id_in_query(value: str) -> int:
    """The id from the query string; anything else names no row (0 matches none)."""
    return int(value) if value.isdigit() and len(value) < 19 else 0


def _events_of(asked: JustificationRequest):
    return asked.events.select_related("client").order_by("occurred_at", "id")


# Read when a refusal is shown, in the language of that page.
REFUSALS = {
    JustificationRefused.NO_EVENTS: gettext_lazy("Choose at least one event to ask about."),
    JustificationRefused.EVENT_OUT_OF_SCOPE: gettext_lazy(
        "You can ask only about the same worker's events in the municipalities you oversee."
    ),
    JustificationRefused.WORKER_NOT_OVERSEEN: gettext_lazy(
        "You can ask only workers of the municipalities you oversee."
    ),
    JustificationRefused.OWN_EVENTS: gettext_lazy("You cannot ask yourself for a justification."),
    JustificationRefused.DUE_IN_THE_PAST: gettext_lazy("The answer cannot be due in the past."),
    JustificationRefused.DUE_TOO_FAR: gettext_lazy(
        "The answer can be due at most 60 days from today."
    ),
    JustificationRefused.EMPTY_TEXT: gettext_lazy("Write the text first."),
    JustificationRefused.NOT_YOURS: gettext_lazy("This request is not yours to handle."),
    JustificationRefused.ALREADY_ANSWERED: gettext_lazy("The request has already been answered."),
    JustificationRefused.NOT_ANSWERED: gettext_lazy(
        "The request can be closed only after the worker has answered."
    ),
    JustificationRefused.ALREADY_CLOSED: gettext_lazy("The request has already been closed."),
    JustificationRefused.NOT_REPORTED: gettext_lazy(
        "Only a request closed as not justified is reported."
    ),
    JustificationRefused.ALREADY_HANDLED: gettext_lazy("The report has already been handled."),
}


def _refusal(refused: JustificationRefused) -> ValidationError:
    return ValidationError(REFUSALS[refused.code], code=refused.code)
