"""Every service writes one typed event per object it changes, inside its own transaction.

Each case runs a service for real and names the events it must write; then the same service runs
while the database refuses every event, and the change must be gone with the event.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import assign_perm

from access.models import AccessApplication, AccessGrant, User, WorkerAgreement
from access.roles import Role
from access.scope import OVERSEE
from access.services import (
    GrantScope,
    access_application_approve,
    access_application_reject,
    access_application_submit,
    account_unlock,
    agreement_end_for_changed_duties,
    agreement_record,
    agreement_terminate,
    grant_change,
    grant_revoke,
)
from access.staff import account_change, account_create, account_deactivate, account_reactivate
from audit.actions import CHANGES, Action
from audit.models import AccessEvent, PendingEvent
from audit.services import history_load, look_record
from clients.models import Client, ClientMove, ClientRelationship, Referral, ServiceNeed
from clients.services import (
    ClientDetails,
    client_move,
    client_register,
    client_update,
    referral_end,
    referral_record,
    relationship_end,
    relationship_start,
    service_need_document,
)
from consent.models import Consent
from consent.services import consent_record, consent_scan_attach, consent_withdraw
from entries.models import EntryVersion
from entries.services import EntryText, entry_correct, entry_record
from health.models import HealthItem
from health.services import health_item_record
from records.withdrawal import consent_withdraw_and_erase
from review.justification import (
    grounds_report_handle,
    justification_answer,
    justification_close,
    justification_request,
)
from review.models import Case as ReviewCase
from review.models import JustificationRequest, RuleSetting
from review.services import case_close, rule_setting_change
from sign_in.two_factor import two_factor_reset
from tests.access.test_unlock import lock
from tests.consent.conftest import pdf_bytes
from tests.factories import (
    ConsentFactory,
    HealthItemFactory,
    MunicipalityFactory,
    UserFactory,
    client_group,
    identity_code_for,
)
from tests.log import block_access_event_inserts
from tests.sign_in import authenticator


@dataclass
class Office:
    scope: GrantScope
    admin: Any
    worker: Any
    client: Any
    consent: Any
    agreement: Any
    grant: Any
    application: Any
    official: Any
    supervisor: Any


@pytest.fixture
def office(setting, access_admin):
    grant = setting.worker.grants.get()
    # A grant of today's kind: within the longest a grant may last, so that it can be changed.
    grant.valid_from = timezone.now() - datetime.timedelta(days=1)
    grant.valid_until = grant.valid_from + datetime.timedelta(days=90)
    grant.save()
    scope = _scope(grant.municipality)
    application = access_application_submit(
        actor=setting.worker, applicant=setting.worker, scope=scope, tasks="Ohjaamo"
    )
    return Office(
        scope=scope,
        admin=access_admin,
        worker=setting.worker,
        client=setting.openable,
        consent=setting.openable.consents.get(),
        agreement=setting.worker.agreements.get(),
        grant=grant,
        application=application,
        official=UserFactory(roles=[Role.LABOUR_OFFICIAL]),
        supervisor=_supervisor_of(grant.municipality),
    )


def _supervisor_of(municipality):
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    assign_perm(OVERSEE, supervisor, municipality)
    return supervisor


@pytest.fixture(autouse=True)
def scan_root(settings, tmp_path):
    settings.CONSENT_SCAN_ROOT = str(tmp_path / "scans")


def _scope(municipality, **changes) -> GrantScope:
    start = timezone.now() - datetime.timedelta(hours=1)
    fields = {
        "municipality": municipality,
        "client_groups": (client_group("ohjaamo_youth"),),
        "authority": AccessGrant.Authority.VIEW,
        "valid_from": start,
        "valid_until": start + datetime.timedelta(days=30),
    } | changes
    return GrantScope(**fields)


@dataclass(frozen=True)
class Case:
    run: Callable[[Office], Any]
    # The events it must write: (action, the changed object) for each object it changes.
    events: Callable[[Office], list[tuple[str, Any]]]
    # What the database holds of the change: the same before and after a failed event.
    state: Callable[[Office], Any]
    # Who acts, if not the worker or the administrator: the labour authority's official.
    by_official: bool = False
    # Who acts, if not one of those: the supervisor.
    by_supervisor: bool = False


def _latest(model):
    return model.objects.order_by("-pk").first()


def _obtaining_consent_with_an_item(office) -> Consent:
    """A consent to obtaining health data, and an item from health services resting on it."""
    consent = ConsentFactory(client=office.client, kind=Consent.Kind.HEALTH_OBTAINING)
    HealthItemFactory(
        client=office.client, source=HealthItem.Source.HEALTH_SERVICES, consent=consent
    )
    return consent


CASES = {
    "service_need_document": Case(
        run=lambda o: service_need_document(
            actor=o.worker,
            client=o.client,
            assessment="Uusi arvio",
            assessed_on=timezone.localdate(),
            assessed_by="Työvoimaviranomainen",
            source="Haastattelu",
        ),
        events=lambda o: [(Action.SERVICE_NEED_DOCUMENTED, _latest(ServiceNeed))],
        state=lambda o: list(o.client.service_needs.values_list("pk", "status")),
    ),
    "client_register": Case(
        run=lambda o: client_register(
            actor=o.official,
            details=ClientDetails(
                identity_code=identity_code_for(datetime.date(2005, 3, 4), 77),
                first_names="Uusi",
                last_name="Asiakas",
                home_municipality=o.client.home_municipality,
                mother_tongue="fi",
                service_language="fi",
            ),
            started_on=timezone.localdate(),
            source="TE-järjestelmä",
        ),
        events=lambda o: [(Action.CLIENT_REGISTERED, _latest(Client))],
        state=lambda o: (
            list(Client.objects.values_list("pk")),
            list(ClientRelationship.objects.values_list("pk")),
        ),
        by_official=True,
    ),
    "client_move": Case(
        run=lambda o: client_move(
            actor=o.official,
            client=o.client,
            municipality=MunicipalityFactory(code="426"),
            moved_on=timezone.localdate(),
            source="Väestötietojärjestelmä",
        ),
        events=lambda o: [(Action.CLIENT_MOVED, _latest(ClientMove))],
        state=lambda o: (
            list(ClientMove.objects.values_list("pk")),
            list(Client.objects.values_list("pk", "home_municipality")),
        ),
        by_official=True,
    ),
    "relationship_end": Case(
        run=lambda o: relationship_end(
            actor=o.official, client=o.client, ended_on=timezone.localdate()
        ),
        events=lambda o: [
            (Action.REFERRAL_ENDED, o.client.referrals.get()),
            (Action.RELATIONSHIP_ENDED, o.client.relationship),
        ],
        state=lambda o: (
            list(ClientRelationship.objects.values_list("pk", "ended_on")),
            list(Referral.objects.values_list("pk", "ended_on", "end_reason")),
        ),
        by_official=True,
    ),
    "relationship_start": Case(
        run=lambda o: relationship_start(
            actor=o.official,
            client=_with_ended_relationship(o.client),
            started_on=timezone.localdate(),
            source="TE-järjestelmä",
        ),
        events=lambda o: [(Action.RELATIONSHIP_STARTED, _latest(ClientRelationship))],
        state=lambda o: list(ClientRelationship.objects.values_list("pk", "ended_on")),
        by_official=True,
    ),
    "referral_record": Case(
        run=lambda o: referral_record(
            actor=o.official,
            client=o.client,
            group=client_group("long_term_unemployed"),
            referring_authority="Pohjois-Karjalan työllisyysalue",
            referred_on=timezone.localdate(),
            ended_on=None,
            source="TE-järjestelmä",
        ),
        events=lambda o: [(Action.REFERRAL_RECORDED, _latest(Referral))],
        state=lambda o: list(Referral.objects.values_list("pk")),
        by_official=True,
    ),
    "referral_end": Case(
        run=lambda o: referral_end(
            actor=o.official,
            referral=o.client.referrals.get(),
            ended_on=timezone.localdate(),
            reason=Referral.EndReason.EMPLOYED,
        ),
        events=lambda o: [(Action.REFERRAL_ENDED, o.client.referrals.get())],
        state=lambda o: list(Referral.objects.values_list("pk", "ended_on", "end_reason")),
        by_official=True,
    ),
    "consent_record": Case(
        run=lambda o: consent_record(
            actor=o.worker,
            client=o.client,
            kind=Consent.Kind.EMPLOYER_DISCLOSURE,
            status=Consent.Status.REFUSED,
            signed_on=timezone.localdate(),
            place=Consent.Place.OHJAAMO,
        ),
        events=lambda o: [(Action.CONSENT_RECORDED, _latest(Consent))],
        state=lambda o: list(Consent.objects.values_list("pk", "status")),
    ),
    "consent_withdraw": Case(
        run=lambda o: consent_withdraw(actor=o.worker, consent=o.consent, channel="phone"),
        events=lambda o: [(Action.CONSENT_WITHDRAWN, o.consent)],
        state=lambda o: list(Consent.objects.values_list("pk", "status")),
    ),
    "health_item_record": Case(
        run=lambda o: health_item_record(
            actor=o.worker,
            client=o.client,
            kind=HealthItem.Kind.LIMITATION,
            description="Ei voi nostaa yli 10 kg",
            source=HealthItem.Source.CLIENT,
            information_date=timezone.localdate(),
        ),
        events=lambda o: [(Action.HEALTH_ITEM_RECORDED, _latest(HealthItem))],
        state=lambda o: list(HealthItem.objects.values_list("pk")),
    ),
    "consent_withdraw_and_erase": Case(
        run=lambda o: consent_withdraw_and_erase(
            actor=o.worker, consent=_obtaining_consent_with_an_item(o), channel="phone"
        ),
        # The withdrawal, then the erasure of what rested on it: both about the consent.
        events=lambda o: [
            (Action.CONSENT_WITHDRAWN, _latest(Consent)),
            (Action.HEALTH_ITEM_ERASED, _latest(Consent)),
        ],
        state=lambda o: (
            list(Consent.objects.values_list("pk", "status")),
            list(HealthItem.objects.values_list("pk")),
        ),
    ),
    "consent_scan_attach": Case(
        run=lambda o: consent_scan_attach(
            actor=o.worker,
            consent=o.consent,
            scan=SimpleUploadedFile("s.pdf", pdf_bytes()),
            scan_content_type="application/pdf",
        ),
        events=lambda o: [(Action.CONSENT_SCAN_ATTACHED, o.consent)],
        state=lambda o: list(Consent.objects.values_list("pk", "scan", "scan_due_at")),
    ),
    "access_application_submit": Case(
        run=lambda o: access_application_submit(
            actor=o.worker, applicant=o.worker, scope=_scope(o.grant.municipality), tasks="Uusi"
        ),
        events=lambda o: [(Action.APPLICATION_SUBMITTED, _latest(AccessApplication))],
        state=lambda o: list(AccessApplication.objects.values_list("pk", "status")),
    ),
    "access_application_approve": Case(
        run=lambda o: access_application_approve(
            actor=o.admin, application=o.application, granted=o.scope
        ),
        events=lambda o: [
            (Action.APPLICATION_APPROVED, o.application),
            (Action.GRANT_APPROVED, _latest(AccessGrant)),
        ],
        state=lambda o: (
            list(AccessApplication.objects.values_list("pk", "status")),
            list(AccessGrant.objects.values_list("pk")),
        ),
    ),
    "access_application_reject": Case(
        run=lambda o: access_application_reject(
            actor=o.admin, application=o.application, reason="Ei tarvetta"
        ),
        events=lambda o: [(Action.APPLICATION_REJECTED, o.application)],
        state=lambda o: list(AccessApplication.objects.values_list("pk", "status")),
    ),
    "grant_revoke": Case(
        run=lambda o: grant_revoke(actor=o.admin, grant=o.grant, reason="Tehtävät muuttuivat"),
        events=lambda o: [(Action.GRANT_REVOKED, o.grant)],
        state=lambda o: list(AccessGrant.objects.values_list("pk", "revoked_at")),
    ),
    "grant_change": Case(
        run=lambda o: grant_change(
            actor=o.admin,
            grant=o.grant,
            changed=GrantScope(
                municipality=o.grant.municipality,
                client_groups=tuple(o.grant.client_groups.all()),
                authority=AccessGrant.Authority.VIEW,
                valid_from=o.grant.valid_from,
                valid_until=o.grant.valid_until,
            ),
            reason="Vain katselu",
        ),
        events=lambda o: [(Action.GRANT_CHANGED, o.grant)],
        state=lambda o: list(AccessGrant.objects.values_list("pk", "authority")),
    ),
    "agreement_record": Case(
        run=lambda o: agreement_record(
            actor=o.admin,
            worker=o.worker,
            employment_area="Pohjois-Karjala",
            municipality=MunicipalityFactory(code="260"),
            signed_on=timezone.localdate(),
        ),
        events=lambda o: [(Action.AGREEMENT_RECORDED, _latest(WorkerAgreement))],
        state=lambda o: list(WorkerAgreement.objects.values_list("pk")),
    ),
    "agreement_terminate": Case(
        run=lambda o: agreement_terminate(
            actor=o.admin, agreement=o.agreement, notice_given_on=timezone.localdate()
        ),
        events=lambda o: [(Action.AGREEMENT_TERMINATED, o.agreement)],
        state=lambda o: list(WorkerAgreement.objects.values_list("pk", "ends_at")),
    ),
    "agreement_end_for_changed_duties": Case(
        run=lambda o: agreement_end_for_changed_duties(actor=o.admin, agreement=o.agreement),
        events=lambda o: [
            (Action.AGREEMENT_ENDED, o.agreement),
            (Action.GRANT_REVOKED, o.grant),
        ],
        state=lambda o: (
            list(WorkerAgreement.objects.values_list("pk", "ends_at")),
            list(AccessGrant.objects.values_list("pk", "revoked_at")),
        ),
    ),
    "account_unlock": Case(
        run=lambda o: account_unlock(actor=o.admin, username=lock(o.worker).username),
        events=lambda o: [(Action.ACCOUNT_UNLOCKED, o.worker)],
        state=lambda o: None,  # the lock is django-axes's: asserted in the unlock case below
    ),
    "account_create": Case(
        run=lambda o: account_create(
            actor=o.admin,
            username="uusi",
            first_name="Uuno",
            last_name="Uusi",
            email="",
            organisation="KEHA",
            roles=[Role.LABOUR_OFFICIAL],
            served=[o.grant.municipality],
            identity_code="131052-308T",
        ),
        events=lambda o: [(Action.ACCOUNT_CREATED, _latest(User))],
        state=lambda o: _accounts(),
    ),
    "account_change": Case(
        run=lambda o: account_change(
            actor=o.admin,
            account=o.worker,
            roles=[Role.CASE_WORKER, Role.SUPERVISOR],
            overseen=[o.grant.municipality],
        ),
        events=lambda o: [(Action.ACCOUNT_CHANGED, o.worker)],
        state=lambda o: _accounts(),
    ),
    "account_deactivate": Case(
        run=lambda o: account_deactivate(actor=o.admin, account=o.worker),
        events=lambda o: [(Action.ACCOUNT_DEACTIVATED, o.worker)],
        state=lambda o: _accounts(),
    ),
    "account_reactivate": Case(
        run=lambda o: account_reactivate(actor=o.admin, account=_deactivated(o.worker)),
        events=lambda o: [(Action.ACCOUNT_REACTIVATED, o.worker)],
        state=lambda o: _accounts(),
    ),
    "client_update": Case(
        run=lambda o: client_update(
            actor=o.official, client=o.client, contact={"phone": "040 999"}
        ),
        events=lambda o: [(Action.CLIENT_CONTACT_CHANGED, o.client)],
        state=lambda o: list(Client.objects.filter(pk=o.client.pk).values_list("phone")),
        by_official=True,
    ),
    "entry_record": Case(
        run=lambda o: entry_record(actor=o.worker, client=o.client, text=_entry_text(), **_clean),
        events=lambda o: [(Action.ENTRY_RECORDED, _latest(EntryVersion))],
        state=lambda o: list(EntryVersion.objects.values_list("pk", "number")),
    ),
    "entry_correct": Case(
        run=lambda o: entry_correct(
            actor=o.worker,
            client=o.client,
            entry_id=_first_entry(o).entry_id,
            text=_entry_text(),
            reason="Tarkennettu",
            **_clean,
        ),
        events=lambda o: [(Action.ENTRY_CORRECTED, _latest(EntryVersion))],
        state=lambda o: list(EntryVersion.objects.values_list("pk", "number")),
    ),
    "justification_request": Case(
        run=lambda o: _asked(o),
        events=lambda o: [(Action.JUSTIFICATION_REQUESTED, _latest(JustificationRequest))],
        state=lambda o: list(JustificationRequest.objects.values_list("pk")),
        by_supervisor=True,
    ),
    "justification_answer": Case(
        run=lambda o: justification_answer(
            worker=o.worker, request=_justification(o), answer="Tapaaminen"
        ),
        events=lambda o: [(Action.JUSTIFICATION_ANSWERED, _latest(JustificationRequest))],
        state=lambda o: list(JustificationRequest.objects.values_list("pk", "answered_at")),
    ),
    "justification_close": Case(
        run=lambda o: justification_close(
            supervisor=o.supervisor,
            request=_justification(o, answered=True),
            finding=JustificationRequest.Finding.NOT_JUSTIFIED,
            note="Ei perustetta",
        ),
        events=lambda o: [(Action.JUSTIFICATION_CLOSED, _latest(JustificationRequest))],
        state=lambda o: list(JustificationRequest.objects.values_list("pk", "closed_at")),
        by_supervisor=True,
    ),
    "justification_report_handle": Case(
        run=lambda o: grounds_report_handle(
            admin=o.admin, request=_justification(o, closed=True), note="Oikeus peruttu"
        ),
        events=lambda o: [(Action.JUSTIFICATION_REPORT_HANDLED, _latest(JustificationRequest))],
        state=lambda o: list(JustificationRequest.objects.values_list("pk", "report_handled_at")),
    ),
    "rule_setting_change": Case(
        run=lambda o: rule_setting_change(
            actor=o.supervisor, rule="denial_burst", enabled=True, values={"denials": 8}
        ),
        events=lambda o: [(Action.RULE_CHANGED, _latest(RuleSetting))],
        state=lambda o: list(RuleSetting.objects.values_list("pk")),
        by_supervisor=True,
    ),
    "case_close": Case(
        run=lambda o: case_close(actor=o.supervisor, case=_review_case(o), note="Selvitetty"),
        events=lambda o: [(Action.CASE_CLOSED, _latest(ReviewCase))],
        state=lambda o: list(ReviewCase.objects.values_list("pk", "closed_at")),
        by_supervisor=True,
    ),
    "two_factor_reset": Case(
        run=lambda o: two_factor_reset(actor=o.admin, user=authenticator(o.worker).user),
        events=lambda o: [(Action.TWO_FACTOR_RESET, o.worker)],
        state=lambda o: list(TOTPDevice.objects.values_list("pk")),
    ),
}


_clean: dict[str, Any] = {"findings": [], "acknowledged": False}


def _entry_text() -> EntryText:
    return EntryText(
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        contact_method="phone",
        participants="Asiakas ja ohjaaja",
        content="Sovittiin työnhausta.",
        language="fi",
    )


def _first_entry(office) -> EntryVersion:
    """An entry to correct, made beforehand."""
    first = EntryVersion.objects.first()
    return first or entry_record(
        actor=office.worker, client=office.client, text=_entry_text(), **_clean
    )


def _look(office) -> AccessEvent:
    """The worker's look that the supervisor asks about, made beforehand."""
    return AccessEvent.objects.filter(action=Action.CLIENT_VIEWED).first() or look_record(
        actor=office.worker, action=Action.CLIENT_VIEWED, at=timezone.now(), client=office.client
    )


