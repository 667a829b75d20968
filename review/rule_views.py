"""The detection rules' pages: the rules with their settings, a rule's own page where it is
switched, its preview, and the page that tells every member of staff how their use is screened.

A preview reads the log, so it is a look of its own (atmt.log.rule_previewed), written in the
same transaction as the read; if it cannot be written, nothing is shown (503). Switching a rule
is the service's typed event (atmt.rule.changed). The rules and the page for the workers show
no client data and no event, so they write no look.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.db import DatabaseError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from access.decorators import role_required
from access.models import User
from access.roles import Role
from audit.actions import Action
from audit.context import RequestContext
from audit.services import look_record
from review.rule_forms import RulePreviewForm, RuleSettingForm, preview_period, refusal
from review.rules import Finding
from review.screening import Preview, preview
from review.search_views import log_unavailable
from review.selectors import RuleState, rule_states, workers_overseen_by
from review.services import ReviewRefused, rule_setting_change
from sign_in.decorators import recent_sign_in_required


@role_required(Role.SUPERVISOR)
@require_GET
def rule_list(request):
    """Every rule of the registry: what it looks for, whether it screens, since when, its
    thresholds in force and its settings' history."""
    return render(request, "review/rules.html", {"states": rule_states()})


@role_required(Role.SUPERVISOR)
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def rule_change(request, code: str):
    """Switch one rule on or off with its thresholds: a new version of its setting.

    Switching a rule off, or raising a threshold, can hide misuse, so the page asks for a recent
    sign-in as the access decisions do. A GET may propose a setting (from the preview's "switch
    on with these thresholds", also after that sign-in); only a POST saves one.
    """
    state = _state_or_404(code)
    enabled, values = _proposed(state, request.GET)
    form = RuleSettingForm(
        request.POST if request.method == "POST" else None,
        rule=state.rule,
        values=values,
        initial={"enabled": enabled},
    )
    if form.is_valid():
        try:
            rule_setting_change(
                actor=request.user,
                rule=code,
                enabled=form.cleaned_data["enabled"],
                values=form.threshold_values(),
            )
        except ReviewRefused as refused:
            form.add_error(None, refusal(refused))
        else:
            messages.success(request, _("The rule's setting has been saved."))
            return redirect("screening:rules")
    return render(request, "review/rule.html", {"state": state, "form": form})


@dataclass(frozen=True)
class PreviewRow:
    """One finding as the preview shows it: the worker, and the search of their day's events."""

    worker: User | None
    finding: Finding
    events_url: str


@role_required(Role.SUPERVISOR)
@require_GET
def rule_preview(request, code: str):
    """What the rule would flag over a period among the workers the supervisor oversees, with
    the thresholds chosen; nothing kept. The form opens with the thresholds in force."""
    state = _state_or_404(code)
    context: dict = {"state": state, "result": None}
    if "first" not in request.GET:
        first, last = preview_period()
        context["form"] = RulePreviewForm(
            rule=state.rule, values=state.values, initial={"first": first, "last": last}
        )
        return render(request, "review/rule_preview.html", context)
    form = context["form"] = RulePreviewForm(request.GET, rule=state.rule, values=state.values)
    if not form.is_valid():
        return render(request, "review/rule_preview.html", context, status=400)
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    values = form.threshold_values()
    try:
        with transaction.atomic():
            workers = list(workers_overseen_by(request.user).values_list("pk", flat=True))
            result = preview(rule=code, values=values, first=first, last=last, workers=workers)
            look_record(
                actor=request.user,
                action=Action.LOG_RULE_PREVIEWED,
                at=timezone.now(),
                context=RequestContext.from_request(request),
                result_count=len(result.findings),
                details={
                    "rule": code,
                    "values": values,
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                },
            )
    except DatabaseError:
        return log_unavailable(request)
    context |= {
        "result": result,
        "rows": _preview_rows(result),
        "workers_overseen": len(workers),
        "per_hundred": _per_hundred(result),
        "may_still_change": form.may_still_change(),
        "switch_on_query": _switch_on_query(values),
    }
    return render(request, "review/rule_preview.html", context)


@require_GET
def watched(request):
    """For every member of staff: that their use is logged and reviewed, the rules that screen
    it, what follows a finding, and why they are told (759/2004 §21)."""
    states = rule_states()
    return render(
        request,
        "review/watched.html",
        {
            "in_use": [state for state in states if state.enabled],
            "not_in_use": [state for state in states if not state.enabled],
        },
    )


def _state_or_404(code: str) -> RuleState:
    for state in rule_states():
        if state.rule.code == code:
            return state
    raise Http404


def _proposed(state: RuleState, query) -> tuple[bool, dict[str, int]]:
    """The setting a GET proposes (the preview's thresholds), or the one in force. A value that
    is not a number is ignored here; bounds are checked when the form is sent."""
    values = dict(state.values)
    for threshold in state.rule.thresholds:
        text = query.get(threshold.code, "")
        if text.isdigit() and len(text) < 10:
            values[threshold.code] = int(text)
    return ("enabled" in query) or state.enabled, values


def _preview_rows(result: Preview) -> list[PreviewRow]:
    """The findings by worker, then day; each links to the search of that worker's day."""
    workers = User.objects.in_bulk({finding.worker_id for finding in result.findings})
    rows = [
        PreviewRow(
            worker=workers.get(finding.worker_id),
            finding=finding,
            events_url=_day_of_worker_url(finding.worker_id, finding.day),
        )
        for finding in result.findings
    ]
    return sorted(rows, key=lambda row: (_name_of(row.worker), row.finding.day))


def _switch_on_query(values: dict[str, int]) -> str:
    """The rule page's address proposes these thresholds, switched on: after a sign-in asked
    for on the way, the page still holds them."""
    proposal: dict[str, str | int] = {"enabled": "on", **values}
    return urlencode(proposal)


def _day_of_worker_url(worker_id: int, day: datetime.date) -> str:
    query: dict[str, str | int] = {
        "worker": worker_id,
        "period_from": day.isoformat(),
        "period_to": day.isoformat(),
    }
    return f"{reverse('audit:access_log')}?{urlencode(query)}"


def _name_of(user: User | None) -> tuple[str, str, str]:
    if user is None:
        return ("", "", "")
    return (user.last_name, user.first_name, user.username)


def _per_hundred(result: Preview) -> float | None:
    """Findings per 100 worker-days: how often the rule would speak on an ordinary day."""
    if not result.worker_days:
        return None
    return round(100 * len(result.findings) / result.worker_days, 1)
