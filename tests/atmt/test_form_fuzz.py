"""A property-based fuzzer over every form: hostile values never give a server error, and a
refusal changes nothing in the database but the log rows a refusal is meant to leave.

Hypothesis runs with a fixed number of examples and derandomized, so CI repeats the same run.
Each example runs in a savepoint that is rolled back, so every example meets the same data. It runs
once, on PostgreSQL: the forms are the same on both databases.
"""

import copy
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.apps import apps
from django.db import connection, transaction
from django.test import Client as PasswordOnlyClient
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from guardian.shortcuts import assign_perm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import access.forms
import consent.forms
import entries.forms
import health.forms
import intake.forms
import records.forms
import review.forms
import review.justification_forms
import sign_in.forms
from access.models import AccessApplication, AccessGrant, User, WorkerAgreement
from access.roles import Role
from access.scope import OVERSEE
from atmt.forms import HdsFormMixin
from audit.actions import Action
from audit.services import look_record
from consent.models import Consent
from entries.models import EntryVersion
from entries.services import EntryText, entry_record
from review.justification import justification_answer, justification_close, justification_request
from review.models import JustificationRequest
from sign_in.first_password import first_password_path
from tests.factories import UserFactory, client_group, identity_code_for
from tests.pages import state_purpose
from tests.sign_in import SignedInClient, authenticator

EXAMPLES_PER_FORM = 20

# What a refusal may leave behind: the access log, django-axes' failure records, the session.
LOG_MODELS = {
    "audit.accessevent",
    "audit.pendingevent",  # the sequencer's queue: every event, refused or not, enters it
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "sessions.session",
}
# django-otp counts a device's wrong codes on the device row: a failure record too.
FAILURE_COUNTERS = "throttling_"

HOSTILE_STRINGS = [
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "2101-01-01",
    "-1",
    "0",
    "99999999999999999999999",
    "2026-02-30",
    "1e309",
    "NaN",
    "",
    " ",
    "\x00",
    "\x1b[31m",
    "line\r\nbreak",
    "\u202eevil",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "a" * 10_000,
    "ä" * 300,
    "😀" * 100,
    "131052-308T",
]

# Values that gave server errors before (date overflow, an over-long user name, a huge key).
SWEEP_VALUES = ["9999-12-31", "0001-01-01", "a" * 300, "9" * 30, "\x1b"]

hostile_value = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Cc"]), min_size=1, max_size=4),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
)


def field_value(good: str | list[str]):
    """A field's hostile value: a hostile one, several, or none at all."""
    return st.one_of(
        hostile_value,
        st.lists(hostile_value, min_size=2, max_size=3),
        st.just(None),
    )


@dataclass
class Target:
    """One form as it is posted: by whom, where, and a valid submission to mutate."""

    name: str
    forms: tuple[type[forms.BaseForm], ...]
    role: str
    path: Callable[["World"], str]
    good: Callable[["World"], dict]
    method: str = "post"


@dataclass
class World:
    setting: object
    application: AccessApplication
    grant: AccessGrant
    agreement: WorkerAgreement
    consent: Consent
    clients: dict
    entry: EntryVersion
    justifications: dict[str, JustificationRequest]


def today(days=0) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def scope(world: World) -> dict:
    return {
        "municipality": str(world.grant.municipality_id),
        "client_groups": [str(client_group("ohjaamo_youth").pk)],
        "authority": "view",
        "first_day": today(1),
        "last_day": today(30),
    }


