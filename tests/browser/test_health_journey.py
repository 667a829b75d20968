"""A case worker opens the health and work-ability section only for a work-ability purpose.

In a real browser against the demo region, the demo case worker `ohjaaja`, whose grant covers
health data, opens Kalle Kaikkonen's record
- to meet him: the record opens, and its health section says it is closed, and why;
- to assess his work ability: the section opens on a page of its own, with the demo item;
and records an item: one from social services is refused (Kalle has given no consent to
obtaining such data), one he told of himself is saved. Once the worker's grant no longer covers
health data, the section is closed to them for that reason, and its page is refused. Each step's
screenshot goes to var/screenshots/ for a person to look at.
"""

import pytest
from playwright.sync_api import Page, expect

from access.models import AccessGrant
from clients.models import Client
from demo.clients import DEMO_SPECIAL_CLIENTS, HEALTH_ITEM
from tests.browser.steps import heading, sign_in
from tests.browser.test_client_record_journey import forgive_refusal

pytestmark = pytest.mark.browser

KAIKKONEN = next(c for c in DEMO_SPECIAL_CLIENTS if c.name == "Kalle Kaikkonen")
MEETING = "Asiakastapaaminen"
WORK_ABILITY = "Työkyvyn tai työllistymiseen vaikuttavan rajoitteen arviointi"
PURPOSE_CLOSES = "Ilmoittamasi käyttötarkoitus ei edellytä terveys- ja työkykytietoja."
SCOPE_CLOSES = "Käyttöoikeutesi tähän asiakkaaseen ei kata terveys- ja työkykytietoja."
OPEN_SECTION = "Avaa terveys- ja työkykyosio"
NEEDS_CONSENT = "Pyydä asiakkaalta ensin tämä suostumus."
OWN_ITEM = "Kertoo, ettei voi tehdä yövuoroja unilääkityksen vuoksi."


def choose_purpose(page: Page, base: str, client_id: int, purpose: str) -> None:
    page.goto(f"{base}/clients/{client_id}/purpose/")
    page.locator("label").get_by_text(purpose, exact=True).click()
    page.get_by_role("button", name="Avaa tiedot", exact=True).click()


def test_the_health_section_opens_only_for_assessing_work_ability(
    page: Page, live_server, demo_clients, screenshot_dir, browser_errors
):
    kalle = Client.objects.get(identity_code=KAIKKONEN.identity_code)
    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_clients)

    choose_purpose(page, live_server.url, kalle.pk, MEETING)
    block = page.get_by_test_id("health-block")
    expect(block.get_by_test_id("health-closed")).to_contain_text(PURPOSE_CLOSES)
    expect(block.get_by_role("link", name=OPEN_SECTION)).to_have_count(0)
    page.screenshot(path=screenshot_dir / "health-journey-1-closed.png", full_page=True)

    choose_purpose(page, live_server.url, kalle.pk, WORK_ABILITY)
    page.get_by_test_id("health-block").get_by_role("link", name=OPEN_SECTION).click()
    expect(heading(page)).to_have_text("Terveys ja työkyky")
    expect(page.get_by_test_id("health-items")).to_contain_text(HEALTH_ITEM)
    page.screenshot(path=screenshot_dir / "health-journey-2-open.png", full_page=True)

    page.get_by_role("link", name="Kirjaa tieto", exact=True).click()
    expect(page.get_by_test_id("health-only-employment")).to_be_visible()
    page.get_by_label("Mistä tiedossa on kyse").select_option("limitation")
    page.get_by_label("Kuvaus").fill(OWN_ITEM)
    page.get_by_label("Mistä tieto on saatu").select_option("social_services")
    page.get_by_label("Tiedon päivämäärä").fill("2026-01-15")
    page.get_by_role("button", name="Tallenna tieto", exact=True).click()
    expect(page.locator("#id_source_error")).to_contain_text(NEEDS_CONSENT)
    page.screenshot(path=screenshot_dir / "health-journey-3-refused.png", full_page=True)

    page.get_by_label("Mistä tieto on saatu").select_option("client")
    page.get_by_role("button", name="Tallenna tieto", exact=True).click()
    expect(heading(page)).to_have_text("Terveys ja työkyky")
    expect(page.get_by_test_id("health-items")).to_contain_text(OWN_ITEM)
    page.screenshot(path=screenshot_dir / "health-journey-4-recorded.png", full_page=True)

    # The grant no longer covers health data: the same purpose finds the section closed.
    AccessGrant.objects.filter(grantee__username="ohjaaja").update(health_data=False)
    page.goto(f"{live_server.url}/clients/{kalle.pk}/")
    block = page.get_by_test_id("health-block")
    expect(block.get_by_test_id("health-closed")).to_contain_text(SCOPE_CLOSES)
    expect(block.get_by_role("link", name=OPEN_SECTION)).to_have_count(0)
    page.screenshot(path=screenshot_dir / "health-journey-5-scope-closed.png", full_page=True)
    page.goto(f"{live_server.url}/clients/{kalle.pk}/health/")
    expect(page.get_by_test_id("health-items")).to_have_count(0)
    forgive_refusal(browser_errors, f"{live_server.url}/clients/{kalle.pk}/health/")
