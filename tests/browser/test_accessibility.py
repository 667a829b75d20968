"""axe-core on every page each role reaches: no serious or critical violation anywhere.

One walk a role, signed in once, straight to each page's address; the few pages that need a
choice first (the purpose, a search) get it as a person would give it. The violations of the
whole walk are reported together.
"""

import base64
import datetime

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from access.models import AccessApplication, AccessGrant, User, WorkerAgreement
from access.roles import Role
from audit.actions import Action
from audit.models import AccessEvent
from audit.services import look_record
from clients.models import Client, ClientGroup, Municipality
from consent.models import Consent
from demo.clients import DEMO_SPECIAL_CLIENTS
from entries.models import EntryVersion
from review import rules
from review.justification import justification_answer, justification_close, justification_request
from review.models import Case, JustificationRequest
from review.services import rule_setting_change
from sign_in.first_password import first_password_path
from tests.browser.axe import accessibility_violations
from tests.browser.conftest import DESKTOP_VIEWPORT
from tests.browser.steps import heading, sign_in, sign_in_with_password
from tests.browser.test_client_record_journey import (
    forgive_refusal,
    search_by_identity_code,
    state_purpose,
)
from tests.browser.test_entries_journey import FLAWED, fill_entry
from tests.browser.test_health_journey import WORK_ABILITY, choose_purpose
from tests.factories import TEST_PASSWORD, UserFactory, identity_code_for
from tests.review.conftest import days_ago, event_of

pytestmark = pytest.mark.browser

# A tablet's width too: there the wide tables scroll inside their containers.
CHECKED_VIEWPORTS = (DESKTOP_VIEWPORT, {"width": 800, "height": 800})
# A phone's, for the pages checked there too: their tables stack into cards.
PHONE_VIEWPORT = {"width": 390, "height": 844}
SPECIAL = {special.name: special for special in DEMO_SPECIAL_CLIENTS}
KAIKKONEN = SPECIAL["Kalle Kaikkonen"]
RYYNANEN = SPECIAL["Raimo Ryynänen"]


class Walk:
    """Visits pages and gathers what axe finds on each."""

    def __init__(self, page: Page, base_url: str, screenshot_dir, role: str):
        self.page, self.base_url, self.role = page, base_url, role
        self.screenshot_dir = screenshot_dir
        self.violations: list[str] = []

    def check(self, name: str, *, phone: bool = False) -> None:
        """Check the page at the desktop width and at a tablet's, where wide tables scroll; with
        `phone`, at a phone's too, and keep whole-page screenshots at the desktop's and the
        phone's width."""
        self.page.wait_for_load_state()
        shot = self.screenshot_dir / f"axe-{self.role}-{name}.png"
        self.page.screenshot(path=shot, full_page=phone)
        for viewport in (*CHECKED_VIEWPORTS, *([PHONE_VIEWPORT] if phone else [])):
            self.page.set_viewport_size(viewport)
            self.violations += accessibility_violations(self.page)
        if phone:
            self.page.screenshot(path=shot.with_name(f"{shot.stem}-phone.png"), full_page=True)
        self.page.set_viewport_size(DESKTOP_VIEWPORT)

    def visit(self, name: str, path: str, *, phone: bool = False) -> None:
        self.page.goto(f"{self.base_url}{path}")
        self.check(name, phone=phone)

    def visit_on_a_phone_too(self, name: str, path: str) -> None:
        """A page drawn for small screens as well: whole-page pictures at both sizes, and axe
        at a phone's width besides the others."""
        self.visit(name, path)
        self.page.screenshot(
            path=self.screenshot_dir / f"axe-{self.role}-{name}-full.png", full_page=True
        )
        self.page.set_viewport_size(PHONE_VIEWPORT)
        self.page.screenshot(
            path=self.screenshot_dir / f"axe-{self.role}-{name}-phone.png", full_page=True
        )
        self.violations += accessibility_violations(self.page)
        self.page.set_viewport_size(DESKTOP_VIEWPORT)

    def assert_clean(self) -> None:
        assert self.violations == [], "axe-core found:\n" + "\n".join(self.violations)


