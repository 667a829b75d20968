"""From intake to a refusal: the labour authority's data is what the access rule stands on.

In a real browser against the demo region: the demo official `virkailija` registers a new
client in Joensuu, refers them to the Ohjaamo youth group and documents the service need. The
demo case worker `ohjaaja` (a recording grant for Joensuu's Ohjaamo youth) finds the client by
identity code, asks for the consent, records it and opens the whole record. The official then
ends the referral, and the worker's next request is refused with the referral's reason. Each
step's screenshot goes to var/screenshots/.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from access.policy import Reason
from audit.actions import Action
from audit.models import AccessEvent
from clients.models import Client
from tests.browser.steps import heading, sign_in
from tests.browser.test_client_record_journey import forgive_refusal
from tests.factories import identity_code_for

pytestmark = pytest.mark.browser

CODE = identity_code_for(datetime.date(2006, 8, 14), 246)
FIRST_NAMES, LAST_NAME = "Veera Ilona", "Sisäänotto"
OHJAAMO = "Nuoret, jotka asioivat Ohjaamossa ilman ajanvarausta"
PURPOSE = "Suostumuksen pyytäminen tai kirjaaminen"
NO_REFERRAL = "Työvoimaviranomainen ei ole ohjannut asiakasta palveluun asiakasryhmätunnisteella."


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name=name, exact=True
    )


def test_official_registers_and_refers_worker_opens_then_the_referral_ends(
    page: Page, other_page: Page, live_server, demo_clients, screenshot_dir, browser_errors
):
    official, worker = other_page, page
    today = timezone.localdate()

    def screenshot(on: Page, step: str) -> None:
        on.screenshot(path=screenshot_dir / f"intake-journey-{step}.png", full_page=True)

    # The official finds no such client, and registers them.
    official.goto(f"{live_server.url}/")
    sign_in(official, "virkailija", demo_clients)
    expect(heading(official)).to_have_text("Asiakkaaksi otto")
    nav_link(official, "Asiakkaaksi otto").click()
    official.get_by_label("Henkilötunnus").fill(CODE)
    official.get_by_role("button", name="Hae", exact=True).click()
    expect(official.get_by_role("heading", name="Ei rekisteröity")).to_be_visible()
    screenshot(official, "1-not-registered-fi")
    official.get_by_role("button", name="Rekisteröi tämä asiakas").click()
    expect(heading(official)).to_have_text("Rekisteröi asiakas")
    expect(official.get_by_label("Henkilötunnus")).to_have_value(CODE)
    official.get_by_label("Etunimet").fill(FIRST_NAMES)
    official.get_by_label("Sukunimi").fill(LAST_NAME)
    official.get_by_label("Kotikunta").select_option(label="Joensuu")
    official.get_by_label("Äidinkieli").fill("fi")
    official.get_by_label("Asiointikieli").select_option("fi")
    official.get_by_label("Asiakkuus alkanut").fill(
        (today - datetime.timedelta(days=30)).isoformat()
    )
    official.get_by_label("Tiedon lähde").fill("Työvoimaviranomaisen asiakastietojärjestelmä")
    screenshot(official, "2-register-form-fi")
    official.get_by_role("button", name="Rekisteröi", exact=True).click()
    expect(official.get_by_text("Asiakas on rekisteröity.")).to_be_visible()
    expect(heading(official)).to_have_text(f"{FIRST_NAMES} {LAST_NAME}")
    client_url = official.url

    # Refer to the Ohjaamo youth group, from ten days ago.
    official.get_by_role("link", name="Ohjaa asiakas").click()
    official.get_by_label("Asiakasryhmä").select_option(label=OHJAAMO)
    official.get_by_label("Ohjaava työvoimaviranomainen").fill("Pohjois-Karjalan työllisyysalue")
    official.get_by_label("Ohjattu").fill((today - datetime.timedelta(days=10)).isoformat())
    official.get_by_label("Tiedon lähde").fill("Työvoimaviranomaisen asiakastietojärjestelmä")
    official.get_by_role("button", name="Tallenna").click()
    expect(official.get_by_text("Ohjaus on kirjattu.")).to_be_visible()

    # Document the service need.
    official.get_by_role("link", name="Kirjaa palveluntarve").click()
    official.get_by_label("Palveluntarpeen arvio").fill("Tarvitsee tukea opintojen ja työn hakuun.")
    official.get_by_label("Arvioitu").fill((today - datetime.timedelta(days=9)).isoformat())
    official.get_by_label("Arvioija").fill("Työllisyysasiantuntija")
    official.get_by_label("Tiedon lähde").fill("Haastattelu")
    official.get_by_role("button", name="Tallenna").click()
    expect(official.get_by_text(re.compile("^Palveluntarve on kirjattu"))).to_be_visible()
    referrals = official.get_by_role("region", name="Ohjaukset ja asiakasryhmät")
    expect(referrals).to_contain_text(OHJAAMO)
    expect(official.get_by_role("region", name="Palveluntarve")).to_contain_text("Tarvitsee tukea")
    screenshot(official, "3-referred-and-assessed-fi")

    # The worker finds the new client by identity code; only the consent is missing.
    worker.goto(f"{live_server.url}/")
    sign_in(worker, "ohjaaja", demo_clients)
    nav_link(worker, "Hae asiakasta").click()
    worker.get_by_label("Henkilötunnus").fill(CODE)
    worker.get_by_role("button", name="Hae", exact=True).click()
    worker.get_by_role("link", name=re.compile(r"^Avaa tiedot")).click()
    worker.locator("label").get_by_text(PURPOSE, exact=True).click()
    worker.get_by_role("button", name="Avaa tiedot", exact=True).click()
    expect(heading(worker)).to_have_text(f"{FIRST_NAMES} {LAST_NAME}")
    expect(worker.get_by_text(re.compile("^Näytetään vain suostumuksen"))).to_be_visible()
    record_url = worker.url

    # The client signs the form; the worker records it (the paper is at hand, no scan yet).
    worker.get_by_role("link", name="Pyydä ja kirjaa suostumus").click()
    worker.get_by_role("link", name="Kirjaa asiakkaan vastaus").click()
    worker.locator("label").get_by_text("Asiakas antoi suostumuksen", exact=True).click()
    worker.get_by_label(re.compile(r"^Allekirjoitettu\b")).fill(today.isoformat())
    worker.get_by_label("Missä annettu").select_option(label="Ohjaamossa")
    worker.locator("label").get_by_text(re.compile(r"^Skannausta ei vielä ole")).click()
    worker.get_by_role("button", name="Tallenna vastaus").click()
    expect(worker.get_by_text("Asiakkaan vastaus on kirjattu.")).to_be_visible()
    worker.goto(record_url)
    expect(worker.get_by_role("region", name="Palveluntarve")).to_contain_text("Tarvitsee tukea")
    expect(worker.get_by_text(re.compile("^Näytetään vain suostumuksen"))).to_have_count(0)
    screenshot(worker, "4-worker-opens-the-record-fi")

    # The official ends the referral today: it is no longer in force.
    official.goto(client_url)
    referrals.get_by_role("link", name=re.compile("^Päätä")).click()
    official.get_by_label("Päättyy").fill(today.isoformat())
    official.get_by_label("Päättymisen syy").select_option(label="työllistynyt")
    screenshot(official, "5-end-referral-fi")
    official.get_by_role("button", name="Tallenna").click()
    expect(official.get_by_text("Ohjaus on päätetty.")).to_be_visible()
    expect(referrals).to_contain_text("työllistynyt")

    # The worker's next request is refused, with the referral's reason.
    worker.reload()
    expect(heading(worker)).to_have_text("Tietoja ei voi avata")
    expect(worker.locator("body")).to_contain_text(NO_REFERRAL)
    forgive_refusal(browser_errors, worker.url)
    screenshot(worker, "6-worker-refused-fi")

    client = Client.objects.get(identity_code=CODE)
    refusal = AccessEvent.objects.filter(client=client, actor__username="ohjaaja").latest("pk")
    assert refusal.reason_codes == [Reason.REFERRAL_MISSING]
    changes = AccessEvent.objects.filter(client=client, actor__username="virkailija")
    assert list(
        changes.exclude(action=Action.CLIENT_VIEWED).order_by("pk").values_list("action", flat=True)
    ) == [
        Action.CLIENT_REGISTERED,
        Action.REFERRAL_RECORDED,
        Action.SERVICE_NEED_DOCUMENTED,
        Action.REFERRAL_ENDED,
    ]
