"""Changing a grant: it may only be narrowed or ended sooner, with a reason, by someone else."""

import datetime
import zoneinfo

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from access.models import AccessGrant
from access.services import AccessChangeRefused, GrantScope, grant_change, grant_revoke
from audit.actions import Action
from audit.models import AccessEvent
from tests.factories import AccessGrantFactory, MunicipalityFactory, client_group

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def _today_at(hour: int) -> datetime.datetime:
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def grant(case_worker):
    """Started an hour ago, for Ohjaamo youth and walk-in service, ends in 90 days.

    An hour ago rather than at a fixed hour of today: a grant meant to be in force must be in
    force at whatever hour the suite runs (at eight in the morning, a run before eight failed).
    """
    start = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    return AccessGrantFactory(
        grantee=case_worker,
        municipality=MunicipalityFactory(code="167"),
        authority=AccessGrant.Authority.RECORD,
        valid_from=start,
        valid_until=start + datetime.timedelta(days=90),
        client_groups=[client_group("ohjaamo_youth"), client_group("walk_in")],
    )


def scope_of(grant: AccessGrant, **changes) -> GrantScope:
    fields = {
        "municipality": grant.municipality,
        "client_groups": tuple(grant.client_groups.all()),
        "authority": grant.authority,
        "valid_from": grant.valid_from,
        "valid_until": grant.valid_until,
    }
    return GrantScope(**(fields | changes))


@pytest.mark.rule("004-5a-change", "004-5a-report-grounds")
def test_a_grant_is_narrowed_and_the_history_names_the_administrator_and_reason(
    grant, access_admin
):
    earlier = grant.valid_until - datetime.timedelta(days=30)

    grant_change(
        actor=access_admin,
        grant=grant,
        changed=scope_of(
            grant,
            client_groups=(client_group("ohjaamo_youth"),),
            authority=AccessGrant.Authority.VIEW,
            valid_until=earlier,
        ),
        reason="Siirtyi nuorten palveluihin",
    )

    grant.refresh_from_db()
    assert grant.authority == AccessGrant.Authority.VIEW
    assert grant.valid_until == earlier
    assert list(grant.client_groups.values_list("code", flat=True)) == ["ohjaamo_youth"]
    entries = LogEntry.objects.get_for_object(grant).filter(actor=access_admin)
    assert entries.count() == 2  # the fields, and the groups removed
    assert all(entry.action == LogEntry.Action.UPDATE for entry in entries)
    fields = entries.get(changes__has_key="authority").changes
    assert set(fields) == {"authority", "valid_until"}
    event = AccessEvent.objects.get(action=Action.GRANT_CHANGED)
    assert (event.actor, event.target_id) == (access_admin, str(grant.pk))
    assert event.details == {
        "reason": "Siirtyi nuorten palveluihin",
        "fields": ["authority", "valid_until", "client_groups"],
    }


@pytest.mark.rule("004-5a-change", "004-5-on-application")
@pytest.mark.parametrize("widening", ["client_groups", "valid_until", "valid_from", "municipality"])
def test_a_change_never_widens_or_lengthens(grant, access_admin, widening):
    changes = {}
    if "client_groups" in widening:
        changes["client_groups"] = (client_group("ohjaamo_youth"), client_group("integration"))
    if "valid_until" in widening:
        changes["valid_until"] = grant.valid_until + datetime.timedelta(days=1)
    if "valid_from" in widening:
        changes["valid_from"] = grant.valid_from - datetime.timedelta(hours=1)
    if "municipality" in widening:
        changes["municipality"] = MunicipalityFactory(code="426")

    with pytest.raises(AccessChangeRefused, match="hakee uudelleen"):
        grant_change(
            actor=access_admin, grant=grant, changed=scope_of(grant, **changes), reason="X"
        )

    assert not LogEntry.objects.get_for_object(grant).filter(actor=access_admin).exists()


@pytest.mark.rule("004-5a-change")
def test_authority_cannot_be_raised(case_worker, access_admin):
    grant = AccessGrantFactory(
        grantee=case_worker,
        valid_from=_today_at(0),
        valid_until=_today_at(0) + datetime.timedelta(days=30),
    )

    with pytest.raises(AccessChangeRefused):
        grant_change(
            actor=access_admin,
            grant=grant,
            changed=scope_of(grant, authority=AccessGrant.Authority.RECORD),
            reason="X",
        )


