"""The health data flag of an access right: applied for, approved or dropped, only ever removed."""

import datetime

import pytest
from django.utils import timezone

from access.forms import AccessApplicationForm
from access.models import AccessGrant
from access.services import (
    AccessChangeRefused,
    GrantScope,
    access_application_approve,
    access_application_submit,
    grant_change,
)
from tests.factories import MunicipalityFactory, UserFactory, client_group


def _scope(municipality, **changes) -> GrantScope:
    start = timezone.now() + datetime.timedelta(hours=1)
    fields = {
        "municipality": municipality,
        "client_groups": (client_group("ohjaamo_youth"),),
        "authority": AccessGrant.Authority.RECORD,
        "valid_from": start,
        "valid_until": start + datetime.timedelta(days=30),
        "health_data": True,
    } | changes
    return GrantScope(**fields)


@pytest.fixture
def applied(case_worker):
    municipality = MunicipalityFactory(code="167")
    application = access_application_submit(
        actor=case_worker,
        applicant=case_worker,
        scope=_scope(municipality),
        tasks="Työkykyarviot",
    )
    return application, municipality


def test_the_application_keeps_the_flag(applied):
    application, _ = applied

    assert application.health_data is True


@pytest.mark.parametrize("granted_flag", [True, False])
def test_an_approval_grants_or_drops_the_flag(applied, access_admin, granted_flag):
    application, municipality = applied

    grant = access_application_approve(
        actor=access_admin,
        application=application,
        granted=_scope(
            municipality,
            valid_from=application.valid_from,
            valid_until=application.valid_until,
            health_data=granted_flag,
        ),
    )

    assert grant.health_data is granted_flag


def test_an_approval_never_adds_the_flag(case_worker, access_admin):
    municipality = MunicipalityFactory(code="167")
    scope = _scope(municipality, health_data=False)
    application = access_application_submit(
        actor=case_worker, applicant=case_worker, scope=scope, tasks="Ohjaamo"
    )

    with pytest.raises(AccessChangeRefused):
        access_application_approve(
            actor=access_admin,
            application=application,
            granted=_scope(
                municipality,
                valid_from=scope.valid_from,
                valid_until=scope.valid_until,
                health_data=True,
            ),
        )
    assert not AccessGrant.objects.exists()


@pytest.fixture
def flagged_grant(applied, access_admin):
    application, municipality = applied
    return access_application_approve(
        actor=access_admin,
        application=application,
        granted=_scope(
            municipality, valid_from=application.valid_from, valid_until=application.valid_until
        ),
    )


def _scope_of(grant, **changes) -> GrantScope:
    return GrantScope(
        **{
            "municipality": grant.municipality,
            "client_groups": tuple(grant.client_groups.all()),
            "authority": grant.authority,
            "valid_from": grant.valid_from,
            "valid_until": grant.valid_until,
            "health_data": grant.health_data,
        }
        | changes
    )


def test_a_grant_change_may_remove_the_flag(flagged_grant):
    admin = UserFactory()

    grant_change(
        actor=admin,
        grant=flagged_grant,
        changed=_scope_of(flagged_grant, health_data=False),
        reason="Ei enää työkykyarvioita",
    )

    flagged_grant.refresh_from_db()
    assert flagged_grant.health_data is False


def test_a_grant_change_never_adds_the_flag(flagged_grant):
    AccessGrant.objects.filter(pk=flagged_grant.pk).update(health_data=False)
    flagged_grant.refresh_from_db()

    with pytest.raises(AccessChangeRefused):
        grant_change(
            actor=UserFactory(),
            grant=flagged_grant,
            changed=_scope_of(flagged_grant, health_data=True),
            reason="Laajennus",
        )


@pytest.mark.parametrize("posted, expected", [({"health_data": "on"}, True), ({}, False)])
def test_the_scope_form_carries_the_flag(db, posted, expected):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = AccessApplicationForm(
        {
            "municipality": str(MunicipalityFactory(code="167").pk),
            "client_groups": [str(client_group("ohjaamo_youth").pk)],
            "authority": "record",
            "first_day": tomorrow.isoformat(),
            "last_day": (tomorrow + datetime.timedelta(days=30)).isoformat(),
            "tasks": "Työkykyarviot",
        }
        | posted
    )

    assert form.is_valid(), form.errors
    assert form.scope().health_data is expected