def client_id(special) -> int:
    return Client.objects.get(identity_code=special.identity_code).pk


def test_sign_in_pages_have_no_serious_accessibility_violation(
    page: Page, other_page: Page, live_server, demo_users, screenshot_dir, browser_errors
):
    walk = Walk(page, live_server.url, screenshot_dir, "sign-in")
    walk.visit("login", "/sign-in/")
    # A new member of staff's first password, from the link their administrator handed them.
    page.goto(f"{live_server.url}{first_password_path(UserFactory(username='tuore'))}")
    expect(heading(page)).to_have_text("Aseta salasanasi")
    walk.check("first-password")
    walk.visit("first-password-invalid", "/sign-in/first-password/MQ/no-such-token/")
    page.goto(f"{live_server.url}/sign-in/")
    sign_in_with_password(page, "ohjaaja", demo_users)
    expect(heading(page)).to_have_text("Kertakäyttökoodi")
    walk.check("code")

    UserFactory(username="uusi", first_name="Uuno", last_name="Uusi", roles=[Role.SUPERVISOR])
    other = other_page
    other.goto(f"{live_server.url}/sign-in/")
    sign_in_with_password(other, "uusi", TEST_PASSWORD)
    expect(heading(other)).to_have_text("Ota kaksivaiheinen tunnistautuminen käyttöön")
    walk.page = other
    walk.check("enrol")
    typed_key = other.get_by_test_id("manual-key").inner_text().replace(" ", "")
    other.get_by_label("Kertakäyttökoodi").fill(f"{totp(base64.b32decode(typed_key)):06d}")
    other.get_by_role("button", name="Vahvista").click()
    expect(heading(other)).to_have_text("Varakoodit")
    walk.check("recovery-codes")

    # Five wrong passwords from one browser: the locked-out page.
    UserFactory(username="lukko", roles=[Role.CASE_WORKER])
    walk.page = page
    page.context.clear_cookies()
    for _ in range(5):
        page.goto(f"{live_server.url}/sign-in/")
        sign_in_with_password(page, "lukko", "not-the-password")
    walk.check("locked-out")
    forgive_refusal(browser_errors, f"{live_server.url}/sign-in/", status="429 (Too Many Requests)")
    walk.assert_clean()


def test_case_worker_pages_have_no_serious_accessibility_violation(
    page: Page, live_server, demo_clients, screenshot_dir, browser_errors
):
    asked = asked_of_ohjaaja()
    walk = Walk(page, live_server.url, screenshot_dir, "case-worker")
    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_clients)
    walk.check("home")
    walk.visit("justification-answer", f"/justifications/{asked.pk}/answer/")
    walk.visit("caseload", "/clients/")
    walk.visit("search", "/clients/search/")
    search_by_identity_code(page, KAIKKONEN)
    walk.check("search-results")

    kalle = client_id(KAIKKONEN)
    walk.visit("purpose", f"/clients/{kalle}/purpose/")
    state_purpose(page)
    walk.check("record")
    walk.visit("entry-new", f"/clients/{kalle}/entries/new/")
    fill_entry(page, FLAWED)
    page.get_by_role("button", name="Tarkista ja tallenna kirjaus").click()
    walk.check("entry-findings")
    corrected = EntryVersion.objects.filter(entry__client_id=kalle, number=2).get()
    walk.visit("entry-history", f"/clients/{kalle}/entries/{corrected.entry_id}/")
    walk.visit("entry-correct", f"/clients/{kalle}/entries/{corrected.entry_id}/correct/")
    walk.visit("consents", f"/clients/{kalle}/consents/")
    walk.visit("consent-new", f"/clients/{kalle}/consents/new/")
    consent = Consent.objects.filter(client_id=kalle).order_by("-pk").first()
    assert consent is not None
    walk.visit("consent-withdraw", f"/clients/{kalle}/consents/{consent.pk}/withdraw/")
    walk.visit("consent-attach-scan", f"/clients/{kalle}/consents/{consent.pk}/scan/attach/")
    choose_purpose(page, live_server.url, kalle, WORK_ABILITY)
    walk.check("record-health-open")
    walk.visit("health", f"/clients/{kalle}/health/")
    walk.visit("health-new", f"/clients/{kalle}/health/new/")
    walk.visit("apply", "/access-rights/apply/")
    # The page that tells workers how they are screened, with two rules in use and one not.
    esihenkilo = User.objects.get(username="esihenkilo")
    for code in (rules.OUT_OF_HOURS, rules.UNSERVED):
        rule_setting_change(actor=esihenkilo, rule=code, enabled=True, values={})
    walk.visit("watched", "/screening/", phone=True)

    raimo = client_id(RYYNANEN)
    page.goto(f"{live_server.url}/clients/{raimo}/purpose/")
    state_purpose(page)
    walk.check("denied")
    forgive_refusal(browser_errors, f"{live_server.url}/clients/{raimo}/")
    walk.assert_clean()