@pytest.mark.rule("004-5a-change")
def test_an_administrator_cannot_change_their_own_grant(access_admin):
    own = AccessGrantFactory(
        grantee=access_admin,
        valid_from=_today_at(0),
        valid_until=_today_at(0) + datetime.timedelta(days=30),
    )

    with pytest.raises(AccessChangeRefused, match="omaa"):
        grant_change(
            actor=access_admin,
            grant=own,
            changed=scope_of(own, authority=AccessGrant.Authority.VIEW, valid_until=_today_at(23)),
            reason="Oma",
        )


@pytest.mark.rule("004-5a-change")
def test_a_revoked_grant_cannot_be_changed(grant, access_admin):
    grant_revoke(actor=access_admin, grant=grant, reason="Väärinkäyttö")

    with pytest.raises(AccessChangeRefused, match="peruutettu"):
        grant_change(
            actor=access_admin,
            grant=grant,
            changed=scope_of(grant, authority=AccessGrant.Authority.VIEW),
            reason="X",
        )


@pytest.mark.rule("004-5a-change")
def test_an_ended_grant_cannot_be_changed(case_worker, access_admin):
    ended = AccessGrantFactory(
        grantee=case_worker,
        valid_from=datetime.datetime(2025, 1, 1, tzinfo=HELSINKI),
        valid_until=datetime.datetime(2025, 6, 1, tzinfo=HELSINKI),
    )

    with pytest.raises(AccessChangeRefused, match="päättynyt"):
        grant_change(
            actor=access_admin,
            grant=ended,
            changed=scope_of(ended, valid_until=datetime.datetime(2025, 5, 1, tzinfo=HELSINKI)),
            reason="X",
        )


@pytest.mark.rule("004-5a-change", "004-5a-report-grounds")
@pytest.mark.parametrize("reason", ["", "  "])
def test_a_change_needs_a_reason(grant, access_admin, reason):
    with pytest.raises(AccessChangeRefused, match="perustelu"):
        grant_change(
            actor=access_admin,
            grant=grant,
            changed=scope_of(grant, authority=AccessGrant.Authority.VIEW),
            reason=reason,
        )


@pytest.mark.rule("004-4a-limited")
def test_the_longest_duration_still_holds(settings, case_worker, access_admin):
    start = _today_at(0)
    old = AccessGrantFactory(
        grantee=case_worker, valid_from=start, valid_until=start + datetime.timedelta(days=800)
    )

    with pytest.raises(AccessChangeRefused, match="12"):
        grant_change(
            actor=access_admin,
            grant=old,
            changed=scope_of(old, valid_until=start + datetime.timedelta(days=700)),
            reason="Lyhennys",
        )


@pytest.mark.rule("004-5a-change")
def test_the_end_cannot_be_moved_into_the_past(grant, access_admin):
    with pytest.raises(AccessChangeRefused, match="peruuta se"):
        grant_change(
            actor=access_admin,
            grant=grant,
            changed=scope_of(grant, valid_until=grant.valid_from + datetime.timedelta(minutes=1)),
            reason="X",
            at=grant.valid_from + datetime.timedelta(hours=1),
        )


@pytest.mark.rule("004-5a-change")
def test_a_change_of_nothing_is_refused(grant, access_admin):
    with pytest.raises(AccessChangeRefused, match="Mitään ei muutettu"):
        grant_change(actor=access_admin, grant=grant, changed=scope_of(grant), reason="X")


# The page


def change_fields(grant, **changes):
    first = timezone.localdate(grant.valid_from)
    last = (timezone.localtime(grant.valid_until) - datetime.timedelta(microseconds=1)).date()
    fields = {
        "client_groups": [group.pk for group in grant.client_groups.all()],
        "authority": grant.authority,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "reason": "Tehtävät supistuivat",
    }
    return fields | changes