def _asked(office) -> JustificationRequest:
    return justification_request(
        supervisor=office.supervisor,
        worker=office.worker,
        events=[_look(office)],
        question="Miksi?",
        due_on=timezone.localdate(),
    )


def _justification(office, *, answered=False, closed=False, only_the_look=False):
    """A request made beforehand, taken as far as the step under test needs."""
    if only_the_look:
        return _look(office)
    asked = JustificationRequest.objects.first() or _asked(office)
    if (answered or closed) and asked.answered_at is None:
        asked = justification_answer(worker=office.worker, request=asked, answer="Tapaaminen")
    if closed and asked.closed_at is None:
        asked = justification_close(
            supervisor=office.supervisor,
            request=asked,
            finding=JustificationRequest.Finding.NOT_JUSTIFIED,
            note="Ei perustetta",
        )
    return asked


def _review_case(office) -> ReviewCase:
    """The worker's open case, as a screening would have opened it."""
    return ReviewCase.objects.first() or ReviewCase.objects.create(
        worker=office.worker, opened_at=timezone.now()
    )


# The steps before the one under test, made before the count (and the blocked inserts) begin.
JUSTIFICATION_SETUP = {
    "justification_request": {"only_the_look": True},
    "justification_answer": {},
    "justification_close": {"answered": True},
    "justification_report_handle": {"closed": True},
}