TARGETS = [
    Target(
        "sign-in",
        (sign_in.forms.SignInForm,),
        "anonymous",
        lambda w: "/sign-in/",
        lambda w: {"username": "worker", "password": "not-the-password"},
    ),
    Target(
        "language",
        (),
        "anonymous",
        lambda w: "/language/",
        lambda w: {"language": "sv", "next": "/"},
    ),
    Target(
        "code",
        (sign_in.forms.OneTimeCodeForm,),
        "password_only",
        lambda w: "/sign-in/code/",
        lambda w: {"code": "000000", "next": "/"},
    ),
    Target(
        "enrol",
        (sign_in.forms.EnrolmentCodeForm,),
        "not_enrolled",
        lambda w: "/sign-in/enrol/",
        lambda w: {"code": "000000", "next": "/"},
    ),
    Target(
        "confirm",
        (sign_in.forms.IdentityConfirmationForm,),
        "access_admin",
        lambda w: "/sign-in/confirm/",
        lambda w: {"password": "wrong", "code": "000000", "next": "/"},
    ),
    Target(
        "apply",
        (access.forms.AccessApplicationForm, access.forms.GrantScopeForm),
        "worker",
        lambda w: "/access-rights/apply/",
        lambda w: scope(w) | {"tasks": "Ohjaamon neuvonta"},
    ),
    Target(
        "apply-for-worker",
        (access.forms.ApplicationForWorkerForm,),
        "supervisor",
        lambda w: "/access-rights/apply/",
        lambda w: scope(w) | {"tasks": "Neuvonta", "applicant": str(w.setting.worker.pk)},
    ),
    Target(
        "decide",
        (access.forms.DecisionForm,),
        "access_admin",
        lambda w: f"/access-rights/applications/{w.application.pk}/",
        lambda w: scope(w) | {"decision": "reject", "reason": ""},
    ),
    Target(
        "revoke",
        (access.forms.RevocationForm,),
        "access_admin",
        lambda w: f"/access-rights/grants/{w.grant.pk}/revoke/",
        lambda w: {"reason": "Tehtävät päättyivät"},
    ),
    Target(
        "change",
        (access.forms.GrantChangeForm,),
        "access_admin",
        lambda w: f"/access-rights/grants/{w.grant.pk}/change/",
        lambda w: scope(w) | {"reason": "Kapeampi"},
    ),
    Target(
        "agreement",
        (access.forms.WorkerAgreementForm,),
        "access_admin",
        lambda w: "/access-rights/agreements/new/",
        lambda w: {
            "worker": str(w.setting.worker.pk),
            "employment_area": "Pohjois-Karjala",
            "municipality": str(w.grant.municipality_id),
            "signed_on": today(),
        },
    ),
    Target(
        "terminate",
        (access.forms.AgreementTerminationForm,),
        "access_admin",
        lambda w: f"/access-rights/agreements/{w.agreement.pk}/terminate/",
        lambda w: {"notice_given_on": today()},
    ),
    Target(
        "duties-changed",
        (access.forms.DutiesChangedForm,),
        "access_admin",
        lambda w: f"/access-rights/agreements/{w.agreement.pk}/duties-changed/",
        lambda w: {"confirm": ""},
    ),
    Target(
        "grant-filter",
        (access.forms.GrantFilterForm,),
        "access_admin",
        lambda w: "/access-rights/",
        lambda w: {"text": "worker", "municipality": "", "client_group": "", "page": "1"},
        method="get",
    ),
    Target(
        "user-search",
        (access.forms.UserSearchForm,),
        "access_admin",
        lambda w: "/access-rights/users/",
        lambda w: {"text": "worker"},
        method="get",
    ),
    Target(
        "unlock",
        (access.forms.UnlockForm,),
        "access_admin",
        lambda w: "/access-rights/locked-accounts/",
        lambda w: {"username": "nobody"},
    ),
    Target(
        "staff-new",
        (access.forms.StaffAccountForm,),
        "access_admin",
        lambda w: "/access-rights/staff/new/",
        lambda w: {
            "username": "uusi",
            "first_name": "Uuno",
            "last_name": "Uusi",
            "email": "",
            "organisation": "KEHA",
            "identity_code": "131052-308T",
            "roles": ["labour_official"],
            "served": [str(w.grant.municipality_id)],
        },
    ),
    Target(
        "staff-account",
        (access.forms.StaffRolesForm,),
        "access_admin",
        lambda w: f"/access-rights/staff/{w.setting.worker.pk}/",
        lambda w: {
            "roles": ["case_worker", "supervisor"],
            "overseen": [str(w.grant.municipality_id)],
        },
    ),
    Target(
        "staff-filter",
        (access.forms.StaffFilterForm,),
        "access_admin",
        lambda w: "/access-rights/staff/",
        lambda w: {"state": "active", "role": "supervisor", "page": "1"},
        method="get",
    ),
    Target(
        "first-password",
        (sign_in.forms.FirstPasswordForm,),
        "new_staff",
        # After its link: Django's view has moved the token into the session.
        lambda w: f"/sign-in/first-password/{_uidb64(NEW_STAFF)}/set-password/",
        lambda w: {
            "new_password1": "oma-uusi-salasana-2026",
            "new_password2": "oma-uusi-salasana-2026",
        },
    ),
    Target(
        "caseload-filter",
        (records.forms.CaseloadFilterForm,),
        "worker",
        lambda w: "/clients/",
        lambda w: {"name": "", "client_group": "", "sort": "name", "page": "1"},
        method="get",
    ),
    Target(
        "own-password",
        (sign_in.forms.OwnPasswordChangeForm,),
        "worker",
        lambda w: "/password/",
        # The old password is wrong, so that no example changes it for the ones after.
        lambda w: {
            "old_password": "not-the-password",
            "new_password1": "uusi-salasana-2026-kevät",
            "new_password2": "uusi-salasana-2026-kevät",
        },
    ),
    Target(
        "attach-scan",
        (consent.forms.ConsentScanForm,),
        "worker",
        lambda w: f"/clients/{w.setting.openable.pk}/consents/{w.consent.pk}/scan/attach/",
        lambda w: {"scan": ""},
    ),
    Target(
        "access-log",
        (review.forms.LogSearchForm,),
        "supervisor",
        lambda w: "/access-log/",
        lambda w: {
            "worker": str(w.setting.worker.pk),
            "period_from": today(-30),
            "period_to": today(),
            "action": "atmt.client.viewed",
            "decision": "allowed",
            "reason": "",
            "purpose": "meeting",
            "before": "1000",
        },
        method="get",
    ),
    Target(
        "access-log-by-client",
        (review.forms.LogSearchForm,),
        "supervisor",
        lambda w: "/access-log/",
        lambda w: {"identity_code": w.setting.openable.identity_code, "client": ""},
    ),
    Target(
        "search",
        (records.forms.ClientSearchForm,),
        "worker",
        lambda w: "/clients/search/",
        lambda w: {"identity_code": "", "last_name": "Avattava", "first_names": ""},
    ),
    Target(
        "purpose",
        (records.forms.PurposeForm,),
        "worker",
        lambda w: f"/clients/{w.setting.openable.pk}/purpose/",
        lambda w: {"purpose": "meeting", "note": ""},
    ),
    Target(
        "consent",
        (consent.forms.ConsentRecordForm,),
        "worker",
        lambda w: f"/clients/{w.setting.without_consent.pk}/consents/new/",
        lambda w: {
            "kind": "viewing",
            "status": "refused",
            "signed_on": today(),
            "place": "ohjaamo",
            "valid_until": "",
        },
    ),
    Target(
        "withdraw",
        (consent.forms.ConsentWithdrawForm,),
        "worker",
        lambda w: f"/clients/{w.setting.openable.pk}/consents/{w.consent.pk}/withdraw/",
        lambda w: {"channel": "phone", "note": ""},
    ),
    Target(
        "health-item",
        (health.forms.HealthItemForm,),
        "worker",
        lambda w: f"/clients/{w.setting.openable.pk}/health/new/",
        lambda w: {
            "kind": "limitation",
            "description": "Ei voi nostaa yli 10 kg",
            "source": "client",
            "source_detail": "",
            "information_date": today(),
        },
    ),
    Target(
        "entry-new",
        (entries.forms.EntryForm,),
        "worker",
        lambda w: f"/clients/{w.setting.openable.pk}/entries/new/",
        lambda w: _entry_fields(),
    ),
    Target(
        "entry-correct",
        (entries.forms.EntryCorrectionForm,),
        "worker",
        lambda w: f"/clients/{w.setting.openable.pk}/entries/{w.entry.entry_id}/correct/",
        lambda w: _entry_fields() | {"reason": "Tarkennettu"},
    ),
    Target(
        "intake-lookup",
        (intake.forms.IntakeLookupForm,),
        "official",
        lambda w: "/intake/",
        lambda w: {"identity_code": w.setting.openable.identity_code},
    ),
    Target(
        "register",
        (intake.forms.ClientRegisterForm,),
        "official",
        lambda w: "/intake/register/",
        lambda w: {
            "identity_code": identity_code_for(datetime.date(2003, 3, 3), 303),
            "first_names": "Uusi",
            "last_name": "Asiakas",
            "home_municipality": str(w.setting.openable.home_municipality_id),
            "mother_tongue": "fi",
            "service_language": "fi",
            "email": "",
            "postal_code": "80100",
            "started_on": today(),
            "source": "TE",
        },
    ),
    Target(
        "refer",
        (intake.forms.ReferralForm,),
        "official",
        lambda w: f"/intake/clients/{w.setting.openable.pk}/refer/",
        lambda w: {
            "group": str(client_group("long_term_unemployed").pk),
            "referring_authority": "Pohjois-Karjala",
            "referred_on": today(),
            "ended_on": "",
            "source": "TE",
        },
    ),
    Target(
        "referral-end",
        (intake.forms.ReferralEndForm,),
        "official",
        lambda w: (
            f"/intake/clients/{w.setting.openable.pk}/referrals/"
            f"{w.setting.openable.referrals.get().pk}/end/"
        ),
        lambda w: {"ended_on": today(), "reason": "employed"},
    ),
    Target(
        "service-need",
        (intake.forms.ServiceNeedForm,),
        "official",
        lambda w: f"/intake/clients/{w.setting.openable.pk}/service-need/",
        lambda w: {
            "assessment": "Uusi arvio",
            "assessed_on": today(),
            "assessed_by": "Neuvoja",
            "source": "TE",
        },
    ),
    Target(
        "move",
        (intake.forms.ClientMoveForm,),
        "official",
        lambda w: f"/intake/clients/{w.setting.openable.pk}/move/",
        lambda w: {
            "municipality": str(w.setting.elsewhere.home_municipality_id),
            "moved_on": today(),
            "source": "Väestötietojärjestelmä",
        },
    ),
    Target(
        "relationship-end",
        (intake.forms.RelationshipEndForm,),
        "official",
        lambda w: f"/intake/clients/{w.setting.openable.pk}/relationship/end/",
        lambda w: {"ended_on": today()},
    ),
    Target(
        "relationship-new",
        (intake.forms.RelationshipStartForm,),
        "official",
        lambda w: f"/intake/clients/{w.setting.openable.pk}/relationship/new/",
        lambda w: {"started_on": today(), "source": "TE"},
    ),
    Target(
        "justification-new",
        (review.justification_forms.JustificationRequestForm,),
        "supervisor",
        lambda w: (
            f"/access-log/justifications/new/?event={w.justifications['open'].events.get().pk}"
        ),
        lambda w: {"question": "Miksi?", "due_on": today(7), "more_events": []},
    ),
    Target(
        "justification-answer",
        (review.justification_forms.JustificationAnswerForm,),
        "worker",
        lambda w: f"/justifications/{w.justifications['open'].pk}/answer/",
        lambda w: {"answer": "Tapaaminen"},
    ),
    Target(
        "justification-close",
        (review.justification_forms.JustificationCloseForm,),
        "supervisor",
        lambda w: f"/access-log/justifications/{w.justifications['answered'].pk}/",
        lambda w: {"finding": "not_justified", "note": "Ei perustetta"},
    ),
    Target(
        "justification-report-handled",
        (review.justification_forms.GroundsReportHandledForm,),
        "access_admin",
        lambda w: f"/access-log/justifications/reports/{w.justifications['closed'].pk}/handled/",
        lambda w: {"note": "Oikeus peruttu"},
    ),
]


