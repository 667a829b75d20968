from django.db.models import QuerySet

from audit.models import AccessEvent


def access_events_for_review(*, decision: str = "") -> QuerySet[AccessEvent]:
    """Newest first, with what the log table shows fetched in the same query."""
    events = AccessEvent.objects.select_related("client").order_by("-id")
    if decision:
        events = events.filter(decision=decision)
    return events
