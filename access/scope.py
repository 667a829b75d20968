"""Organisational scope: which municipalities a member of staff serves or oversees.

Static organisational permissions, held as django-guardian object permissions on Municipality:
never on a client and never time-limited. They answer "whose clients may this official register
and refer" and "whose access log may this supervisor review"; whether a case worker may open a
record is answered only by the time-limited personal grant (access.policy).
"""

from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from clients.models import Municipality

SERVE = "clients.serve_municipality"
OVERSEE = "clients.oversee_municipality"


def municipalities_served_by(user) -> QuerySet[Municipality]:
    """The municipalities whose clients `user` registers and refers as a labour official."""
    return _municipalities(user, SERVE)


def municipalities_overseen_by(user) -> QuerySet[Municipality]:
    """The municipalities whose use of the service `user` oversees as a supervisor."""
    return _municipalities(user, OVERSEE)


def scope_held_by(user, permission: str) -> QuerySet[Municipality]:
    """The municipalities `user` holds `permission` on, active or not: what an administrator
    sees and changes on the account's page. Whether it counts now is the functions above."""
    # Only object permissions count: a global permission or superuser status grants no scope.
    return get_objects_for_user(
        user, permission, klass=Municipality, accept_global_perms=False, with_superuser=False
    )


def _municipalities(user, permission: str) -> QuerySet[Municipality]:
    if not (user.is_authenticated and user.is_active):
        return Municipality.objects.none()
    return scope_held_by(user, permission)