NEW_STAFF = "newstaff"


def _entry_fields() -> dict:
    return {
        "occurred_on": today(-1),
        "occurred_time": "10:30",
        "contact_method": "meeting",
        "participants": "Asiakas ja ohjaaja",
        "content": "Sovittiin työnhausta.",
        "source": "",
        "language": "fi",
        "acknowledged": "",
        "acknowledged_for": "",
    }


def _uidb64(username: str) -> str:
    return urlsafe_base64_encode(force_bytes(User.objects.get(username=username).pk))


def test_every_form_is_fuzzed():
    """A new form fails this until it is added to the fuzzer's targets."""
    fuzzed = {form for target in TARGETS for form in target.forms}
    declared = {
        value
        for module in (
            access.forms,
            consent.forms,
            entries.forms,
            health.forms,
            intake.forms,
            records.forms,
            review.forms,
            review.justification_forms,
            sign_in.forms,
        )
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, HdsFormMixin)
        and value.__module__ == module.__name__
    }
    assert declared <= fuzzed


def database_state() -> dict[str, str]:
    """A digest of every table but the log tables."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in LOG_MODELS:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if not field.name.startswith(FAILURE_COUNTERS)
        ]
        rows = list(model._base_manager.order_by("pk").values_list(*fields))
        state[label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return state


@pytest.fixture
def world(setting, supervisor, access_admin):
    application = AccessApplication.objects.create(
        applicant=setting.worker,
        applied_by=setting.worker,
        municipality=setting.openable.home_municipality,
        authority="view",
        valid_from=datetime.datetime.now(datetime.UTC),
        valid_until=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30),
        tasks="Ohjaamon neuvonta",
    )
    application.client_groups.set([client_group("ohjaamo_youth")])
    AccessGrant.objects.filter(grantee=setting.worker).update(health_data=True)
    return World(
        setting=setting,
        application=application,
        grant=AccessGrant.objects.get(grantee=setting.worker),
        agreement=WorkerAgreement.objects.get(worker=setting.worker),
        consent=Consent.objects.filter(client=setting.openable).latest("pk"),
        clients={},
        entry=entry_record(
            actor=setting.worker,
            client=setting.openable,
            text=EntryText(
                occurred_at=timezone.now() - datetime.timedelta(days=1),
                contact_method="phone",
                participants="Asiakas",
                content="Sovittiin työnhausta.",
                language="fi",
            ),
            findings=[],
            acknowledged=False,
        ),
        justifications=_justifications(setting, supervisor),
    )


def _justifications(setting, supervisor) -> dict[str, JustificationRequest]:
    """One request at each step, for the form of the next step."""
    assign_perm(OVERSEE, supervisor, setting.openable.home_municipality)
    event = look_record(
        actor=setting.worker,
        action=Action.CLIENT_VIEWED,
        at=timezone.now(),
        client=setting.openable,
    )

    def asked():
        return justification_request(
            supervisor=supervisor,
            worker=setting.worker,
            events=[event],
            question="Miksi?",
            due_on=timezone.localdate(),
        )

    def answered():
        return justification_answer(worker=setting.worker, request=asked(), answer="Tapaaminen")

    closed = justification_close(
        supervisor=supervisor, request=answered(), finding="not_justified", note="Ei"
    )
    return {"open": asked(), "answered": answered(), "closed": closed}


@pytest.fixture
def browsers(world, supervisor, access_admin):
    signed_in = {}
    for role, user in [
        ("worker", world.setting.worker),
        ("supervisor", supervisor),
        ("access_admin", access_admin),
    ]:
        signed_in[role] = SignedInClient()
        signed_in[role].force_login(user)
    state_purpose(signed_in["worker"], world.setting.without_consent, purpose="consent")
    # Assessing work ability opens the health section too (with the grant's health data flag).
    state_purpose(signed_in["worker"], world.setting.openable, purpose="work_ability")
    official = UserFactory(username="official", roles=[Role.LABOUR_OFFICIAL])
    assign_perm("clients.serve_municipality", official, world.setting.openable.home_municipality)
    signed_in["official"] = SignedInClient()
    signed_in["official"].force_login(official)
    signed_in["anonymous"] = PasswordOnlyClient()
    enrolled = UserFactory(username="enrolled", roles=[Role.CASE_WORKER])
    authenticator(enrolled)
    signed_in["password_only"] = PasswordOnlyClient()
    signed_in["password_only"].force_login(enrolled)
    signed_in["not_enrolled"] = PasswordOnlyClient()
    signed_in["not_enrolled"].force_login(UserFactory(username="newcomer"))
    # The first view of the enrolment page makes the pending device it shows; not a refusal's.
    signed_in["not_enrolled"].get("/sign-in/enrol/")
    # A new member of staff who has followed the link their administrator handed them.
    signed_in["new_staff"] = PasswordOnlyClient()
    signed_in["new_staff"].get(first_password_path(UserFactory(username=NEW_STAFF)))
    return signed_in


def submission(target: Target, world: World):
    """A valid submission with one or two fields made hostile (missing, several values, or a
    hostile value), so that each hostile value meets a form that is otherwise acceptable."""
    good = target.good(world)
    names = sorted(good)

    @st.composite
    def corrupted(draw):
        data = dict(good)
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)):
            data[name] = draw(field_value(good[name]))
        return data

    return corrupted()


@pytest.mark.rule("003-5-confidential")
@pytest.mark.parametrize("target", TARGETS, ids=[target.name for target in TARGETS])
def test_hostile_input_never_gives_a_server_error_nor_changes_data_when_refused(
    target, world, browsers
):
    # Once is enough, on the database production runs: the forms are the same on both.
    if connection.vendor != "postgresql":
        pytest.skip("the fuzzer runs once, on PostgreSQL")
    browser = browsers[target.role]
    path = target.path(world)

    # First a sweep: each field in turn gets each of the values that broke forms before.
    good = target.good(world)
    for name in sorted(good):
        for value in SWEEP_VALUES:
            post_and_check(browser, target, path, good | {name: value})

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=submission(target, world))
    def posting(data):
        post_and_check(browser, target, path, data)

    posting()


def post_and_check(browser, target: Target, path: str, data: dict) -> None:
    data = {name: value for name, value in data.items() if value is not None}
    cookies = copy.deepcopy(browser.cookies)
    try:
        with transaction.atomic():
            before = database_state()
            response = getattr(browser, target.method)(path, data)
            assert response.status_code < 500, (path, data)
            if not 300 <= response.status_code < 400:
                assert database_state() == before, (path, data)
            transaction.set_rollback(True)
    finally:
        browser.cookies = cookies
