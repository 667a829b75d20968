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
    """The events whose actor is a worker `supervisor` oversees."""
    return AccessEvent.objects.filter(actor__in=workers_overseen_by(supervisor))
