"""Demo users for trying ATMT on a development machine. Never loaded in production.

Each is enrolled in two-factor sign-in with a known key (demo/two_factor.py), so that
`manage.py demo_code USER` can print the code an authenticator app would show.
"""

from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import assign_perm

from access.models import User
from access.roles import Role
from access.scope import OVERSEE, SERVE, scope_held_by
from clients.identity_code import identity_code_hash
from clients.models import Municipality
from demo.clients import VALMENTAJA_IDENTITY_CODE
from demo.two_factor import demo_authenticator_load

DEMO_PASSWORD = "demo-atmt-2026"  # noqa: S105 - documented in the README, development only
DEMO_ORGANISATION = "Joensuun kaupunki, työllisyyspalvelut"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role | None
    superuser: bool = False
    # The person's own identity code, kept with the account as its hash: a demo client's, so
    # that the policy's refusal of a worker's own record can be seen (demo.clients).
    identity_code: str = ""


DEMO_USERS = (
    DemoUser("ohjaaja", "Aino", "Virtanen", Role.CASE_WORKER),
    DemoUser(
        "valmentaja", "Mikko", "Korhonen", Role.CASE_WORKER, identity_code=VALMENTAJA_IDENTITY_CODE
    ),
    DemoUser("esihenkilo", "Leena", "Mäkinen", Role.SUPERVISOR),
    DemoUser("paakayttaja", "Juha", "Nieminen", Role.ACCESS_ADMIN),
    DemoUser("virkailija", "Sari", "Heikkinen", Role.LABOUR_OFFICIAL),
    DemoUser("yllapito", "Ylläpito", "ATMT", None, superuser=True),
)

# Organisational scope (access.scope): the demo supervisor oversees Joensuu and Liperi, and the
# demo labour-authority official serves them.
DEMO_SCOPE = {"esihenkilo": (OVERSEE, ("167", "426")), "virkailija": (SERVE, ("167", "426"))}


@transaction.atomic
def demo_users_load() -> list[tuple[DemoUser, bool]]:
    """Create the demo users that are missing; return each with whether it was created.

    Idempotent: a second run writes nothing. An existing user's password is left alone: checking
    it would cost the hasher's deliberate second on every `make run`.
    """
    with disable_auditlog():  # seed data is not a change anybody made
        return [_demo_user_load(demo) for demo in DEMO_USERS]


def _demo_user_load(demo: DemoUser) -> tuple[DemoUser, bool]:
    user, created = User.objects.get_or_create(
        username=demo.username,
        defaults={
            "first_name": demo.first_name,
            "last_name": demo.last_name,
            "organisation": DEMO_ORGANISATION,
            "is_superuser": demo.superuser,
            "is_staff": demo.superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    # Also on a user loaded before the demo kept identity codes; never overwrites one.
    if demo.identity_code and not user.identity_code_hash:
        user.identity_code_hash = identity_code_hash(demo.identity_code)
        user.save(update_fields=["identity_code_hash"])
    if demo.role is not None:
        user.groups.add(Group.objects.get(name=demo.role.value))
    demo_authenticator_load(user)
    return demo, created


@transaction.atomic
def demo_scope_load() -> int:
    """Give the demo users their organisational scope; how many permissions were added.

    Needs the demo region's municipalities (demo.clients), so it runs after them. Idempotent.
    """
    added = 0
    with disable_auditlog():
        for username, (permission, codes) in DEMO_SCOPE.items():
            user = User.objects.get(username=username)
            held = set(scope_held_by(user, permission))
            for municipality in Municipality.objects.filter(code__in=codes):
                if municipality not in held:
                    assign_perm(permission, user, municipality)
                    added += 1
    return added
