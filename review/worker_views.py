"""The supervisor's page of one worker: their figures, looks per day and timeline over a period.

Only a worker the supervisor oversees (review.selectors.workers_overseen_by); any other is a 404,
the attempt logged as denied. Each page shown is itself a look at the log
(atmt.log.worker_viewed: the worker and the period, no client), written in the same transaction
as the read; if it cannot be written, nothing is shown (503).
"""

from django.db import DatabaseError, transaction
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from access.decorators import role_required
from access.roles import Role
from audit.actions import Action
from audit.context import RequestContext
from audit.models import AccessEvent
from audit.services import look_record
from review.activity import WorkingHours, rows_of
from review.activity_forms import PeriodForm
from review.charts import looks_chart
from review.search import matching, page_of
from review.search_views import log_unavailable
from review.selectors import workers_overseen_by
from review.worker_activity import Period, worker_activity

# The reason code of a look at a worker the supervisor does not oversee.
WORKER_OUT_OF_SCOPE = "worker_out_of_scope"


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET"])
def access_log_worker(request, worker_id: int):
    worker = workers_overseen_by(request.user).filter(pk=worker_id).first()
    form = PeriodForm.of(request.GET)
    if worker is None:
        return _refused(request, worker_id)
    if not form.is_valid():
        return render(request, "review/worker.html", {"worker": worker, "form": form}, status=400)
    period = form.period()
    hours = WorkingHours.in_force()
    try:
        with transaction.atomic():
            # The page first, then the period's looks: the log only grows, so the second read
            # holds every look the page shows, with its explanations.
            page = page_of(
                matching(request.user, period.criteria(worker)),
                before=form.cleaned_data["before"],
                after=form.cleaned_data["after"],
            )
            activity = worker_activity(
                supervisor=request.user, worker=worker, period=period, hours=hours
            )
            _log(request, worker_id, period, outcome=AccessEvent.Decision.ALLOWED, shown=len(page))
    except DatabaseError:
        return log_unavailable(request)
    return render(
        request,
        "review/worker.html",
        {
            "worker": worker,
            "form": form,
            "period": period,
            "figures": activity.figures,
            "days": activity.days,
            "chart": looks_chart(activity.days),
            "page": page,
            "rows": rows_of(page, explanations=activity.explanations, hours=hours),
            "hours": hours,
            "paging_query": urlencode(period.logged()) + "&",
        },
    )


def _refused(request, worker_id: int):
    """Log the look at a worker out of scope, then answer as if there were no such worker."""
    try:
        with transaction.atomic():
            _log(request, worker_id, None, outcome=AccessEvent.Decision.DENIED, shown=None)
    except DatabaseError:
        return log_unavailable(request)
    raise Http404


def _log(request, worker_id: int, period: Period | None, *, outcome: str, shown: int | None):
    look_record(
        actor=request.user,
        action=Action.LOG_WORKER_VIEWED,
        at=timezone.now(),
        context=RequestContext.from_request(request),
        outcome=outcome,
        reason_codes=[] if outcome == AccessEvent.Decision.ALLOWED else [WORKER_OUT_OF_SCOPE],
        details={"worker": worker_id, **(period.logged() if period else {})},
        result_count=shown,
    )
