"""A supervisor of Joensuu, a worker of Joensuu, a worker of Liperi, and events of theirs."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from access.models import User
from access.roles import Role
from access.scope import OVERSEE
from audit.actions import Action
from audit.models import AccessEvent
from tests.factories import MunicipalityFactory, UserFactory, WorkerAgreementFactory


def supervisor_of(municipality) -> User:
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    assign_perm(OVERSEE, supervisor, municipality)
    return supervisor


def event_of(actor: User, **fields) -> AccessEvent:
    """An event of `actor`'s as the door would have written it; `fields` override the defaults."""
    values = {
        "actor": actor,
        "actor_username": actor.username,
        "actor_name": actor.get_full_name(),
        "action": Action.CLIENT_VIEWED,
        "decision": AccessEvent.Decision.ALLOWED,
        "occurred_at": timezone.now(),
        "session_hash": f"session-of-{actor.username}",
    } | fields
    return AccessEvent.objects.create(**values)


@dataclass
class Office:
    supervisor: User
    worker: User  # of Joensuu, overseen
    colleague: User  # of Joensuu, overseen
    stranger: User  # of Liperi, not overseen
    client: object  # the setting's openable client


@pytest.fixture
def office(setting) -> Office:
    joensuu = MunicipalityFactory(code="167")
    colleague = UserFactory(username="kollega", roles=[Role.CASE_WORKER])
    WorkerAgreementFactory(worker=colleague, municipality=joensuu)
    stranger = UserFactory(username="liperilainen", roles=[Role.CASE_WORKER])
    WorkerAgreementFactory(worker=stranger, municipality=MunicipalityFactory(code="426"))
    return Office(
        supervisor=supervisor_of(joensuu),
        worker=setting.worker,
        colleague=colleague,
        stranger=stranger,
        client=setting.openable,
    )


@pytest.fixture
def supervising(client, office):
    """The test client, signed in as the office's supervisor."""
    client.force_login(office.supervisor)
    return client


def days_ago(days: int, hour: int = 12) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
