"""Personas shared by the whole suite: one member of staff per role, people with none, and a
case worker with a grant among clients who pass or fail the access rule."""

from dataclasses import dataclass

import pytest
from django.test import Client as PasswordOnlyClient

from access.models import AccessGrant, User
from access.roles import Role
from clients.models import Client
from tests.factories import (
    AccessGrantFactory,
    ClientFactory,
    MunicipalityFactory,
    ReferralFactory,
    ServiceNeedFactory,
    UserFactory,
    WorkerAgreementFactory,
    complete_client,
)
from tests.sign_in import SignedInClient


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories make many users; the real hasher's deliberate slowness would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client():
    return SignedInClient()


@pytest.fixture
def password_only_client():
    return PasswordOnlyClient()


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


@dataclass
class Setting:
    """A case worker granted Joensuu's Ohjaamo youth group, and clients around them."""

    worker: User
    openable: Client  # every condition holds
    without_consent: Client  # in the worker's municipality and group, but no consent
    elsewhere: Client  # complete, but in a municipality outside the worker's grants


@pytest.fixture
def setting(db):
    joensuu = MunicipalityFactory(code="167")
    worker = UserFactory(username="worker", roles=[Role.CASE_WORKER])
    WorkerAgreementFactory(worker=worker, municipality=joensuu)
    AccessGrantFactory(grantee=worker, municipality=joensuu, authority=AccessGrant.Authority.RECORD)
    without_consent = ClientFactory(home_municipality=joensuu, last_name="Suostumukseton")
    ReferralFactory(client=without_consent)
    ServiceNeedFactory(client=without_consent)
    return Setting(
        worker=worker,
        openable=complete_client(home_municipality=joensuu, last_name="Avattava"),
        without_consent=without_consent,
        elsewhere=complete_client(
            home_municipality=MunicipalityFactory(code="426"), last_name="Muualla"
        ),
    )


@pytest.fixture
def worker_client(client, setting):
    """The test client, signed in as the setting's worker."""
    client.force_login(setting.worker)
    return client
