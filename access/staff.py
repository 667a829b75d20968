"""Staff accounts: create one, set its roles and organisational scope, deactivate, reactivate.

Each service takes the acting access administrator, checks its rule (raising StaffChangeRefused
with a stable code), makes the change and writes its one typed event in the same transaction.
The roles are Django groups (access.roles); the organisational scope is django-guardian object
permissions on Municipality (access.scope). No account ever holds a person's identity code in
clear, only its keyed hash.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.context import set_actor
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from access.models import User
from access.roles import Role
from access.scope import OVERSEE, SERVE, scope_held_by
from audit.actions import Action
from audit.services import change_record
from clients.identity_code import identity_code_hash
from clients.models import Municipality
from sign_in.first_password import may_set_first_password
from sign_in.sessions import sessions_end


class StaffRefusal(models.TextChoices):
    """Why a change to a staff account was not made: stable codes, labels for the pages."""

    OWN_ROLES = "own_roles", _("Nobody changes their own roles or scope.")
    OWN_ACCOUNT = "own_account", _("Nobody deactivates or reactivates their own account.")
    SUPERUSER = "superuser", _("A maintainer's account is changed on the maintenance pages only.")
    USERNAME_TAKEN = "username_taken", _("The user name is already in use.")
    SERVED_WITHOUT_ROLE = (
        "served_without_role",
        _("Only a labour-authority official serves municipalities: add the role or clear them."),
    )
    OVERSEEN_WITHOUT_ROLE = (
        "overseen_without_role",
        _("Only a supervisor oversees municipalities: add the role or clear them."),
    )
    NOTHING_CHANGED = "nothing_changed", _("Nothing was changed.")
    ALREADY_INACTIVE = "already_inactive", _("The account is already out of use.")
    ALREADY_ACTIVE = "already_active", _("The account is already in use.")
    HAS_SIGNED_IN = (
        "has_signed_in",
        _("A sign-in link is only for an account in use that has never signed in."),
    )


class StaffChangeRefused(Exception):
    def __init__(self, code: StaffRefusal):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(self.code.label)


@dataclass(frozen=True)
class StaffScope:
    """What an account may do: its roles, and the municipalities it serves and oversees."""

    roles: frozenset[Role]
    served: frozenset[Municipality]
    overseen: frozenset[Municipality]

    @classmethod
    def of(
        cls,
        roles: Iterable[str],
        served: Iterable[Municipality] = (),
        overseen: Iterable[Municipality] = (),
    ) -> "StaffScope":
        return cls(frozenset(Role(r) for r in roles), frozenset(served), frozenset(overseen))

    @classmethod
    def held_by(cls, account: User) -> "StaffScope":
        names = set(account.groups.values_list("name", flat=True))
        return cls.of(
            [role for role in Role if role.value in names],
            scope_held_by(account, SERVE),
            scope_held_by(account, OVERSEE),
        )

    def summary(self) -> dict:
        """Codes only, sorted, for an event's details."""
        return {
            "roles": sorted(role.value for role in self.roles),
            "served": _codes(self.served),
            "overseen": _codes(self.overseen),
        }


@transaction.atomic
def account_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    organisation: str,
    roles: Iterable[str],
    served: Iterable[Municipality] = (),
    overseen: Iterable[Municipality] = (),
    identity_code: str | None = None,
) -> User:
    """Create an account without a usable password; the person sets one from a sign-in link.

    `identity_code`, when given, is already validated; only its keyed hash is kept.
    """
    scope = StaffScope.of(roles, served, overseen)
    if User.objects.filter(username__iexact=username).exists():
        raise StaffChangeRefused(StaffRefusal.USERNAME_TAKEN)
    _check_scope(scope)
    account = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        organisation=organisation,
        identity_code_hash=identity_code_hash(identity_code) if identity_code else "",
    )
    account.set_unusable_password()
    with set_actor(actor):
        account.save()
        _apply(account, scope, StaffScope.of([]))
    change_record(
        actor=actor,
        action=Action.ACCOUNT_CREATED,
        target=account,
        details=scope.summary() | {"identity_code_hash_kept": bool(identity_code)},
    )
    return account


