"""Personas shared by the whole suite: one member of staff per role, and people with none."""

import pytest

from access.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def case_worker(db):
    return UserFactory(username="worker", roles=[Role.CASE_WORKER])


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor", roles=[Role.SUPERVISOR])


@pytest.fixture
def access_admin(db):
    return UserFactory(username="admin", roles=[Role.ACCESS_ADMIN])


@pytest.fixture
def outsider(db):
    """Signed in, but holds no role at all."""
    return UserFactory(username="outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="maintainer", is_superuser=True, is_staff=True)
