"""A justification request from the question to the revocation, in three browsers side by side.

The demo worker `ohjaaja` opens Kalle Kaikkonen's record. The demo supervisor `esihenkilo` finds
the view in the access log and asks her to justify it; she answers from her home page; the
supervisor closes the request "not justified". The demo access administrator `paakayttaja` sees
the reported grounds, revokes her access right through the existing revocation page, and marks
the report handled; her next view of the record is refused. Screenshots go to var/screenshots/.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.clients import DEMO_SPECIAL_CLIENTS
from tests.browser.steps import heading, sign_in
from tests.browser.test_client_record_journey import (
    forgive_refusal,
    nav_link,
    open_from_results,
    search_by_identity_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.rule("000-8-justification")]

KAIKKONEN = {special.name: special for special in DEMO_SPECIAL_CLIENTS}["Kalle Kaikkonen"]
QUESTION = "Mikä oli asiakastapaamisen aihe?"
ANSWER = "Halusin vain tarkistaa, mitä naapurilleni kuuluu."
NOTE = "Katselu ei liittynyt asiakkaan palveluprosessiin."


def test_ask_answer_close_not_justified_and_revoke(
    page: Page,
    other_page: Page,
    new_context,
    live_server,
    demo_clients,
    screenshot_dir,
    browser_errors,
):
    def screenshot(on: Page, step: str) -> None:
        on.screenshot(path=screenshot_dir / f"justification-journey-{step}.png", full_page=True)

    worker, supervisor = page, other_page

    # The worker opens a client's record.
    worker.goto(f"{live_server.url}/")
    sign_in(worker, "ohjaaja", demo_clients)
    nav_link(worker, "Hae asiakasta").click()
    search_by_identity_code(worker, KAIKKONEN)
    open_from_results(worker, KAIKKONEN)
    expect(heading(worker)).to_have_text(KAIKKONEN.name)
    record_url = worker.url

    # The supervisor finds the view in the log and asks about it.
    supervisor.goto(f"{live_server.url}/")
    sign_in(supervisor, "esihenkilo", demo_clients)
    nav_link(supervisor, "Käyttöloki").click()
    view = (
        supervisor.get_by_role("row")
        .filter(has_text="Kaikkonen, Kalle")
        .filter(has_text="Aino Virtanen")
    )
    view.first.get_by_role("link", name="Pyydä perustelua").click()
    expect(heading(supervisor)).to_have_text("Pyydä perustelua")
    expect(supervisor.get_by_test_id("justification-events")).to_contain_text("Kaikkonen, Kalle")
    supervisor.get_by_label("Kysymys työntekijälle").fill(QUESTION)
    due = timezone.localdate() + datetime.timedelta(days=7)
    supervisor.get_by_label("Vastattava viimeistään").fill(due.isoformat())
    screenshot(supervisor, "1-ask-fi")
    supervisor.get_by_role("button", name="Lähetä pyyntö").click()
    expect(supervisor.get_by_text("Pyyntö on lähetetty työntekijälle.")).to_be_visible()
    request_url = supervisor.url

    # The worker answers from her home page.
    nav_link(worker, "Etusivu").click()
    requests = worker.get_by_test_id("open-justification-requests")
    expect(requests).to_contain_text(due.strftime("%-d.%-m.%Y"))
    screenshot(worker, "2-home-fi")
    requests.get_by_role("link", name=f"Vastaa pyyntöön: {QUESTION}").click()
    expect(heading(worker)).to_have_text("Perustele katselusi")
    expect(worker.get_by_test_id("justification-events")).to_contain_text("Kaikkonen, Kalle")
    worker.get_by_label("Vastauksesi").fill(ANSWER)
    screenshot(worker, "3-answer-fi")
    worker.get_by_role("button", name="Lähetä vastaus").click()
    expect(worker.get_by_text("Vastauksesi on lähetetty esihenkilöllesi.")).to_be_visible()
    expect(worker.get_by_test_id("open-justification-requests")).to_have_count(0)

    # The supervisor reads the answer and closes the request "not justified".
    supervisor.goto(request_url)
    expect(supervisor.get_by_test_id("justification-answer")).to_have_text(ANSWER)
    expect(supervisor.get_by_test_id("not-justified-consequence")).to_be_visible()
    supervisor.locator("label").get_by_text("perusteeton", exact=True).click()
    supervisor.get_by_label("Sulkemisen perustelu").fill(NOTE)
    screenshot(supervisor, "4-close-fi")
    supervisor.get_by_role("button", name="Sulje pyyntö").click()
    expect(supervisor.get_by_test_id("justification-finding")).to_have_text("perusteeton")
    expect(supervisor.get_by_test_id("grounds-reported")).to_be_visible()

    # The access administrator sees the reported grounds and revokes the worker's right.
    admin = new_context().new_page()
    admin.goto(f"{live_server.url}/")
    sign_in(admin, "paakayttaja", demo_clients)
    admin.get_by_test_id("grounds-reports-link").get_by_role(
        "link", name="Ilmoitetut perusteet"
    ).click()
    report = admin.get_by_test_id("grounds-report").filter(has_text="Aino Virtanen")
    expect(report).to_contain_text(NOTE)
    expect(report).to_contain_text(ANSWER)
    expect(report).to_contain_text("Kaikkonen, Kalle")
    screenshot(admin, "5-reported-grounds-fi")
    report.get_by_role("link", name="Työntekijän käyttöoikeudet").click()
    expect(heading(admin)).to_have_text("Aino Virtanen")
    grants = admin.get_by_role("region", name="Käyttöoikeudet")
    grants.get_by_role("listitem").filter(has_text="Joensuu").get_by_role(
        "link", name="Peruuta"
    ).click()
    admin.get_by_label("Perustelu").fill("Perusteeton katselu, esihenkilön ilmoitus.")
    admin.get_by_role("button", name="Peruuta käyttöoikeus").click()
    expect(admin.get_by_text("Käyttöoikeus on peruutettu")).to_be_visible()
    admin.goto(f"{live_server.url}/access-log/justifications/reports/")
    admin.get_by_test_id("grounds-report").get_by_role("link", name="Merkitse käsitellyksi").click()
    admin.get_by_label("Miten ilmoitus käsiteltiin").fill("Käyttöoikeus peruutettu.")
    admin.get_by_role("button", name="Merkitse käsitellyksi").click()
    expect(admin.get_by_text("Ilmoitus on merkitty käsitellyksi.")).to_be_visible()

    # The worker's next view of the record is refused: no access right is left in Joensuu.
    worker.goto(record_url)
    expect(heading(worker)).to_have_text("Sivua ei löytynyt")
    expect(worker.locator("body")).not_to_contain_text(KAIKKONEN.identity_code)
    forgive_refusal(browser_errors, worker.url, status="404 (Not Found)")
    screenshot(worker, "6-refused-fi")