def test_supervisor_pages_have_no_serious_accessibility_violation(
    page: Page, live_server, demo_history, screenshot_dir, browser_errors
):
    walk = Walk(page, live_server.url, screenshot_dir, "supervisor")
    page.goto(f"{live_server.url}/")
    sign_in(page, "esihenkilo", demo_history)
    walk.check("home")
    _walk_screening(walk)
    walk.visit("access-log", "/access-log/")
    worker = User.objects.filter(agreements__municipality__code="167").first()
    viewed = event_of(worker, client=Client.objects.first(), purpose_code="meeting")
    event_of(worker, decision="denied", reason_codes=["consent_missing"])
    walk.visit("access-log-search", "/access-log/?decision=allowed&purpose=meeting")
    walk.visit("access-log-event", f"/access-log/events/{viewed.pk}/")
    looked = a_month_of_looks(worker)
    walk.visit_on_a_phone_too("worker", f"/access-log/workers/{worker.pk}/")
    walk.visit_on_a_phone_too("client", f"/access-log/events/{looked.pk}/client/")
    walk.visit("access-log-refused", "/access-log/?period_from=2026-02-30")
    refused = f"{live_server.url}/access-log/?period_from=2026-02-30"
    forgive_refusal(browser_errors, refused, "400 (Bad Request)")
    asked = asked_of_ohjaaja(step="answered")
    walk.visit("justifications", "/access-log/justifications/")
    walk.visit(
        "justification-new", f"/access-log/justifications/new/?event={asked.events.get().pk}"
    )
    walk.visit("justification-detail", f"/access-log/justifications/{asked.pk}/")
    walk.visit("sessions", "/sessions/")
    walk.visit("password", "/password/")
    walk.visit("apply", "/access-rights/apply/")
    walk.assert_clean()


def a_month_of_looks(worker: User) -> AccessEvent:
    """Three weeks of `worker`'s looks, and some of a colleague's: some explained by an entry,
    some out of hours (from six in the evening, and at weekends), some denied, so that the
    worker's and the clients' pages show every kind. The newest look at the first client."""
    clients = list(Client.objects.order_by("pk")[:4])
    colleague = (
        User.objects.filter(agreements__municipality__code="167").exclude(pk=worker.pk).first()
    )
    at_the_first = []
    for days in range(21, 0, -1):  # oldest first, as the log is written
        if days % 3 == 0:
            event_of(
                worker,
                client=clients[0],
                action=Action.ENTRY_RECORDED,
                decision="",
                occurred_at=days_ago(days, hour=8),
                target_type="entries.caseentry",
                target_id="1",
            )
        for n, client in enumerate(clients[: 1 + days % 4]):
            denied = (days + n) % 7 == 0
            looked = event_of(
                worker,
                client=client,
                occurred_at=days_ago(days, hour=9 + 3 * n),
                purpose_code="meeting",
                decision="denied" if denied else "allowed",
                reason_codes=["consent_missing"] if denied else [],
            )
            if n == 0:
                at_the_first.append(looked)
        if colleague and days % 5 == 0:
            event_of(colleague, client=clients[0], occurred_at=days_ago(days, hour=14))
    return at_the_first[-1]


