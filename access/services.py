"""Changing access rights. Each takes the acting administrator; nothing is deleted.

The access policy reads grants and agreements at the moment of every request, so what these
functions write takes effect on the worker's very next request, in every open session.
"""

import calendar
import datetime
from dataclasses import dataclass

from auditlog.context import set_actor
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from access.models import AccessApplication, AccessGrant, AccessScope, User, WorkerAgreement
from access.selectors import locked_usernames
from audit.actions import Action
from audit.services import change_record
from clients.models import ClientGroup, Municipality
from sign_in.throttle import username_unblock

# Either party may terminate a worker agreement in writing with two weeks' notice (seed 000 §9).
AGREEMENT_NOTICE_PERIOD = datetime.timedelta(days=14)


class AccessChangeRefused(Exception):
    """The change is not allowed; the (translated) message says why, for the administrator."""


@dataclass(frozen=True)
class GrantScope:
    """What an application asks for, or what a decision grants."""

    municipality: Municipality
    client_groups: tuple[ClientGroup, ...]
    authority: str
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    # Whether the right covers health and work-ability data (a section of its own).
    health_data: bool = False


@transaction.atomic
def access_application_submit(
    *, actor: User, applicant: User, scope: GrantScope, tasks: str
) -> AccessApplication:
    """Apply for an access right, for oneself or, as their manager, for a worker."""
    _check_scope(scope)
    if not tasks.strip():
        raise AccessChangeRefused(_("Describe the tasks that need the access."))
    with set_actor(actor):
        application = AccessApplication.objects.create(
            applicant=applicant,
            applied_by=actor,
            municipality=scope.municipality,
            authority=scope.authority,
            health_data=scope.health_data,
            valid_from=scope.valid_from,
            valid_until=scope.valid_until,
            tasks=tasks.strip(),
        )
        application.client_groups.set(scope.client_groups)
    change_record(actor=actor, action=Action.APPLICATION_SUBMITTED, target=application)
    return application


@transaction.atomic
def access_application_approve(
    *, actor: User, application: AccessApplication, granted: GrantScope, reason: str = ""
) -> AccessGrant:
    """Approve, possibly narrowing the scope or shortening the time; the grant is created."""
    application = _pending(application, actor)
    _check_scope(granted)
    _check_within(
        granted,
        application,
        _("A decision may narrow or shorten what was applied for, but not widen it."),
    )
    with set_actor(actor):
        grant = AccessGrant.objects.create(
            grantee=application.applicant,
            municipality=granted.municipality,
            authority=granted.authority,
            health_data=granted.health_data,
            valid_from=granted.valid_from,
            valid_until=granted.valid_until,
            reason=application.tasks,
            granted_by=actor,
        )
        grant.client_groups.set(granted.client_groups)
        _decide(application, actor, AccessApplication.Status.APPROVED, reason, grant=grant)
    change_record(actor=actor, action=Action.APPLICATION_APPROVED, target=application)
    change_record(
        actor=actor,
        action=Action.GRANT_APPROVED,
        target=grant,
        details={"application": application.pk},
    )
    return grant


@transaction.atomic
def access_application_reject(
    *, actor: User, application: AccessApplication, reason: str
) -> AccessApplication:
    application = _pending(application, actor)
    if not reason.strip():
        raise AccessChangeRefused(_("A rejection needs a reason."))
    with set_actor(actor):
        _decide(application, actor, AccessApplication.Status.REJECTED, reason)
    change_record(actor=actor, action=Action.APPLICATION_REJECTED, target=application)
    return application


def _pending(application: AccessApplication, actor: User) -> AccessApplication:
    application = AccessApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != AccessApplication.Status.PENDING:
        raise AccessChangeRefused(_("The application has already been decided."))
    if actor.pk in (application.applicant_id, application.applied_by_id):
        raise AccessChangeRefused(
            _("Nobody may decide on their own application or grant access to themselves.")
        )
    return application


def _decide(application, actor, status, reason, grant=None) -> None:
    application.status = status
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_reason = reason.strip()
    application.grant = grant
    application.save()


def _check_scope(scope: GrantScope) -> None:
    if not scope.client_groups:
        raise AccessChangeRefused(_("Choose at least one client group."))
    if scope.valid_until <= scope.valid_from:
        raise AccessChangeRefused(_("The end must come after the start."))
    if scope.valid_until > _months_later(scope.valid_from, settings.GRANT_MAX_MONTHS):
        raise AccessChangeRefused(
            _("An access right lasts at most %(months)d months.")
            % {"months": settings.GRANT_MAX_MONTHS}
        )


