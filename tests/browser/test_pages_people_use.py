"""Pages as new users read them: whom a page is about, the caseload's filters, the consent form.

The structure behind each is tested without a browser in tests/records/test_pages_people_use.py,
tests/clients/test_caseload.py and tests/consent/test_recording.py.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from clients.models import Client
from demo.clients import DEMO_SPECIAL_CLIENTS
from tests.browser.steps import heading, sign_in
from tests.browser.test_client_record_journey import forgive_refusal, nav_link, state_purpose

pytestmark = pytest.mark.browser

SPECIAL = {special.name: special for special in DEMO_SPECIAL_CLIENTS}
KAIKKONEN = SPECIAL["Kalle Kaikkonen"]
RYYNANEN = SPECIAL["Raimo Ryynänen"]
OHJAAMO = "Nuoret, jotka asioivat Ohjaamossa ilman ajanvarausta"


def client_id(special) -> int:
    return Client.objects.get(identity_code=special.identity_code).pk


def test_a_case_worker_sees_whom_each_page_is_about_and_narrows_the_caseload(
    page: Page, live_server, demo_clients, screenshot_dir, browser_errors
):
    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_clients)

    # The caseload: each client's groups, a filter by name and group, and an order.
    nav_link(page, "Asiakkaani").click()
    caseload = page.get_by_role("table", name="Asiakkaani")
    page.get_by_label("Nimi").fill("Kaikkonen")
    page.get_by_label("Asiakasryhmä").select_option(label=OHJAAMO)
    page.get_by_label("Järjestys").select_option(label="Suostumuksen päättymisen mukaan")
    page.get_by_role("button", name="Näytä", exact=True).click()
    expect(page).to_have_url(re.compile(r"name=Kaikkonen"))
    expect(caseload.get_by_role("row")).to_have_count(2)
    expect(caseload).to_contain_text("Kaikkonen, Kalle")
    expect(caseload).to_contain_text(OHJAAMO)
    page.screenshot(path=screenshot_dir / "caseload-filtered-fi.png", full_page=True)

    # The purpose page of a client on the caseload names them.
    page.goto(f"{live_server.url}/clients/{client_id(KAIKKONEN)}/purpose/")
    expect(page.get_by_test_id("client-name")).to_have_text("Asiakas: Kalle Kaikkonen")
    page.screenshot(path=screenshot_dir / "purpose-named-fi.png", full_page=True)

    # A refusal names whom it refuses.
    raimo = client_id(RYYNANEN)
    page.goto(f"{live_server.url}/clients/{raimo}/purpose/")
    expect(page.get_by_test_id("client-name")).to_have_count(0)
    state_purpose(page)
    expect(heading(page)).to_have_text("Tietoja ei voi avata")
    expect(page.get_by_test_id("client-name")).to_have_text("Asiakas: Raimo Ryynänen")
    page.screenshot(path=screenshot_dir / "denied-named-fi.png", full_page=True)
    forgive_refusal(browser_errors, f"{live_server.url}/clients/{raimo}/")


def test_the_consent_form_shows_the_health_data_fields_only_for_that_kind(
    page: Page, live_server, demo_clients, screenshot_dir
):
    kalle = client_id(KAIKKONEN)
    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_clients)
    page.goto(f"{live_server.url}/clients/{kalle}/purpose/")
    state_purpose(page)
    page.goto(f"{live_server.url}/clients/{kalle}/consents/new/")
    recipient = page.get_by_label("Vastaanottaja")
    kind = page.get_by_label("Suostumuksen laji")

    expect(recipient).to_be_hidden()
    kind.select_option(value="health_disclosure")
    expect(recipient).to_be_visible()
    page.screenshot(path=screenshot_dir / "consent-new-health-fi.png", full_page=True)
    kind.select_option(value="viewing")
    expect(recipient).to_be_hidden()