def _walk_screening(walk: Walk) -> None:
    """The rules (one with a history of versions, one switched off), a rule's page (soon after
    signing in: it asks for a recent sign-in), a preview that finds the demo's night look, the
    cases and the demo's case with alerts of two rules, and asking from it."""
    supervisor = User.objects.get(username="esihenkilo")
    rule_setting_change(
        actor=supervisor, rule=rules.OUT_OF_HOURS, enabled=True, values={"ends_at": 17}
    )
    rule_setting_change(actor=supervisor, rule=rules.SEARCHES, enabled=False, values={})
    walk.visit("rule", f"/access-log/rules/{rules.OUT_OF_HOURS}/")
    walk.visit("rules", "/access-log/rules/", phone=True)
    walk.visit("rule-preview-form", f"/access-log/rules/{rules.OUT_OF_HOURS}/preview/")
    walk.page.get_by_role("button", name="Esikatsele", exact=True).click()
    expect(walk.page.get_by_test_id("preview-findings")).to_be_visible()
    walk.check("rule-preview", phone=True)
    walk.visit("cases", "/access-log/cases/", phone=True)
    case = Case.objects.get()
    assert case.alerts.values("rule").distinct().count() > 1
    walk.visit("case", f"/access-log/cases/{case.pk}/", phone=True)
    walk.visit("justification-from-case", f"/access-log/justifications/new/?case={case.pk}")


def test_access_administrator_pages_have_no_serious_accessibility_violation(
    page: Page, live_server, demo_clients, screenshot_dir
):
    worker = User.objects.get(username="ohjaaja")
    now = timezone.now()
    application = AccessApplication.objects.create(
        applicant=worker,
        applied_by=worker,
        municipality=Municipality.objects.get(code="167"),
        authority=AccessApplication.Authority.VIEW,
        valid_from=now,
        valid_until=now + datetime.timedelta(days=60),
        tasks="Ohjaamon nuorten ohjaus",
    )
    application.client_groups.set(ClientGroup.objects.all()[:1])
    grant = AccessGrant.objects.filter(grantee=worker).order_by("pk").first()
    agreement = WorkerAgreement.objects.filter(worker=worker).order_by("pk").first()
    assert grant is not None and agreement is not None

    walk = Walk(page, live_server.url, screenshot_dir, "access-admin")
    page.goto(f"{live_server.url}/")
    sign_in(page, "paakayttaja", demo_clients)
    walk.check("home")
    walk.visit("overview", "/access-rights/")
    walk.visit("decide", f"/access-rights/applications/{application.pk}/")
    walk.visit("change", f"/access-rights/grants/{grant.pk}/change/")
    walk.visit("revoke", f"/access-rights/grants/{grant.pk}/revoke/")
    walk.visit("users", "/access-rights/users/")
    walk.visit("user", f"/access-rights/users/{worker.pk}/")
    walk.visit("agreement-new", "/access-rights/agreements/new/")
    walk.visit("agreement-terminate", f"/access-rights/agreements/{agreement.pk}/terminate/")
    walk.visit("agreement-duties", f"/access-rights/agreements/{agreement.pk}/duties-changed/")
    walk.visit("locked-accounts", "/access-rights/locked-accounts/")
    walk.visit("two-factor-reset", f"/access-rights/users/{worker.pk}/two-factor-reset/")
    walk.visit("identity-confirm", "/sign-in/confirm/?next=/access-rights/")
    reported = asked_of_ohjaaja(step="closed")
    walk.visit("grounds-reports", "/access-log/justifications/reports/")
    walk.visit(
        "grounds-report-handle", f"/access-log/justifications/reports/{reported.pk}/handled/"
    )
    _walk_staff_accounts(walk, worker)
    walk.assert_clean()