@pytest.mark.rule("004-5a-change")
def test_the_page_narrows_a_grant_keeping_unchanged_days_exact(client, access_admin, grant):
    client.force_login(access_admin)
    original_start = grant.valid_from

    response = client.post(
        f"/access-rights/grants/{grant.pk}/change/",
        change_fields(grant, client_groups=[client_group("walk_in").pk], authority="view"),
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.valid_from == original_start  # 8 o'clock, though the form shows only the day
    assert grant.authority == "view"
    assert list(grant.client_groups.values_list("code", flat=True)) == ["walk_in"]


@pytest.mark.rule("004-5a-change")
def test_the_page_offers_only_the_grants_own_groups(client, access_admin, grant):
    client.force_login(access_admin)
    other_group = client_group("integration").pk

    response = client.post(
        f"/access-rights/grants/{grant.pk}/change/",
        change_fields(grant, client_groups=[client_group("walk_in").pk, other_group]),
    )

    assert response.status_code == 200
    assert "Valitse oikea vaihtoehto" in response.text
    assert grant.client_groups.count() == 2


@pytest.mark.rule("004-5a-change")
def test_the_page_says_how_to_widen(client, access_admin, grant):
    client.force_login(access_admin)

    response = client.get(f"/access-rights/grants/{grant.pk}/change/")

    assert "hakee uudelleen" in response.text


@pytest.mark.rule("004-5a-change")
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"client_groups": []}, "Valitse vähintään yksi asiakasryhmä."),
        ({"reason": ""}, "Tämä kenttä vaaditaan"),
        ({"authority": "everything"}, "Valitse oikea vaihtoehto"),
        ({"last_day": "2099-01-01"}, "hakee uudelleen"),
        ({"authority": "record", "first_day": "2020-01-01"}, "hakee uudelleen"),
    ],
    ids=["no-groups", "no-reason", "unknown-authority", "longer", "earlier-start"],
)
def test_bad_changes_are_form_errors_and_change_nothing(
    client, access_admin, grant, changes, message
):
    client.force_login(access_admin)
    before = (grant.valid_until, grant.authority)

    response = client.post(
        f"/access-rights/grants/{grant.pk}/change/", change_fields(grant, **changes)
    )

    assert response.status_code == 200
    assert message in response.text
    grant.refresh_from_db()
    assert (grant.valid_until, grant.authority) == before
    assert grant.client_groups.count() == 2


@pytest.mark.rule("004-5a-change")
def test_an_administrator_cannot_change_their_own_grant_on_the_page(client, access_admin):
    own = AccessGrantFactory(
        grantee=access_admin,
        authority="record",
        valid_from=_today_at(0),
        valid_until=_today_at(0) + datetime.timedelta(days=30),
    )
    client.force_login(access_admin)

    response = client.post(
        f"/access-rights/grants/{own.pk}/change/", change_fields(own, authority="view")
    )

    assert response.status_code == 200
    assert "omaa käyttöoikeuttaan" in response.text
    own.refresh_from_db()
    assert own.authority == "record"


@pytest.mark.rule("004-5a-change", "002-13-need-to-know")
@pytest.mark.parametrize("persona", ["case_worker", "supervisor", "outsider"])
def test_only_access_administrators_change_grants(client, request, grant, persona):
    client.force_login(request.getfixturevalue(persona))

    path = f"/access-rights/grants/{grant.pk}/change/"
    assert client.get(path).status_code == 403
    assert client.post(path, change_fields(grant, authority="view")).status_code == 403
    grant.refresh_from_db()
    assert grant.authority == "record"


@pytest.mark.rule("004-5a-change")
def test_the_first_day_of_a_grant_in_force_stays(grant, access_admin):
    with pytest.raises(AccessChangeRefused, match="ensimmäistä päivää"):
        grant_change(
            actor=access_admin,
            grant=grant,
            changed=scope_of(grant, valid_from=grant.valid_from + datetime.timedelta(days=1)),
            reason="Myöhemmin",
        )


@pytest.mark.rule("004-5a-change")
def test_a_grant_not_yet_in_force_may_start_later(case_worker, access_admin):
    start = _today_at(0) + datetime.timedelta(days=10)
    future = AccessGrantFactory(
        grantee=case_worker, valid_from=start, valid_until=start + datetime.timedelta(days=30)
    )

    grant_change(
        actor=access_admin,
        grant=future,
        changed=scope_of(future, valid_from=start + datetime.timedelta(days=5)),
        reason="Aloitus siirtyi",
    )

    future.refresh_from_db()
    assert future.valid_from == start + datetime.timedelta(days=5)
