import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from access.models import AccessApplication, AccessGrant

ENDING_SOON = datetime.timedelta(days=30)


def applications_pending() -> QuerySet[AccessApplication]:
    return (
        AccessApplication.objects.filter(status=AccessApplication.Status.PENDING)
        .select_related("applicant", "applied_by", "municipality")
        .prefetch_related("client_groups")
        .order_by("applied_at")
    )


def grants_by_state(*, at: datetime.datetime | None = None) -> dict[str, QuerySet[AccessGrant]]:
    """Current grants, those ending within 30 days, and those that have ended or been revoked."""
    at = at or timezone.now()
    grants = AccessGrant.objects.select_related(
        "grantee", "municipality", "granted_by", "revoked_by"
    ).prefetch_related("client_groups")
    in_force = Q(valid_from__lte=at, valid_until__gt=at, revoked_at__isnull=True)
    return {
        "current": grants.filter(in_force, valid_until__gt=at + ENDING_SOON).order_by(
            "grantee__last_name", "valid_until"
        ),
        "ending_soon": grants.filter(in_force, valid_until__lte=at + ENDING_SOON).order_by(
            "valid_until"
        ),
        "ended": grants.filter(Q(valid_until__lte=at) | Q(revoked_at__isnull=False)).order_by(
            "-valid_until"
        ),
    }
