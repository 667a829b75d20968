"""`manage.py load_demo_data` gives a development machine one person per role to sign in as."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate as django_authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from access.models import User
from access.scope import municipalities_overseen_by, municipalities_served_by
from demo.users import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

EXPECTED_ROLES = {
    "ohjaaja": ["case_worker"],
    "valmentaja": ["case_worker"],
    "esihenkilo": ["supervisor"],
    "paakayttaja": ["access_admin"],
    "virkailija": ["labour_official"],
    "yllapito": [],
}


def load_demo_data() -> str:
    output = StringIO()
    call_command("load_demo_data", stdout=output)
    return output.getvalue()


def snapshot() -> dict:
    """Everything about the users that a second run must leave as it was."""
    return {
        user.username: (
            user.password,
            user.is_superuser,
            user.is_staff,
            user.first_name,
            user.last_name,
            user.organisation,
            sorted(user.groups.values_list("name", flat=True)),
        )
        for user in User.objects.all()
    }


def test_each_role_gets_its_demo_users():
    output = load_demo_data()

    roles = {
        user.username: sorted(user.groups.values_list("name", flat=True))
        for user in User.objects.all()
    }
    assert roles == EXPECTED_ROLES
    assert "6 users created" in output


def test_only_the_maintenance_user_is_a_superuser():
    load_demo_data()

    superusers = User.objects.filter(is_superuser=True)
    assert list(superusers.values_list("username", flat=True)) == ["yllapito"]
    assert superusers.get().is_staff
    assert not User.objects.filter(is_superuser=False, is_staff=True).exists()


@pytest.mark.parametrize("username", EXPECTED_ROLES)
def test_each_demo_user_signs_in_with_the_demo_password(username):
    load_demo_data()

    assert authenticate(username=username, password=DEMO_PASSWORD) == User.objects.get(
        username=username
    )
    assert authenticate(username=username, password="wrong-password") is None


def test_the_demo_supervisor_oversees_joensuu_and_liperi_and_only_the_official_serves():
    load_demo_data()

    supervisor = User.objects.get(username="esihenkilo")
    assert sorted(m.code for m in municipalities_overseen_by(supervisor)) == ["167", "426"]
    assert not any(
        municipalities_served_by(user).exists()
        for user in User.objects.exclude(username="virkailija")
    )
    assert not any(
        municipalities_overseen_by(user).exists() for user in User.objects.exclude(pk=supervisor.pk)
    )


def test_second_run_changes_nothing():
    load_demo_data()
    before = snapshot()
    memberships_before = User.groups.through.objects.count()

    output = load_demo_data()

    assert snapshot() == before
    assert User.groups.through.objects.count() == memberships_before
    assert "0 users created, 6 present" in output
    assert "Demo scope: 0 municipality permissions added." in output


def test_second_run_leaves_a_changed_password_alone():
    """An existing user's password is never checked or reset: that would cost a hash each run."""
    load_demo_data()
    user = User.objects.get(username="ohjaaja")
    user.set_password("something-else-entirely")
    user.save()

    load_demo_data()

    assert authenticate(username="ohjaaja", password="something-else-entirely") == user


def test_demo_data_is_refused_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="never loaded in production"):
        load_demo_data()

    assert not User.objects.exists()


def authenticate(**credentials):
    """Sign-in as the sign-in page does it: with a request, as the lockout guard requires."""
    return django_authenticate(request=RequestFactory().post("/sign-in/"), **credentials)


def test_the_demo_official_serves_joensuu_and_liperi():
    load_demo_data()

    official = User.objects.get(username="virkailija")
    assert sorted(municipalities_served_by(official).values_list("code", flat=True)) == [
        "167",
        "426",
    ]
