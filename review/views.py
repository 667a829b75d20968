from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode

from access.decorators import role_required
from access.roles import Role
from audit.models import AccessEvent
from review.selectors import access_events_for_review

ACCESS_LOG_PAGE_SIZE = 50


@role_required(Role.SUPERVISOR)
def access_log(request):
    decision = request.GET.get("decision", "")
    if decision not in AccessEvent.Decision.values:
        decision = ""
    events = access_events_for_review(request.user, decision=decision)
    page = Paginator(events, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "review/access_log.html",
        {
            "page": page,
            "decision": decision,
            "decision_query": urlencode({"decision": decision}) if decision else "",
            "decisions": AccessEvent.Decision.choices,
        },
    )
