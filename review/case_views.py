"""The cases: the list of the overseen workers' cases with the day screening, and a case's page.

A case's page shows events of the log, so opening it is a look of its own
(atmt.log.case_viewed, naming the case and its events), written in the same transaction as the
read; if it cannot be written, nothing is shown (503). A case of a worker not overseen, or none
at all, is a 404 once the refused attempt is in the log, as with an event of the log.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Max, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.decorators import role_required
from access.roles import Role
from audit.actions import Action
from audit.context import RequestContext
from audit.models import AccessEvent
from audit.services import look_record
from review.models import Alert, Case, ScreeningRun
from review.rule_forms import CaseCloseForm, ScreenDayForm, refusal
from review.rules import RULES, RULES_BY_CODE, Rule
from review.search_views import log_unavailable
from review.selectors import cases_overseen_by
from review.services import ReviewRefused, case_close, screening_request
from review.trail import CLIENT_LOOKS, Explanation, explain, looks_of

CASES_A_PAGE = 25
RUNS_SHOWN = 10
# The reason code of an attempt to open a case outside the supervisor's scope.
CASE_OUT_OF_SCOPE = "case_out_of_scope"


@role_required(Role.SUPERVISOR)
@require_GET
def case_list(request):
    return _case_list_page(request, ScreenDayForm())


@role_required(Role.SUPERVISOR)
@require_POST
def screen_day(request):
    """Ask for a day to be screened now with the rules in force; the run joins the list."""
    form = ScreenDayForm(request.POST)
    if form.is_valid():
        try:
            screening_request(actor=request.user, day=form.cleaned_data["day"])
        except ReviewRefused as refused:
            form.add_error(None, refusal(refused))
        else:
            messages.success(
                request, _("The day is being screened. The run is listed below once it is done.")
            )
            return redirect("screening:cases")
    return _case_list_page(request, form, status=400)


def _case_list_page(request, screen_form: ScreenDayForm, status: int = 200):
    """The cases, open ones first, with their alerts counted, their rules and newest day."""
    in_registry = {rule.code: index for index, rule in enumerate(RULES)}
    cases = (
        cases_overseen_by(request.user)
        .select_related("worker")
        .annotate(alert_count=Count("alerts"), newest_day=Max("alerts__day"))
        .prefetch_related(Prefetch("alerts", queryset=Alert.objects.only("case_id", "rule")))
        .order_by(F("closed_at").desc(nulls_first=True), "-opened_at", "-id")
    )
    page = Paginator(cases, CASES_A_PAGE).get_page(request.GET.get("page"))
    rows = [
        (
            case,
            [
                RULES_BY_CODE[code]
                for code in sorted(_rule_codes(case), key=lambda code: in_registry[code])
            ],
        )
        for case in page
    ]
    runs = ScreeningRun.objects.select_related("requested_by").order_by("-started_at", "-id")
    return render(
        request,
        "review/cases.html",
        {"page": page, "rows": rows, "runs": runs[:RUNS_SHOWN], "screen_form": screen_form},
        status=status,
    )


def _rule_codes(case: Case) -> set[str]:
    return {alert.rule for alert in case.alerts.all() if alert.rule in RULES_BY_CODE}


@dataclass(frozen=True)
class EventRow:
    """One event behind an alert, with what explains it now (None: not a look to explain)."""

    event: AccessEvent
    explanations: tuple[Explanation, ...] | None


@dataclass(frozen=True)
class AlertRow:
    alert: Alert
    rule: Rule | None  # None for a rule since removed from the registry
    events: list[EventRow]


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def case_detail(request, case_id: int):
    """The worker, each alert with its events and what explains them now; closing the case."""
    in_scope = cases_overseen_by(request.user)
    form = CaseCloseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        case = in_scope.filter(pk=case_id).first()
        if case is not None:  # otherwise the refused look below answers, as for a GET
            try:
                case_close(actor=request.user, case=case, note=form.cleaned_data["note"])
            except ReviewRefused as refused:
                form.add_error(None, refusal(refused))
            else:
                messages.success(request, _("The case has been closed."))
                return redirect("screening:case", case_id=case_id)
    try:
        with transaction.atomic():
            case = in_scope.select_related("worker", "closed_by").filter(pk=case_id).first()
            alerts = _alert_rows(case) if case is not None else []
            look_record(
                actor=request.user,
                action=Action.LOG_CASE_VIEWED,
                at=timezone.now(),
                context=RequestContext.from_request(request),
                outcome=AccessEvent.Decision.ALLOWED if case else AccessEvent.Decision.DENIED,
                reason_codes=[] if case else [CASE_OUT_OF_SCOPE],
                result_count=sum(len(row.events) for row in alerts) if case else None,
                details={
                    "case": case_id,
                    "events": sorted({row.event.pk for alert in alerts for row in alert.events}),
                },
            )
    except DatabaseError:
        return log_unavailable(request)
    # Raised only after the transaction has committed, so the refused look stays in the log.
    if case is None:
        raise Http404
    return render(request, "review/case.html", {"case": case, "alerts": alerts, "form": form})


def _alert_rows(case: Case) -> list[AlertRow]:
    """The case's alerts, newest day first and in the registry's order, each with its events in
    time order and the explanations computed now: an event explained since is shown so, never
    hidden."""
    in_registry = {rule.code: index for index, rule in enumerate(RULES)}
    alerts = sorted(
        case.alerts.prefetch_related(
            Prefetch(
                "events",
                queryset=AccessEvent.objects.select_related("client").order_by("occurred_at", "id"),
            )
        ),
        key=lambda alert: (-alert.day.toordinal(), in_registry.get(alert.rule, len(RULES))),
    )
    looks = [
        event
        for alert in alerts
        for event in alert.events.all()
        if event.action in CLIENT_LOOKS and event.decision == AccessEvent.Decision.ALLOWED
    ]
    explained = explain(looks_of({event.pk: event for event in looks}.values()))
    return [
        AlertRow(
            alert=alert,
            rule=RULES_BY_CODE.get(alert.rule),
            events=[EventRow(event, explained.get(event.pk)) for event in alert.events.all()],
        )
        for alert in alerts
    ]
