"""Justification requests on the home pages: access renders home, but cannot import review
(review sits above it), so the home page's sections ask for them through these tags."""

from django import template
from django.utils import timezone

from audit.actions import LOOKS
from review.justification import open_requests_to, reported_grounds

register = template.Library()


@register.simple_tag
def open_justification_requests(user):
    """The worker's requests still waiting for their answer."""
    return list(open_requests_to(user).select_related("supervisor"))


@register.simple_tag
def unhandled_grounds_reports() -> int:
    """How many "not justified" findings no access administrator has yet handled."""
    return reported_grounds().filter(report_handled_at__isnull=True).count()


@register.filter
def can_be_asked_about(event) -> bool:
    """A look by a worker: what a justification may be asked about."""
    return event.action in LOOKS and event.actor_id is not None


@register.filter
def overdue_on(request, today) -> bool:
    return request.is_overdue(today)


@register.filter
def overdue_today(request) -> bool:
    return request.is_overdue(timezone.localdate())
