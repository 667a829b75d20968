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
from tests.rules import (
    RULES_NODE_ID,
    Problem,
    RulesTableError,
    collects_whole_suite,
    load_rules,
    rule_ids_of,
    rule_problems,
)
from tests.sign_in import SignedInClient


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories make many users; the real hasher's deliberate slowness would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def log_key_file(tmp_path_factory):
    """One signing key for the whole run: the suite never touches a developer's var/."""
    return tmp_path_factory.mktemp("log-key") / "log-signing.key"


@pytest.fixture(autouse=True)
def log_outside_the_database(settings, log_key_file, tmp_path_factory):
    """Each test signs with the run's key, into a trust-anchor file of its own, and runs tasks
    at once (the worker is a separate process in production)."""
    from audit.checkpoints import signing_key

    settings.LOG_SIGNING_KEY_FILE = str(log_key_file)
    settings.LOG_CHECKPOINT_FILE = str(tmp_path_factory.mktemp("anchor") / "checkpoints.txt")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    signing_key.cache_clear()
    yield
    signing_key.cache_clear()


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
def labour_official(db):
    """Of the labour authority; serves no municipality until a test gives them one."""
    return UserFactory(username="official", roles=[Role.LABOUR_OFFICIAL])


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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """Hold docs/rules.md and the tests' `@pytest.mark.rule(...)` markers to each other.

    A test naming a rule id the table lacks fails every run. A rule marked implemented or
    partly that no test names fails only a run that collects the whole suite: one whose path
    arguments name tests/ or a folder above it (a plain `pytest` from the project's root, which
    gets tests/ from `testpaths`), with no --ignore. A run of one file or folder, or of node ids,
    checks only the ids it collected. This runs first, before -k, -m and --deselect drop items,
    so `-m "not browser"` still counts the browser tests' markers.
    Each problem is reported as a collection error, which stops the run before any test runs.
    """
    try:
        states = {rule_id: rule.state for rule_id, rule in load_rules().items()}
    except (OSError, RulesTableError) as error:
        problems = [Problem(RULES_NODE_ID, str(error))]
    else:
        # --last-failed and --stepwise narrow the items before this hook sees them.
        narrowed = any(
            config.getoption(name, default=None)
            for name in ("ignore", "ignore_glob", "lf", "stepwise")
        )
        whole_suite = not narrowed and collects_whole_suite(
            config.args, invocation_dir=config.invocation_params.dir
        )
        problems = rule_problems(
            states, [(item.nodeid, rule_ids_of(item)) for item in items], whole_suite=whole_suite
        )
    for problem in problems:
        report = pytest.CollectReport(problem.node_id, "failed", problem.message, [])
        config.hook.pytest_collectreport(report=report)