def asked_of_ohjaaja(step: str = "open") -> JustificationRequest:
    """The demo supervisor's request to the demo worker about a view, taken to `step`."""
    worker = User.objects.get(username="ohjaaja")
    supervisor = User.objects.get(username="esihenkilo")
    client = Client.objects.get(identity_code=KAIKKONEN.identity_code)
    event = look_record(
        actor=worker,
        action=Action.CLIENT_VIEWED,
        at=timezone.now(),
        client=client,
        purpose_code="meeting",
    )
    asked = justification_request(
        supervisor=supervisor,
        worker=worker,
        events=[event],
        question="Miksi avasit asiakkaan tiedot?",
        due_on=timezone.localdate(),
    )
    if step in ("answered", "closed"):
        asked = justification_answer(worker=worker, request=asked, answer="Tapaaminen.")
    if step == "closed":
        asked = justification_close(
            supervisor=supervisor, request=asked, finding="not_justified", note="Ei perustetta."
        )
    return asked


def test_labour_official_pages_have_no_serious_accessibility_violation(
    page: Page, live_server, demo_clients, screenshot_dir
):
    client = Client.objects.get(identity_code=KAIKKONEN.identity_code)
    referral = client.referrals.order_by("pk").first()
    assert referral is not None

    walk = Walk(page, live_server.url, screenshot_dir, "labour-official")
    page.goto(f"{live_server.url}/")
    sign_in(page, "virkailija", demo_clients)
    walk.check("home")
    walk.visit("intake", "/intake/")
    # A lookup's answer, as a person gets it: the code of a client not registered anywhere.
    page.get_by_label("Henkilötunnus").fill(identity_code_for(datetime.date(1999, 1, 1), 321))
    page.get_by_role("button", name="Hae", exact=True).click()
    expect(page.get_by_role("heading", name="Ei rekisteröity")).to_be_visible()
    walk.check("intake-not-registered")
    walk.visit("register", "/intake/register/")
    # The register form with its errors shown.
    page.get_by_role("button", name="Rekisteröi", exact=True).click()
    walk.check("register-errors")
    base = f"/intake/clients/{client.pk}/"
    walk.visit("client", base)
    walk.visit("refer", f"{base}refer/")
    walk.visit("referral-end", f"{base}referrals/{referral.pk}/end/")
    walk.visit("service-need", f"{base}service-need/")
    walk.visit("move", f"{base}move/")
    walk.visit("relationship-end", f"{base}relationship/end/")
    walk.visit("relationship-new", f"{base}relationship/new/")
    walk.assert_clean()


def _walk_staff_accounts(walk: Walk, worker: User) -> None:
    newcomer = UserFactory(username="uusi", first_name="Uuno", last_name="Uusi")
    away = UserFactory(username="poissa", is_active=False)
    walk.visit("staff", "/access-rights/staff/")
    walk.visit("staff-new", "/access-rights/staff/new/")
    walk.page.get_by_role("button", name="Luo tunnus").click()
    expect(walk.page.locator(".hds-text-input__error-text").first).to_be_visible()
    walk.check("staff-new-errors")
    walk.visit("staff-account", f"/access-rights/staff/{newcomer.pk}/")
    walk.page.get_by_role("button", name="Tee kirjautumislinkki").click()
    expect(walk.page.get_by_test_id("sign-in-link")).to_be_visible()
    walk.check("staff-sign-in-link")
    walk.visit("staff-deactivate", f"/access-rights/staff/{worker.pk}/deactivate/")
    walk.visit("staff-reactivate", f"/access-rights/staff/{away.pk}/reactivate/")