def _check_within(narrower: GrantScope, wider: AccessScope, refusal: str | Promise) -> None:
    """`narrower` may drop groups, lower the authority, drop health data or cover less time,
    never more."""
    wider_groups = set(wider.client_groups.values_list("pk", flat=True))
    authority_widened = (
        narrower.authority == AccessGrant.Authority.RECORD
        and wider.authority == AccessGrant.Authority.VIEW
    )
    if (
        narrower.municipality.pk != wider.municipality_id
        or not {group.pk for group in narrower.client_groups} <= wider_groups
        or authority_widened
        or (narrower.health_data and not wider.health_data)
        or narrower.valid_from < wider.valid_from
        or narrower.valid_until > wider.valid_until
    ):
        raise AccessChangeRefused(refusal)


def _months_later(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same time of day `months` later; the 31st becomes the month's last day if needed."""
    local = timezone.localtime(moment)
    year, month = divmod(local.month - 1 + months, 12)
    year += local.year
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


@transaction.atomic
def grant_revoke(
    *, actor: User, grant: AccessGrant, reason: str, at: datetime.datetime | None = None
) -> AccessGrant:
    """Revoke a grant at `at` (now). The grant row stays, with who revoked it, when and why."""
    at = at or timezone.now()
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if not reason.strip():
        raise AccessChangeRefused(_("A revocation needs a reason."))
    _check_live(grant, at)
    return _revoke(grant, actor=actor, at=at, reason=reason.strip())


def _revoke(
    grant: AccessGrant,
    *,
    actor: User,
    at: datetime.datetime,
    reason: str = "",
    cause: str = AccessGrant.RevocationCause.DECISION,
) -> AccessGrant:
    grant.revoked_at = at
    grant.revoked_by = actor
    grant.revocation_reason = reason
    grant.revocation_cause = cause
    with set_actor(actor):  # the change history names the actor, also outside a request
        grant.save(
            update_fields=["revoked_at", "revoked_by", "revocation_reason", "revocation_cause"]
        )
    change_record(
        actor=actor, action=Action.GRANT_REVOKED, target=grant, at=at, details={"cause": cause}
    )
    return grant


def _check_live(grant: AccessGrant, at: datetime.datetime) -> None:
    if grant.revoked_at is not None:
        raise AccessChangeRefused(_("The access right has already been revoked."))
    if grant.valid_until <= at:
        raise AccessChangeRefused(_("The access right has already ended."))


@transaction.atomic
def grant_change(
    *,
    actor: User,
    grant: AccessGrant,
    changed: GrantScope,
    reason: str,
    at: datetime.datetime | None = None,
) -> AccessGrant:
    """Narrow a grant that no longer matches its purpose: fewer groups, less authority, no health
    data, less time.

    A right is granted only on application, so a change never widens or lengthens it: for more,
    the worker applies again. The reason is kept with the change in the grant's history.
    """
    at = at or timezone.now()
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if actor.pk == grant.grantee_id:
        raise AccessChangeRefused(_("Nobody may change their own access right."))
    _check_live(grant, at)
    if not reason.strip():
        raise AccessChangeRefused(_("A change needs a reason."))
    _check_scope(changed)
    _check_within(
        changed,
        grant,
        _(
            "A change may narrow an access right or end it sooner, but not widen or lengthen "
            "it. For more, the worker applies again."
        ),
    )
    _check_change_in_time(grant, changed, at)
    with set_actor(actor):
        changed_fields = _save_scope(grant, changed)
    change_record(
        actor=actor,
        action=Action.GRANT_CHANGED,
        target=grant,
        at=at,
        details={"reason": reason.strip(), "fields": changed_fields},
    )
    return grant


def _check_change_in_time(grant: AccessGrant, changed: GrantScope, at: datetime.datetime) -> None:
    if changed.valid_until <= at:
        raise AccessChangeRefused(
            _("The new end must be in the future. To end the access right now, revoke it.")
        )
    if changed.valid_from != grant.valid_from and grant.valid_from <= at:
        raise AccessChangeRefused(
            _("The first day of an access right already in force cannot be moved.")
        )


def _save_scope(grant: AccessGrant, changed: GrantScope) -> list[str]:
    """Write only what changed, so the history shows exactly that; refuse a change of nothing.

    Returns the names of the fields changed.
    """
    fields = {
        name: getattr(changed, name)
        for name in ("authority", "health_data", "valid_from", "valid_until")
        if getattr(changed, name) != getattr(grant, name)
    }
    groups = {group.pk for group in changed.client_groups}
    groups_changed = groups != set(grant.client_groups.values_list("pk", flat=True))
    if not fields and not groups_changed:
        raise AccessChangeRefused(_("Nothing was changed."))
    if fields:
        for name, value in fields.items():
            setattr(grant, name, value)
        grant.save(update_fields=list(fields))
    if groups_changed:
        grant.client_groups.set(changed.client_groups)
    return sorted(fields) + (["client_groups"] if groups_changed else [])


@transaction.atomic
def agreement_record(
    *,
    actor: User,
    worker: User,
    employment_area: str,
    municipality: Municipality,
    signed_on: datetime.date,
) -> WorkerAgreement:
    """Record a signed worker agreement: in force from signing until further notice."""
    if signed_on > timezone.localdate():
        raise AccessChangeRefused(_("The agreement cannot be signed in the future."))
    if not employment_area.strip():
        raise AccessChangeRefused(_("Name the employment area."))
    if not worker.is_active:
        raise AccessChangeRefused(_("The user's account is not in use."))
    _check_not_own(actor, worker)
    with set_actor(actor):
        agreement = WorkerAgreement.objects.create(
            worker=worker,
            employment_area=employment_area.strip(),
            municipality=municipality,
            signed_on=signed_on,
        )
    change_record(actor=actor, action=Action.AGREEMENT_RECORDED, target=agreement)
    return agreement


@transaction.atomic
def agreement_terminate(
    *, actor: User, agreement: WorkerAgreement, notice_given_on: datetime.date
) -> WorkerAgreement:
    """Record a written termination: the agreement ends two weeks after the notice, at midnight."""
    agreement = WorkerAgreement.objects.select_for_update().get(pk=agreement.pk)
    _check_not_own(actor, agreement.worker)
    if notice_given_on > timezone.localdate():
        raise AccessChangeRefused(_("A notice cannot be dated in the future."))
    if notice_given_on < agreement.signed_on:
        raise AccessChangeRefused(_("A notice cannot come before the agreement was signed."))
    ends_at = _start_of_day(notice_given_on + AGREEMENT_NOTICE_PERIOD)
    if agreement.ends_at is not None and agreement.ends_at <= ends_at:
        raise AccessChangeRefused(_("The agreement already ends by then."))
    agreement.ends_at = ends_at
    with set_actor(actor):
        agreement.save(update_fields=["ends_at"])
    change_record(
        actor=actor,
        action=Action.AGREEMENT_TERMINATED,
        target=agreement,
        details={"notice_given_on": notice_given_on.isoformat()},
    )
    return agreement


@transaction.atomic
def agreement_end_for_changed_duties(
    *, actor: User, agreement: WorkerAgreement, at: datetime.datetime | None = None
) -> WorkerAgreement:
    """The worker no longer works in these services: the agreement and all their grants end now.

    The agreement lapses by itself when duties change (seed 000 §9), so nothing waits for notice.
    """
    at = at or timezone.now()
    agreement = WorkerAgreement.objects.select_for_update().get(pk=agreement.pk)
    _check_not_own(actor, agreement.worker)
    if agreement.ends_at is None or agreement.ends_at > at:
        agreement.ends_at = at
        with set_actor(actor):
            agreement.save(update_fields=["ends_at"])
        change_record(actor=actor, action=Action.AGREEMENT_ENDED, target=agreement, at=at)
    live_grants = AccessGrant.objects.live(at).filter(grantee=agreement.worker)
    for grant in live_grants.select_for_update():
        _revoke(grant, actor=actor, at=at, cause=AccessGrant.RevocationCause.DUTIES_CHANGED)
    return agreement


def _check_not_own(actor: User, worker: User) -> None:
    """An agreement opens access: nobody records, terminates or ends their own."""
    if actor.pk == worker.pk:
        raise AccessChangeRefused(_("Nobody records or ends their own worker agreement."))


def _start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in Finnish time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@transaction.atomic
def account_unlock(*, actor: User, username: str) -> int:
    """Lift django-axes' lock on an account at once; the user's history says who lifted it."""
    # axes' reset() without a user name would reset every account's failures, so ask first.
    if not username or username not in locked_usernames():
        raise AccessChangeRefused(_("The account is not locked."))
    removed = axes_reset(username=username)
    username_unblock(username)
    # A made-up user name can be locked too: then the event names no account.
    user = User.objects.filter(username=username).first()
    change_record(
        actor=actor,
        action=Action.ACCOUNT_UNLOCKED,
        target=user,
        details={"username": username, "failures_cleared": removed},
    )
    return removed
