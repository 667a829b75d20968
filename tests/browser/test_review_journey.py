"""From the screening's alert to the refused request, in three browsers side by side.

The demo history (demo/history.py) has `ohjaaja` open, at 22:40 four days ago, the record of a
client she never served; the demo's screening found it. The demo supervisor `esihenkilo` finds
the case, sees its alerts and the worker's picture of looks per day with the night look marked,
and asks her to justify the look from the case; she answers from her home page; the supervisor
closes the request "not justified"; the demo access administrator sees the reported grounds and
revokes her access right; her next request for that record is refused. Screenshots go to
var/screenshots/.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.history import NIGHT_LOOKER
from review import rules
from review.models import Alert, Case
from tests.browser.steps import heading, sign_in
from tests.browser.test_client_record_journey import forgive_refusal, nav_link

pytestmark = [pytest.mark.browser, pytest.mark.rule("000-8-review", "000-8-justification")]

QUESTION = "Mihin asiakkaan palveluun katselu liittyi?"
ANSWER = "Tarkistin tuttavan tietoja illalla kotoa."
NOTE = "Katselu ei liittynyt asiakkaan palveluprosessiin."


def test_from_the_alert_to_the_refused_request(
    page: Page,
    other_page: Page,
    new_context,
    live_server,
    demo_history,
    screenshot_dir,
    browser_errors,
):
    def screenshot(on: Page, step: str) -> None:
        on.screenshot(path=screenshot_dir / f"review-journey-{step}.png", full_page=True)

    case = Case.objects.get(worker__username=NIGHT_LOOKER)
    night_look = Alert.objects.get(case=case, rule=rules.OUT_OF_HOURS).events.get()
    record_url = f"{live_server.url}/clients/{night_look.client_id}/"
    worker, supervisor = page, other_page

    # The supervisor finds the case and its alerts.
    supervisor.goto(f"{live_server.url}/")
    sign_in(supervisor, "esihenkilo", demo_history)
    nav_link(supervisor, "Valvonta-asiat").click()
    supervisor.get_by_test_id(f"case-{case.pk}").get_by_role("link").first.click()
    expect(supervisor.get_by_test_id(f"alert-{rules.OUT_OF_HOURS}")).to_be_visible()
    expect(supervisor.get_by_test_id(f"alert-{rules.UNSERVED}")).to_be_visible()
    screenshot(supervisor, "1-case-fi")
    case_url = supervisor.url

    # The worker's picture: looks per day, the night look's day marked out of hours.
    supervisor.get_by_role("link", name="Työntekijän tapahtumat käyttölokissa").click()
    picture = supervisor.get_by_role("img", name=re.compile("^Asiakastietojen katselut päivittäin"))
    expect(picture).to_be_visible()
    night = timezone.localtime(night_look.occurred_at).strftime("%-d.%-m.%Y")
    expect(supervisor.get_by_role("row").filter(has_text=night).first).to_contain_text("1")
    screenshot(supervisor, "2-worker-fi")

    # Asked from the case: its events ticked.
    supervisor.goto(case_url)
    supervisor.get_by_test_id("ask-from-case").click()
    expect(heading(supervisor)).to_have_text("Pyydä perustelua")
    supervisor.get_by_label("Kysymys työntekijälle").fill(QUESTION)
    due = timezone.localdate() + datetime.timedelta(days=7)
    supervisor.get_by_label("Vastattava viimeistään").fill(due.isoformat())
    screenshot(supervisor, "3-ask-fi")
    supervisor.get_by_role("button", name="Lähetä pyyntö").click()
    expect(supervisor.get_by_text("Pyyntö on lähetetty työntekijälle.")).to_be_visible()
    request_url = supervisor.url

    # The worker answers from her home page.
    worker.goto(f"{live_server.url}/")
    sign_in(worker, NIGHT_LOOKER, demo_history)
    requests = worker.get_by_test_id("open-justification-requests")
    requests.get_by_role("link", name=f"Vastaa pyyntöön: {QUESTION}").click()
    worker.get_by_label("Vastauksesi").fill(ANSWER)
    worker.get_by_role("button", name="Lähetä vastaus").click()
    expect(worker.get_by_text("Vastauksesi on lähetetty esihenkilöllesi.")).to_be_visible()

    # The supervisor closes it "not justified": the grounds are reported.
    supervisor.goto(request_url)
    expect(supervisor.get_by_test_id("justification-answer")).to_have_text(ANSWER)
    supervisor.locator("label").get_by_text("perusteeton", exact=True).click()
    supervisor.get_by_label("Sulkemisen perustelu").fill(NOTE)
    supervisor.get_by_role("button", name="Sulje pyyntö").click()
    expect(supervisor.get_by_test_id("grounds-reported")).to_be_visible()
    screenshot(supervisor, "4-closed-fi")

    # The access administrator sees the reported grounds and revokes.
    admin = new_context().new_page()
    admin.goto(f"{live_server.url}/")
    sign_in(admin, "paakayttaja", demo_history)
    admin.get_by_test_id("grounds-reports-link").get_by_role(
        "link", name="Ilmoitetut perusteet"
    ).click()
    report = admin.get_by_test_id("grounds-report").filter(has_text="Aino Virtanen")
    expect(report).to_contain_text(NOTE)
    report.get_by_role("link", name="Työntekijän käyttöoikeudet").click()
    grants = admin.get_by_role("region", name="Käyttöoikeudet")
    grants.get_by_role("listitem").filter(has_text="Joensuu").get_by_role(
        "link", name="Peruuta"
    ).click()
    admin.get_by_label("Perustelu").fill("Perusteeton katselu, esihenkilön ilmoitus.")
    admin.get_by_role("button", name="Peruuta käyttöoikeus").click()
    expect(admin.get_by_text("Käyttöoikeus on peruutettu")).to_be_visible()
    screenshot(admin, "5-revoked-fi")

    # Her next request for the record is refused.
    worker.goto(record_url)
    expect(heading(worker)).to_have_text("Sivua ei löytynyt")
    forgive_refusal(browser_errors, worker.url, status="404 (Not Found)")
    screenshot(worker, "6-refused-fi")