def _accounts():
    """The accounts, their roles and their organisational scope (guardian's rows)."""
    from guardian.models import UserObjectPermission

    return (
        list(User.objects.values_list("pk", "is_active", "identity_code_hash")),
        list(User.groups.through.objects.values_list("user_id", "group_id")),
        list(UserObjectPermission.objects.values_list("user_id", "permission_id", "object_pk")),
    )


def _deactivated(user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    return user


@pytest.mark.parametrize("name", list(CASES))
def test_the_service_writes_one_typed_event_per_object_it_changes(office, name):
    case = CASES[name]
    if name == "entry_correct":
        _first_entry(office)
    if name in JUSTIFICATION_SETUP:
        _justification(office, **JUSTIFICATION_SETUP[name])
    before = AccessEvent.objects.count()

    case.run(office)

    written = list(AccessEvent.objects.order_by("pk")[before:])
    expected = case.events(office)
    assert [(event.action, event.target_type, event.target_id) for event in written] == [
        (action, target._meta.label_lower, str(target.pk)) for action, target in expected
    ]
    assert all(event.action in CHANGES for event in written)
    assert {event.actor for event in written} == {_actor(office, name)}


def _actor(office, name):
    if CASES[name].by_official:
        return office.official
    if CASES[name].by_supervisor:
        return office.supervisor
    if name.startswith(
        (
            "service_need",
            "consent",
            "entry",
            "health",
            "access_application_submit",
            "justification_answer",
        )
    ):
        return office.worker
    return office.admin


def _with_ended_relationship(client):
    relationship = client.relationship
    relationship.ended_on = timezone.localdate() - datetime.timedelta(days=1)
    relationship.save()
    return client


@pytest.mark.rule("000-6-views-logged")
@pytest.mark.parametrize("name", list(CASES))
def test_the_change_is_rolled_back_when_its_event_cannot_be_written(office, name):
    case = CASES[name]
    if name == "two_factor_reset":
        authenticator(office.worker)
    if name == "account_reactivate":
        _deactivated(office.worker)
    if name == "entry_correct":
        _first_entry(office)
    if name in JUSTIFICATION_SETUP:
        _justification(office, **JUSTIFICATION_SETUP[name])
    before = case.state(office)
    block_access_event_inserts()

    with pytest.raises(DatabaseError), transaction.atomic():
        _run_unlocking_first(case, office, name)

    assert case.state(office) == before


def _run_unlocking_first(case, office, name):
    if name == "account_unlock":
        lock(office.worker)
        account_unlock(actor=office.admin, username=office.worker.username)
    elif name == "two_factor_reset":
        two_factor_reset(actor=office.admin, user=office.worker)
    elif name == "account_reactivate":
        account_reactivate(actor=office.admin, account=office.worker)
    else:
        case.run(office)


def test_a_failed_unlock_event_leaves_the_account_locked(office):
    from axes.models import AccessAttempt

    lock(office.worker)
    block_access_event_inserts()

    with pytest.raises(DatabaseError), transaction.atomic():
        account_unlock(actor=office.admin, username=office.worker.username)

    assert AccessAttempt.objects.filter(username=office.worker.username).exists()


def test_every_change_code_has_a_case_or_is_written_elsewhere():
    written_here = {
        Action.ENTRY_RECORDED,
        Action.ENTRY_CORRECTED,
        Action.CLIENT_REGISTERED,
        Action.CLIENT_MOVED,
        Action.RELATIONSHIP_STARTED,
        Action.RELATIONSHIP_ENDED,
        Action.REFERRAL_RECORDED,
        Action.REFERRAL_ENDED,
        Action.SERVICE_NEED_DOCUMENTED,
        Action.CONSENT_RECORDED,
        Action.CONSENT_WITHDRAWN,
        Action.CONSENT_SCAN_ATTACHED,
        Action.APPLICATION_SUBMITTED,
        Action.APPLICATION_APPROVED,
        Action.APPLICATION_REJECTED,
        Action.GRANT_APPROVED,
        Action.GRANT_CHANGED,
        Action.GRANT_REVOKED,
        Action.AGREEMENT_RECORDED,
        Action.AGREEMENT_TERMINATED,
        Action.AGREEMENT_ENDED,
        Action.ACCOUNT_UNLOCKED,
        Action.TWO_FACTOR_RESET,
        Action.ACCOUNT_CREATED,
        Action.ACCOUNT_CHANGED,
        Action.ACCOUNT_DEACTIVATED,
        Action.ACCOUNT_REACTIVATED,
        Action.CLIENT_CONTACT_CHANGED,
        Action.HEALTH_ITEM_RECORDED,
        Action.HEALTH_ITEM_ERASED,
        Action.JUSTIFICATION_REQUESTED,
        Action.JUSTIFICATION_ANSWERED,
        Action.JUSTIFICATION_CLOSED,
        Action.JUSTIFICATION_REPORT_HANDLED,
        Action.RULE_CHANGED,
        Action.CASE_CLOSED,
    }
    # tests/review/test_screening.py proves the event of a screening asked for, which names no
    # object (it enqueues a task once committed).
    # Sign-in steps: tests/access/test_two_factor.py proves enrolment's event,
    # tests/access/test_open_sessions.py that of ending one's other sessions;
    # tests/audit/test_redaction.py that of the log's purge.
    elsewhere = {
        Action.TWO_FACTOR_ENROLLED,
        Action.SESSIONS_ENDED,
        Action.LOG_REDACTED,
        Action.SCREENING_REQUESTED,
    }
    assert written_here | elsewhere == CHANGES


@pytest.mark.parametrize("action", list(Action))
def test_every_action_shows_its_own_label_as_django_would(action):
    event = AccessEvent(action=action, decision=AccessEvent.Decision.DENIED)

    assert event.get_action_display() == str(action.label)
    assert event.get_decision_display() == str(AccessEvent.Decision.DENIED.label)


def test_a_code_without_a_label_shows_as_itself():
    event = AccessEvent(action="atmt.unknown.code", decision="")

    assert (event.get_action_display(), event.get_decision_display()) == ("atmt.unknown.code", "")


@pytest.mark.django_db
def test_generated_history_is_written_as_given_in_order_and_queued_for_the_tree():
    actor = UserFactory()
    given = [
        (timezone.now() - datetime.timedelta(days=3), Action.CLIENT_LISTED),
        (timezone.now() - datetime.timedelta(days=2), Action.CLIENT_SEARCHED),
        (timezone.now() - datetime.timedelta(days=1), Action.CLIENT_VIEWED),
    ]
    events = (
        AccessEvent(actor=actor, actor_username=actor.username, occurred_at=at, action=action)
        for at, action in given
    )

    ids = history_load(events)

    written = AccessEvent.objects.filter(pk__in=ids).order_by("id")
    assert list(written.values_list("id", flat=True)) == ids
    assert list(written.values_list("occurred_at", "action")) == given
    assert set(PendingEvent.objects.values_list("event_id", flat=True)) >= set(ids)
