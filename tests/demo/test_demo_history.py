"""The demo's work history: explained looks every working day, and one night look that the
screening finds, waiting for the demo supervisor (demo/history.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from access.models import User
from audit.actions import Action
from audit.models import AccessEvent
from demo.history import NIGHT_LOOKER, demo_history_load
from review import rules
from review.models import Alert, Case
from review.screening import rules_in_force
from review.selectors import workers_overseen_by

pytestmark = [pytest.mark.django_db, pytest.mark.rule("000-8-review")]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded():
    call_command("load_demo_data", stdout=StringIO())


def test_the_night_look_is_the_one_case_the_supervisor_finds(loaded):
    case = Case.objects.get()
    alerts = set(case.alerts.values_list("rule", flat=True))

    assert case.worker.username == NIGHT_LOOKER
    assert alerts == {rules.OUT_OF_HOURS, rules.UNSERVED}
    night = AccessEvent.objects.get(pk__in=Alert.objects.values("events"))
    assert night.action == Action.CLIENT_VIEWED and night.client is not None
    supervisor = User.objects.get(username="esihenkilo")
    assert workers_overseen_by(supervisor).filter(pk=case.worker_id).exists()


def test_every_rule_is_switched_on_by_the_demo_supervisor(loaded):
    assert set(rules_in_force()) == set(rules.RULES_BY_CODE)
    changed = AccessEvent.objects.filter(action=Action.RULE_CHANGED)
    assert {event.actor.username for event in changed} == {"esihenkilo"}


def test_a_second_load_adds_no_history_and_no_alert(loaded):
    events, alerts = AccessEvent.objects.count(), Alert.objects.count()

    assert demo_history_load() == 0
    assert (AccessEvent.objects.count(), Alert.objects.count()) == (events, alerts)
