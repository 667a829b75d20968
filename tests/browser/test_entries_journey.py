"""A case worker writes, rewrites and corrects a case entry; without the recording authority the
form is gone and a form still open is refused.

In a real browser against the demo region, `ohjaaja` opens Kalle Kaikkonen's record, writes an
entry with an unexplained abbreviation and a belittling word, sees both findings, rewrites it and
saves; corrects it with a reason and sees both versions (in Finnish, Swedish and English); then,
once their grant views only, the record offers no entry form and the form left open in another
tab is refused. Screenshots go to var/screenshots/.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from access.models import AccessGrant
from clients.models import Client
from entries.models import CaseEntry, EntryVersion
from tests.browser.conftest import watch_for_errors
from tests.browser.steps import heading, sign_in
from tests.browser.test_client_record_journey import KAIKKONEN, forgive_refusal, state_purpose

pytestmark = pytest.mark.browser

FLAWED = "Asiakas aloittaa TK:n ensi viikolla. Laiskurille ei kannata tarjota mitään."
REWRITTEN = "Asiakas aloittaa työkokeilun ensi viikolla. Sovittiin seurantapuhelu perjantaille."
CORRECTED = "Asiakas aloittaa työkokeilun maanantaina. Sovittiin seurantapuhelu perjantaille."


def fill_entry(page: Page, content: str) -> None:
    when = timezone.localtime() - datetime.timedelta(hours=1)
    page.get_by_label("Tapahtuman päivämäärä").fill(when.date().isoformat())
    page.get_by_label("Tapahtuman kellonaika").fill(when.strftime("%H:%M"))
    page.get_by_label("Yhteydenottotapa").select_option("meeting")
    page.get_by_label("Ketkä olivat mukana").fill("Asiakas ja ohjaaja")
    page.get_by_label("Mitä sovittiin ja tehtiin").fill(content)


def findings(page: Page):
    return page.locator(".entry-findings__list li")


def test_case_worker_writes_rewrites_and_corrects_an_entry_and_loses_the_form_with_the_authority(
    page: Page, live_server, demo_clients, screenshot_dir, browser_errors
):
    def screenshot(step: str, on: Page = page) -> None:
        on.screenshot(path=screenshot_dir / f"entries-journey-{step}.png", full_page=True)

    kalle = Client.objects.get(identity_code=KAIKKONEN.identity_code)
    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_clients)
    page.goto(f"{live_server.url}/clients/{kalle.pk}/purpose/")
    state_purpose(page)
    entries = page.get_by_role("region", name="Asiakaskirjaukset")
    expect(entries.locator("li.entry")).to_have_count(3)
    screenshot("1-record-fi")

    # Written with two findings: shown, nothing saved.
    entries.get_by_role("link", name="Tee kirjaus").click()
    expect(heading(page)).to_have_text("Tee kirjaus")
    fill_entry(page, FLAWED)
    page.get_by_role("button", name="Tarkista ja tallenna kirjaus").click()
    expect(findings(page)).to_have_count(2)
    reasons = [item.get_attribute("data-reason") for item in findings(page).all()]
    assert reasons == ["unexplained_abbreviation", "belittling_word"]
    assert CaseEntry.objects.filter(client=kalle).count() == 3
    screenshot("2-findings-fi")

    # Rewritten: no findings, saved, listed first.
    page.get_by_label("Mitä sovittiin ja tehtiin").fill(REWRITTEN)
    page.get_by_role("button", name="Tarkista ja tallenna kirjaus").click()
    expect(page).to_have_url(f"{live_server.url}/clients/{kalle.pk}/")
    expect(entries.locator("li.entry")).to_have_count(4)
    expect(entries.locator("li.entry").first).to_contain_text(REWRITTEN)
    written = EntryVersion.objects.get(content=REWRITTEN)
    assert (written.findings, written.recorded_by.username) == ([], "ohjaaja")
    screenshot("3-saved-fi")

    # Corrected with a reason: both versions in the history, the newest on the record.
    entries.locator("li.entry").first.get_by_role("link", name="Kirjauksen historia").click()
    page.get_by_role("link", name="Korjaa kirjausta").click()
    expect(heading(page)).to_have_text("Korjaa kirjausta")
    page.get_by_label("Korjauksen syy").fill("Aloituspäivä tarkentui.")
    page.get_by_label("Mitä sovittiin ja tehtiin").fill(CORRECTED)
    page.get_by_role("button", name="Tarkista ja tallenna korjaus").click()
    expect(heading(page)).to_have_text("Kirjauksen historia")
    expect(page.locator("[data-version]")).to_have_count(2)
    expect(page.locator('[data-version="2"]')).to_contain_text("Aloituspäivä tarkentui.")
    expect(page.locator('[data-version="1"]')).to_contain_text(REWRITTEN)
    screenshot("4-history-fi")

    # The same pages in Swedish and English: the history, then a form's findings.
    page.get_by_role("form", name="Kieli").get_by_role("button", name="Svenska").click()
    expect(heading(page)).to_have_text("Anteckningens historik")
    screenshot("4-history-sv")
    page.get_by_role("form", name="Språk").get_by_role("button", name="English").click()
    expect(heading(page)).to_have_text("Entry history")
    page.get_by_role("link", name="Correct the entry").click()
    page.get_by_label("Reason for the correction").fill("Spelling.")
    page.get_by_label("What was agreed and done").fill(FLAWED)
    page.get_by_role("button", name="Check and save the correction").click()
    expect(findings(page)).to_have_count(2)
    screenshot("4-findings-en")
    page.get_by_role("form", name="Language").get_by_role("button", name="Suomi").click()

    # A form left open in another tab, then the grant is narrowed to viewing only.
    stale = page.context.new_page()
    watch_for_errors(stale, browser_errors)
    stale.goto(f"{live_server.url}/clients/{kalle.pk}/entries/new/")
    fill_entry(stale, REWRITTEN)
    AccessGrant.objects.filter(grantee__username="ohjaaja").update(
        authority=AccessGrant.Authority.VIEW
    )
    page.goto(f"{live_server.url}/clients/{kalle.pk}/")
    expect(entries.locator("li.entry")).to_have_count(4)
    expect(entries.get_by_role("link", name="Tee kirjaus")).to_have_count(0)
    screenshot("5-view-only-fi")
    stale.get_by_role("button", name="Tarkista ja tallenna kirjaus").click()
    expect(stale.get_by_role("heading", level=1)).to_have_text(re.compile("."))
    screenshot("6-refused-fi", on=stale)
    forgive_refusal(browser_errors, f"{live_server.url}/clients/{kalle.pk}/entries/new/")
    assert CaseEntry.objects.filter(client=kalle).count() == 4
