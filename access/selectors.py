import datetime
from dataclasses import dataclass

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.models import AccessApplication, AccessGrant, User, WorkerAgreement
from clients.models import ClientGroup, Municipality

ENDING_SOON = datetime.timedelta(days=30)
# What an unlock writes in the user's change history: not a field, so named here for display.
SIGN_IN_LOCK = "sign_in_lock"
UNLOCKED = {SIGN_IN_LOCK: ["locked", "unlocked"]}
SIGN_IN_LOCK_STATES = {"locked": _("locked"), "unlocked": _("unlocked")}


def applications_pending() -> QuerySet[AccessApplication]:
    return (
        AccessApplication.objects.filter(status=AccessApplication.Status.PENDING)
        .select_related("applicant", "applied_by", "municipality")
        .prefetch_related("client_groups")
        .order_by("applied_at")
    )


@dataclass(frozen=True)
class GrantFilter:
    """Narrow the grant lists: words of a person's name or user name, a municipality, a group."""

    text: str = ""
    municipality: Municipality | None = None
    client_group: ClientGroup | None = None


def grants_by_state(
    *, at: datetime.datetime | None = None, only: GrantFilter | None = None
) -> dict[str, QuerySet[AccessGrant]]:
    """Current grants, those ending within 30 days, and those that have ended or been revoked."""
    at = at or timezone.now()
    grants = _filtered(
        AccessGrant.objects.select_related(
            "grantee", "municipality", "granted_by", "revoked_by"
        ).prefetch_related("client_groups"),
        only or GrantFilter(),
    )
    in_force = Q(valid_from__lte=at, valid_until__gt=at, revoked_at__isnull=True)
    return {
        "current": grants.filter(in_force, valid_until__gt=at + ENDING_SOON).order_by(
            "grantee__last_name", "valid_until", "pk"
        ),
        "ending_soon": grants.filter(in_force, valid_until__lte=at + ENDING_SOON).order_by(
            "valid_until", "pk"
        ),
        "ended": grants.filter(Q(valid_until__lte=at) | Q(revoked_at__isnull=False)).order_by(
            "-valid_until", "-pk"
        ),
    }


def _filtered(grants: QuerySet[AccessGrant], only: GrantFilter) -> QuerySet[AccessGrant]:
    grants = grants.filter(_name_matches(only.text, prefix="grantee__"))
    if only.municipality is not None:
        grants = grants.filter(municipality=only.municipality)
    if only.client_group is not None:
        # A subquery, not a join: a grant covering the group once is listed once.
        grants = grants.filter(
            pk__in=AccessGrant.client_groups.through.objects.filter(
                clientgroup=only.client_group
            ).values("accessgrant")
        )
    return grants


def _name_matches(text: str, *, prefix: str = "") -> Q:
    """Every word found in the first name, last name or user name."""
    condition = Q()
    for word in text.split():
        condition &= (
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}username__icontains": word})
        )
    return condition


def users_matching(text: str = "") -> QuerySet[User]:
    return User.objects.filter(_name_matches(text)).order_by("last_name", "first_name", "pk")


def agreements_of(user: User) -> QuerySet[WorkerAgreement]:
    return user.agreements.select_related("municipality")


def applications_of(user: User) -> QuerySet[AccessApplication]:
    return user.applications.select_related(
        "applied_by", "decided_by", "municipality"
    ).prefetch_related("client_groups")


def grants_of(user: User) -> QuerySet[AccessGrant]:
    return user.grants.select_related("granted_by", "revoked_by", "municipality").prefetch_related(
        "client_groups"
    )


def change_history_of(user: User) -> QuerySet[LogEntry]:
    """The change history of the user, their agreements, applications and grants, newest first."""
    owned = {
        User: [user.pk],
        WorkerAgreement: user.agreements.values("pk"),
        AccessApplication: user.applications.values("pk"),
        AccessGrant: user.grants.values("pk"),
    }
    condition = Q()
    for model, pks in owned.items():
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=pks)
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


@dataclass(frozen=True)
class Change:
    """One field of one history entry: its label and the values before and after.

    For a many-to-many field, `added` or `removed` lists the objects instead.
    """

    field: str
    old: str = ""
    new: str = ""
    added: str = ""
    removed: str = ""


@dataclass(frozen=True)
class HistoryLine:
    entry: LogEntry
    subject: str
    action: str
    changes: list[Change]


HISTORY_ACTIONS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("viewed"),
}


def history_lines(entries) -> list[HistoryLine]:
    return [
        HistoryLine(
            entry=entry,
            subject=str(entry.content_type.model_class()._meta.verbose_name),
            action=str(HISTORY_ACTIONS.get(entry.action, entry.action)),
            changes=changes_of(entry),
        )
        for entry in entries
    ]


def changes_of(entry: LogEntry) -> list[Change]:
    """The fields an entry changed, readable: choices and references by name, m2m as lists."""
    model = entry.content_type.model_class()
    shown = entry.changes_display_dict  # choices, dates and references made readable
    changes = []
    for name, values in entry.changes_dict.items():
        if name == SIGN_IN_LOCK:
            old, new = (SIGN_IN_LOCK_STATES.get(value, value) for value in values)
            changes.append(Change(str(_("sign-in lock")), old=str(old), new=str(new)))
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            label = name
        else:
            if field.auto_created and not field.concrete:
                continue  # auditlog also notes reverse relations on creation, always as None
            label = field.verbose_name
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation", "objects"}
            objects = ", ".join(values.get("objects", []))
            if values.get("operation") == "delete":
                changes.append(Change(str(label), removed=objects))
            else:
                changes.append(Change(str(label), added=objects))
            continue
        old, new = shown.get(label, values)
        changes.append(Change(str(label), old=_none_as_empty(old), new=_none_as_empty(new)))
    return changes


def _none_as_empty(value) -> str:
    return "" if value in (None, "None") else str(value)


@dataclass(frozen=True)
class LockedAccount:
    username: str
    failures: int
    last_failure_at: datetime.datetime
    recent_failures: list[AccessFailureLog]


def locked_usernames(*, at: datetime.datetime | None = None) -> list[str]:
    """User names django-axes refuses now: enough failures within the cool-off."""
    return [row["username"] for row in _locks(at)]


def locked_accounts(*, at: datetime.datetime | None = None) -> list[LockedAccount]:
    at = at or timezone.now()
    locks = list(_locks(at))
    failures = AccessFailureLog.objects.filter(
        username__in=[row["username"] for row in locks],
        attempt_time__gte=at - settings.AXES_COOLOFF_TIME,
    ).order_by("-attempt_time")
    by_username: dict[str, list[AccessFailureLog]] = {}
    for failure in failures:
        by_username.setdefault(failure.username, []).append(failure)
    return [
        LockedAccount(
            username=row["username"],
            failures=row["failures"],
            last_failure_at=row["last_failure_at"],
            # The failures that count towards this lock; older ones were before an unlock.
            recent_failures=by_username.get(row["username"], [])[: row["failures"]],
        )
        for row in locks
    ]


def _locks(at: datetime.datetime | None):
    at = at or timezone.now()
    return (
        AccessAttempt.objects.filter(attempt_time__gte=at - settings.AXES_COOLOFF_TIME)
        .exclude(username__isnull=True)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_failure_at=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )
