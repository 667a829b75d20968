"""What a supervisor may see of the log: the events of the workers they oversee.

A supervisor oversees the use of the service in municipalities (access.scope, django-guardian);
a worker belongs to a municipality through their worker agreement with it (seed 000). So the
events in a supervisor's scope are those whose actor has, or has had, a worker agreement with a
municipality the supervisor oversees: a worker whose agreement has ended still answers for what
they did under it. Everything a review page shows starts from `events_in_scope_of`.
"""

from django.db.models import Exists, OuterRef, QuerySet

from access.models import User, WorkerAgreement
from access.scope import municipalities_overseen_by
from audit.models import AccessEvent


def workers_overseen_by(supervisor: User) -> QuerySet[User]:
    """The workers with an agreement, now or before, with a municipality `supervisor` oversees."""
    agreements = WorkerAgreement.objects.filter(
        worker=OuterRef("pk"), municipality__in=municipalities_overseen_by(supervisor)
    )
    return User.objects.filter(Exists(agreements))


def events_in_scope_of(supervisor: User) -> QuerySet[AccessEvent]:
    """The events whose actor is a worker `supervisor` oversees, as overseen when called.

    The workers' ids are read first, in one small query, and the events filtered by the list:
    as a subquery, PostgreSQL checked each event's actor against the agreements and the
    guardian tables row by row and misjudged how many events a scope holds, which at 10 M
    events made the searches slow (bench/log_search.py).
    """
    workers = list(workers_overseen_by(supervisor).values_list("pk", flat=True))
    return AccessEvent.objects.filter(actor__in=workers)
