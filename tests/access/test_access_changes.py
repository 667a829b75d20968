"""Revoking grants and ending worker agreements: at once, or exactly when the rules say."""

import datetime
import zoneinfo

import pytest
from auditlog.models import LogEntry

from access.policy import Action, Reason, decide
from access.services import (
    AccessChangeRefused,
    agreement_end_for_changed_duties,
    agreement_terminate,
    grant_revoke,
)
from tests.factories import AccessGrantFactory, UserFactory, WorkerAgreementFactory

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
ONE_SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def admin(db):
    return UserFactory(username="access-admin")


@pytest.mark.rule("004-5a-remove", "004-4a-rights-up-to-date")
def test_a_revoked_grant_stops_counting_at_once_and_is_kept(setting, admin):
    grant = setting.worker.grants.get()
    at = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=HELSINKI)

    grant_revoke(actor=admin, grant=grant, reason="Tehtävät muuttuivat", at=at)

    grant.refresh_from_db()
    assert (grant.revoked_by, grant.revocation_reason) == (admin, "Tehtävät muuttuivat")
    opened = [
        decide(
            actor=setting.worker,
            client=setting.openable,
            purpose="meeting",
            action=Action.VIEW,
            at=moment,
        )
        for moment in (at - ONE_SECOND, at)
    ]
    assert opened[0].allowed
    assert opened[1].reasons == (Reason.GRANT_MISSING,)


@pytest.mark.rule("004-5a-remove", "004-5a-report-grounds")
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_revocation_needs_a_reason(setting, admin, reason):
    with pytest.raises(AccessChangeRefused):
        grant_revoke(actor=admin, grant=setting.worker.grants.get(), reason=reason)


@pytest.mark.rule("004-5a-remove")
def test_a_grant_is_revoked_only_once(setting, admin):
    grant = setting.worker.grants.get()
    grant_revoke(actor=admin, grant=grant, reason="Väärinkäyttö")

    with pytest.raises(AccessChangeRefused):
        grant_revoke(actor=admin, grant=grant, reason="Uudestaan")


@pytest.mark.rule("000-9-notice", "000-2-agreement-in-force")
def test_an_agreement_terminated_today_ends_access_in_exactly_fourteen_days(setting, admin):
    agreement = setting.worker.agreements.get()
    notice_day = datetime.date(2026, 6, 15)

    agreement_terminate(actor=admin, agreement=agreement, notice_given_on=notice_day)

    ends = datetime.datetime(2026, 6, 29, 0, 0, tzinfo=HELSINKI)
    agreement.refresh_from_db()
    assert agreement.ends_at == ends

    def decision(at):
        return decide(
            actor=setting.worker,
            client=setting.openable,
            purpose="meeting",
            action=Action.VIEW,
            at=at,
        )

    assert decision(ends - ONE_SECOND).allowed
    assert decision(ends).reasons == (Reason.AGREEMENT_MISSING,)


@pytest.mark.rule("000-9-lapses", "004-5a-remove")
def test_changed_duties_end_the_agreement_and_every_grant_now(setting, admin):
    second = AccessGrantFactory(
        grantee=setting.worker, municipality=setting.elsewhere.home_municipality
    )
    agreement = setting.worker.agreements.get()
    at = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=HELSINKI)

    agreement_end_for_changed_duties(actor=admin, agreement=agreement, at=at)

    agreement.refresh_from_db()
    assert agreement.ends_at == at
    assert all(grant.revoked_at == at for grant in setting.worker.grants.all())
    assert second.pk in {grant.pk for grant in setting.worker.grants.all()}
    decision = decide(
        actor=setting.worker, client=setting.openable, purpose="meeting", action=Action.VIEW, at=at
    )
    assert set(decision.reasons) == {Reason.AGREEMENT_MISSING, Reason.GRANT_MISSING}


@pytest.mark.rule("000-9-notice")
def test_a_later_notice_does_not_extend_an_agreement_that_already_ends_sooner(setting, admin):
    agreement = WorkerAgreementFactory(
        worker=setting.worker,
        ends_at=datetime.datetime(2026, 6, 20, tzinfo=HELSINKI),
    )

    with pytest.raises(AccessChangeRefused):
        agreement_terminate(
            actor=admin, agreement=agreement, notice_given_on=datetime.date(2026, 6, 15)
        )


@pytest.mark.rule("000-9-lapses")
def test_each_change_is_in_the_history_with_the_administrator(setting, admin):
    agreement = setting.worker.agreements.get()

    agreement_end_for_changed_duties(actor=admin, agreement=agreement)

    grant = setting.worker.grants.get()
    for changed in (agreement, grant):
        updates = LogEntry.objects.get_for_object(changed).filter(action=LogEntry.Action.UPDATE)
        entry = updates.order_by("-timestamp", "-pk").first()
        assert entry.actor == admin