@transaction.atomic
def account_change(
    *,
    actor: User,
    account: User,
    roles: Iterable[str],
    served: Iterable[Municipality] = (),
    overseen: Iterable[Municipality] = (),
) -> User:
    """Set an account's roles and scope; the event names what was added and what removed."""
    scope = StaffScope.of(roles, served, overseen)
    account = _locked(account)
    if actor.pk == account.pk:
        raise StaffChangeRefused(StaffRefusal.OWN_ROLES)
    _check_scope(scope)
    held = StaffScope.held_by(account)
    changes = _differences(held, scope)
    if not changes:
        raise StaffChangeRefused(StaffRefusal.NOTHING_CHANGED)
    with set_actor(actor):
        _apply(account, scope, held)
    change_record(actor=actor, action=Action.ACCOUNT_CHANGED, target=account, details=changes)
    return account


@transaction.atomic
def account_deactivate(*, actor: User, account: User) -> User:
    """Take an account out of use: its sessions end at once and for good."""
    account = _locked(account)
    if actor.pk == account.pk:
        raise StaffChangeRefused(StaffRefusal.OWN_ACCOUNT)
    if not account.is_active:
        raise StaffChangeRefused(StaffRefusal.ALREADY_INACTIVE)
    # Ended here, inside the change's transaction, so that the event can count them; saving the
    # inactive account ends any left as well (sign_in.sessions).
    ended = sessions_end(account)
    account.is_active = False
    with set_actor(actor):
        account.save(update_fields=["is_active"])
    change_record(
        actor=actor,
        action=Action.ACCOUNT_DEACTIVATED,
        target=account,
        details={"sessions_ended": ended},
    )
    return account


@transaction.atomic
def account_reactivate(*, actor: User, account: User) -> User:
    """Put an account back in use, with the roles and scope it had; no old session returns."""
    account = _locked(account)
    if actor.pk == account.pk:
        raise StaffChangeRefused(StaffRefusal.OWN_ACCOUNT)
    if account.is_active:
        raise StaffChangeRefused(StaffRefusal.ALREADY_ACTIVE)
    account.is_active = True
    with set_actor(actor):
        account.save(update_fields=["is_active"])
    change_record(
        actor=actor,
        action=Action.ACCOUNT_REACTIVATED,
        target=account,
        details=StaffScope.held_by(account).summary(),
    )
    return account


def check_first_password_link(*, actor: User, account: User) -> None:
    """May `actor` hand `account` a link to set its first password? Raises if not.

    Making the link changes nothing: the token is signed, not stored.
    """
    if actor.pk == account.pk:
        raise StaffChangeRefused(StaffRefusal.OWN_ACCOUNT)
    if account.is_superuser:
        raise StaffChangeRefused(StaffRefusal.SUPERUSER)
    if not may_set_first_password(account):
        raise StaffChangeRefused(StaffRefusal.HAS_SIGNED_IN)


def _locked(account: User) -> User:
    account = User.objects.select_for_update().get(pk=account.pk)
    # A maintainer's account (superuser) is above every role an administrator hands out.
    if account.is_superuser:
        raise StaffChangeRefused(StaffRefusal.SUPERUSER)
    return account


def _check_scope(scope: StaffScope) -> None:
    """Scope belongs to a role: served municipalities to an official, overseen to a supervisor."""
    if scope.served and Role.LABOUR_OFFICIAL not in scope.roles:
        raise StaffChangeRefused(StaffRefusal.SERVED_WITHOUT_ROLE)
    if scope.overseen and Role.SUPERVISOR not in scope.roles:
        raise StaffChangeRefused(StaffRefusal.OVERSEEN_WITHOUT_ROLE)


def _apply(account: User, wanted: StaffScope, held: StaffScope) -> None:
    # get_or_create: the groups come from a migration, which a test database's flush removes.
    account.groups.set(Group.objects.get_or_create(name=role.value)[0] for role in wanted.roles)
    for permission, now, then in (
        (SERVE, wanted.served, held.served),
        (OVERSEE, wanted.overseen, held.overseen),
    ):
        for municipality in now - then:
            assign_perm(permission, account, municipality)
        for municipality in then - now:
            remove_perm(permission, account, municipality)


def _differences(held: StaffScope, wanted: StaffScope) -> dict:
    """{"roles": {"added": [...], "removed": [...]}, ...} for what differs; empty if nothing."""
    pairs = {
        "roles": ({r.value for r in held.roles}, {r.value for r in wanted.roles}),
        "served": (set(_codes(held.served)), set(_codes(wanted.served))),
        "overseen": (set(_codes(held.overseen)), set(_codes(wanted.overseen))),
    }
    return {
        name: {"added": sorted(after - before), "removed": sorted(before - after)}
        for name, (before, after) in pairs.items()
        if before != after
    }


def _codes(municipalities: Iterable[Municipality]) -> list[str]:
    return sorted(municipality.code for municipality in municipalities)
