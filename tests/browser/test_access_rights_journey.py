"""An access right from application to revocation, in two real browsers side by side.

A new case worker, Uuno Uusi, applies for Joensuu's Ohjaamo youth and long-term unemployed
groups; the demo access administrator `paakayttaja` approves only the Ohjaamo group. Uuno then
opens Kalle Kaikkonen (Ohjaamo, in scope) and is refused Raimo Ryynänen (long-term unemployed,
outside it). The administrator revokes the right, and Uuno's very next request, in the session
he already has open, is refused. Each step's screenshot goes to var/screenshots/.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from access.roles import Role
from clients.models import Client, Municipality
from demo.clients import DEMO_SPECIAL_CLIENTS
from tests.browser.steps import heading, sign_in
from tests.browser.test_client_record_journey import (
    forgive_refusal,
    nav_link,
    open_from_results,
    search_by_identity_code,
    state_purpose,
)
from tests.factories import TEST_PASSWORD, UserFactory, WorkerAgreementFactory
from tests.sign_in import authenticator

pytestmark = pytest.mark.browser

SPECIAL = {special.name: special for special in DEMO_SPECIAL_CLIENTS}
KAIKKONEN = SPECIAL["Kalle Kaikkonen"]  # Ohjaamo youth in Joensuu: every other condition holds
RYYNANEN = SPECIAL["Raimo Ryynänen"]  # long-term unemployed in Joensuu
OHJAAMO = "Nuoret, jotka asioivat Ohjaamossa ilman ajanvarausta"
LONG_TERM = "Pitkäaikaistyöttömät (esim. yli 300 päivää työttömänä)"
HISTORY = "Muutoshistoria"
TASKS = "Ohjaamon nuorten ohjaus ja pitkäaikaistyöttömien valmennus"


@pytest.fixture
def new_worker(demo_clients):
    """A case worker with a worker agreement for Joensuu and no access right yet."""
    worker = UserFactory(
        username="uusi", first_name="Uuno", last_name="Uusi", roles=[Role.CASE_WORKER]
    )
    WorkerAgreementFactory(worker=worker, municipality=Municipality.objects.get(code="167"))
    authenticator(worker)
    return worker


def test_apply_approve_narrower_use_and_revoke(
    page: Page,
    other_page: Page,
    live_server,
    demo_clients,
    new_worker,
    screenshot_dir,
    browser_errors,
):
    def screenshot(on: Page, step: str) -> None:
        on.screenshot(path=screenshot_dir / f"access-journey-{step}.png", full_page=True)

    worker, admin = page, other_page
    today = timezone.localdate()

    # The worker applies.
    worker.goto(f"{live_server.url}/")
    sign_in(worker, "uusi", TEST_PASSWORD)
    nav_link(worker, "Hae käyttöoikeutta").click()
    expect(heading(worker)).to_have_text("Hae käyttöoikeutta")
    worker.get_by_label("Kunta").select_option(label="Joensuu")
    worker.locator("label").get_by_text(OHJAAMO, exact=True).click()
    worker.locator("label").get_by_text(LONG_TERM, exact=True).click()
    worker.get_by_label("Ensimmäinen päivä").fill(today.isoformat())
    worker.get_by_label("Viimeinen päivä").fill((today + datetime.timedelta(days=90)).isoformat())
    worker.get_by_label("Tehtävät, joihin käyttöoikeutta tarvitaan").fill(TASKS)
    screenshot(worker, "1-application-fi")
    worker.get_by_role("button", name="Lähetä hakemus").click()
    expect(worker.get_by_text("Hakemus on lähetetty")).to_be_visible()

    # The administrator approves the Ohjaamo group only.
    admin.goto(f"{live_server.url}/")
    sign_in(admin, "paakayttaja", demo_clients)
    nav_link(admin, "Käyttöoikeudet").click()
    application = (
        admin.get_by_test_id("pending-applications").get_by_role("row").filter(has_text="Uuno Uusi")
    )
    # Who applied, for what and when, before the administrator opens the application.
    expect(application).to_contain_text(f"Joensuu: {LONG_TERM}; {OHJAAMO}")
    expect(application).to_contain_text(today.strftime("%-d.%-m.%Y"))
    application.get_by_role("link", name=re.compile(r"Uuno Uusi$")).click()
    expect(heading(admin)).to_have_text("Hakemuksen ratkaiseminen")
    expect(admin.get_by_label(LONG_TERM)).to_be_checked()
    admin.locator("label").get_by_text(LONG_TERM, exact=True).click()
    expect(admin.get_by_label(LONG_TERM)).not_to_be_checked()
    admin.locator("label").get_by_text("Hyväksy", exact=True).click()
    screenshot(admin, "2-decision-fi")
    admin.get_by_role("button", name="Tallenna päätös").click()
    expect(admin.get_by_text("Hyväksytty: käyttöoikeus on myönnetty.")).to_be_visible()
    grant_row = admin.get_by_role("row").filter(has_text="Uuno Uusi")
    expect(grant_row).to_contain_text(OHJAAMO)
    expect(grant_row).not_to_contain_text(LONG_TERM)
    screenshot(admin, "3-granted-fi")

    # The worker opens a client in scope, and is refused one outside it.
    nav_link(worker, "Hae asiakasta").click()
    search_by_identity_code(worker, KAIKKONEN)
    open_from_results(worker, KAIKKONEN)
    expect(heading(worker)).to_have_text(KAIKKONEN.name)
    record_url = worker.url
    screenshot(worker, "4-record-in-scope-fi")
    # Ryynänen is not referred to Uuno's service: the search says only that, and his record,
    # reached by its address, is refused.
    nav_link(worker, "Hae asiakasta").click()
    search_by_identity_code(worker, RYYNANEN)
    expect(worker.get_by_role("heading", name="Ei ohjattu palveluusi")).to_be_visible()
    ryynanen = Client.objects.get(identity_code=RYYNANEN.identity_code)
    worker.goto(f"{live_server.url}/clients/{ryynanen.pk}/")
    state_purpose(worker)
    expect(heading(worker)).to_have_text("Tietoja ei voi avata")
    expect(worker.locator("body")).not_to_contain_text(RYYNANEN.identity_code)
    forgive_refusal(browser_errors, worker.url)
    screenshot(worker, "5-refused-out-of-scope-fi")

    # The administrator revokes the right.
    admin.get_by_role("row").filter(has_text="Uuno Uusi").get_by_role(
        "link", name="Peruuta"
    ).click()
    admin.get_by_label("Perustelu").fill("Tehtävät siirtyivät toiselle.")
    admin.get_by_role("button", name="Peruuta käyttöoikeus").click()
    expect(admin.get_by_text("Käyttöoikeus on peruutettu")).to_be_visible()

    # The worker's very next request, in the session already open, is refused. With no access
    # right left in Joensuu, its clients answer as if they did not exist, as everywhere else.
    worker.goto(record_url)
    expect(heading(worker)).to_have_text("Sivua ei löytynyt")
    expect(worker.locator("body")).not_to_contain_text(KAIKKONEN.identity_code)
    forgive_refusal(browser_errors, worker.url, status="404 (Not Found)")
    screenshot(worker, "6-refused-after-revocation-fi")

    # The administrator finds all of it in the worker's history, with who did what.
    admin.get_by_role("link", name="Uuno Uusi").first.click()
    expect(heading(admin)).to_have_text("Uuno Uusi")
    history = admin.get_by_role("region", name=HISTORY)
    expect(history).to_contain_text("Juha Nieminen")
    expect(history).to_contain_text("Tehtävät siirtyivät toiselle.")
    screenshot(admin, "7-history-fi")
