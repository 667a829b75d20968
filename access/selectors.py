import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from access.models import (
    AccessApplication,
    AccessGrant,
    AccessGrantQuerySet,
    User,
    WorkerAgreement,
)
from access.roles import Role
from audit.history import DetailLabels, HistoryLine, ValueLabels, history_of
from clients.models import ClientGroup, Municipality
from sign_in.throttle import blocked_usernames

ENDING_SOON = datetime.timedelta(days=30)


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
    in_force = grants.in_force(at)
    return {
        "current": in_force.filter(valid_until__gt=at + ENDING_SOON).order_by(
            "grantee__last_name", "valid_until", "pk"
        ),
        "ending_soon": in_force.filter(valid_until__lte=at + ENDING_SOON).order_by(
            "valid_until", "pk"
        ),
        "ended": grants.filter(Q(valid_until__lte=at) | Q(revoked_at__lte=at)).order_by(
            "-valid_until", "-pk"
        ),
    }


def _filtered(grants: AccessGrantQuerySet, only: GrantFilter) -> AccessGrantQuerySet:
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


def grants_of(user: User) -> AccessGrantQuerySet:
    return user.grants.select_related("granted_by", "revoked_by", "municipality").prefetch_related(
        "client_groups"
    )


def change_history_of(user: User) -> list[HistoryLine]:
    """The history of the user, their agreements, applications and grants, newest first.

    Typed events (who granted, revoked, reset, unlocked) and field-level diffs, readable.
    """
    objects = [
        user,
        *user.agreements.all(),
        *user.applications.all(),
        *user.grants.select_related("grantee", "municipality"),
    ]
    return history_of(objects, value_labels=VALUE_LABELS, detail_labels=DETAIL_LABELS)


def _role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code


def _fields_label(names: list[str]) -> tuple[str, str]:
    labels = [
        str(getattr(AccessGrant._meta.get_field(name), "verbose_name", name)) for name in names
    ]
    return str(_("Changed")), ", ".join(labels)


def _added_removed(labels: list[str] | dict) -> str:
    """A list as it is; {"added": [...], "removed": [...]} as "added: a, b; removed: c"."""
    if isinstance(labels, list):
        return ", ".join(labels) or str(_("none"))
    parts = [
        f"{heading}: {', '.join(labels[key])}"
        for key, heading in (("added", _("added")), ("removed", _("removed")))
        if labels[key]
    ]
    return "; ".join(parts)


def _roles_detail(value: list[str] | dict) -> tuple[str, str]:
    named = (
        [_role_label(code) for code in value]
        if isinstance(value, list)
        else {key: [_role_label(code) for code in codes] for key, codes in value.items()}
    )
    return str(_("Roles")), _added_removed(named)


def _municipalities_detail(label):
    def detail(value: list[str] | dict) -> tuple[str, str]:
        codes = value if isinstance(value, list) else [*value["added"], *value["removed"]]
        names = {m.code: m.name for m in Municipality.objects.filter(code__in=codes)}

        def named(some: list[str]) -> list[str]:
            return [names.get(code, code) for code in some]

        shown = (
            named(value)
            if isinstance(value, list)
            else {key: named(codes) for key, codes in value.items()}
        )
        return str(label), _added_removed(shown)

    return detail


VALUE_LABELS: ValueLabels = {"groups": _role_label}
DETAIL_LABELS: DetailLabels = {
    "roles": _roles_detail,
    "served": _municipalities_detail(_("Municipalities served")),
    "overseen": _municipalities_detail(_("Municipalities overseen")),
    "sessions_ended": lambda count: (str(_("Sessions ended")), str(count)),
    "identity_code_hash_kept": lambda kept: (
        str(_("Identity code recorded")),
        str(_("yes") if kept else _("no")),
    ),
    "reason": lambda text: (str(_("Reason for the change")), text),
    "fields": _fields_label,
    "cause": lambda code: (
        str(_("Cause")),
        str(AccessGrant.RevocationCause(code).label),
    ),
    "notice_given_on": lambda day: (
        str(_("Written notice given on")),
        date_format(datetime.date.fromisoformat(day), "SHORT_DATE_FORMAT"),
    ),
}


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


def _locks(at: datetime.datetime | None) -> list[dict]:
    """Each locked user name with its failures within the cool-off and the last one's time.

    django-axes locks the pair (user name, address): a name is locked when one of its addresses
    is. The spread throttle (sign_in/throttle.py) locks a name failing from many addresses.
    """
    at = at or timezone.now()
    since = at - settings.AXES_COOLOFF_TIME
    pairs = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(username__isnull=True)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure_at=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    locks: dict[str, dict] = {}
    for pair in pairs:
        lock = locks.setdefault(
            pair["username"],
            {
                "username": pair["username"],
                "failures": 0,
                "last_failure_at": pair["last_failure_at"],
            },
        )
        lock["failures"] += pair["failures"]
        lock["last_failure_at"] = max(lock["last_failure_at"], pair["last_failure_at"])
    for username in blocked_usernames(at=at) - locks.keys():
        failures = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
        locks[username] = {
            "username": username,
            "failures": failures.count(),
            "last_failure_at": failures.aggregate(last=Max("attempt_time"))["last"] or at,
        }
    return [locks[username] for username in sorted(locks)]


def staff_accounts(*, active: bool | None = None, role: str = "") -> QuerySet[User]:
    """Staff accounts for the administrators' list, maintainers (superusers) left out."""
    accounts = User.objects.filter(is_superuser=False)
    if active is not None:
        accounts = accounts.filter(is_active=active)
    if role:
        accounts = accounts.filter(groups__name=role)
    return accounts.prefetch_related("groups").order_by("last_name", "first_name", "pk")
