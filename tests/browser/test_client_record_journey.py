"""A case worker finds and opens client records, and a supervisor reviews it in the access log.

In a real browser against the demo region, the demo case worker `ohjaaja`
- opens Kalle Kaikkonen, for whom every condition holds: the whole record;
- opens Suvi Suominen, who has given no consent: identity and consents only, to ask for one;
- is refused Leevi Lähteenmäki, never referred with a client group tag: nothing of him at all;
and the supervisor `esihenkilo` then finds the three views and the three searches in the access
log. Each step's screenshot goes to var/screenshots/ for a person to look at.
"""

import re

import pytest
from playwright.sync_api import Page, Request, expect

from demo.clients import DEMO_SPECIAL_CLIENTS, DemoSpecialClient
from tests.browser.steps import heading, sign_in

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"width": 375, "height": 812}

SPECIAL = {special.name: special for special in DEMO_SPECIAL_CLIENTS}
KAIKKONEN = SPECIAL["Kalle Kaikkonen"]  # every condition holds
SUOMINEN = SPECIAL["Suvi Suominen"]  # no consent
LAHTEENMAKI = SPECIAL["Leevi Lähteenmäki"]  # no referral
PALVIAINEN = SPECIAL["Paavo Palviainen"]  # no documented service need

PURPOSE_NOTE = "Työnhakusuunnitelman läpikäynti"
DASH = "\N{EN DASH}"  # between the purpose and its note


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name=name, exact=True
    )


def search_by_identity_code(page: Page, client: DemoSpecialClient) -> None:
    page.get_by_label("Sukunimi").fill("")
    page.get_by_label("Henkilötunnus").fill(client.identity_code)
    page.get_by_role("button", name="Hae", exact=True).click()


def search_by_last_name(page: Page, client: DemoSpecialClient) -> None:
    page.get_by_label("Henkilötunnus").fill("")
    page.get_by_label("Sukunimi").fill(client.last_name)
    page.get_by_role("button", name="Hae", exact=True).click()


def result_row(page: Page, client: DemoSpecialClient):
    return (
        page.get_by_role("region", name=re.compile(r"löytyi$"))
        .get_by_role("row")
        .filter(has_text=f"{client.last_name}, {client.first_names}")
    )


def state_purpose(page: Page, note: str = "", before_sending=None) -> None:
    """Choose "Asiakastapaaminen" on the purpose page, with a note if given, and send it."""
    expect(heading(page)).to_have_text("Katselun käyttötarkoitus")
    # HDS draws the radio button on the label and lays the real one, transparent, beneath it:
    # the label takes the click, as it does for a person.
    page.locator("label").get_by_text("Asiakastapaaminen", exact=True).click()
    expect(page.get_by_label("Asiakastapaaminen", exact=True)).to_be_checked()
    if note:
        page.get_by_label("Lisätieto (vapaaehtoinen)").fill(note)
    if before_sending:
        before_sending()
    page.get_by_role("button", name="Avaa tiedot", exact=True).click()


def open_from_results(page: Page, client: DemoSpecialClient, note: str = "") -> None:
    result_row(page, client).get_by_role("link", name=re.compile(r"^Avaa tiedot")).click()
    expect(page).to_have_url(re.compile(r"/clients/\d+/purpose/$"))
    state_purpose(page, note)


def no_sideways_scroll(page: Page) -> None:
    """The page itself never scrolls sideways; a table may, inside its own container.

    On failure, names the outermost elements that stick out past the right edge.
    """
    widths = page.evaluate(
        """() => {
            const client = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll("body *")].filter((element) =>
                element.getBoundingClientRect().right > client + 0.5
                && element.parentElement.getBoundingClientRect().right <= client + 0.5);
            return {
                scroll: document.documentElement.scrollWidth,
                client,
                wide: wide.map((element) => `${element.tagName.toLowerCase()}.${element.className}`
                    + ` (${Math.round(element.getBoundingClientRect().right)}px)`),
            };
        }"""
    )
    assert widths["scroll"] <= widths["client"], widths


def forgive_refusal(browser_errors: list[str], url: str, status: str = "403 (Forbidden)") -> None:
    """Take the refusal's own 403 (or 404) off the browser's errors: it is the answer expected.

    Chromium logs every 4xx document as a failed resource; anything else still fails the test.
    """
    expected = f"{url}: Failed to load resource: the server responded with a status of {status}"
    assert expected in browser_errors, browser_errors
    browser_errors.remove(expected)


def requested_urls(page: Page) -> list[str]:
    """Every URL the page asks for from now on, redirects and form posts included."""
    urls: list[str] = []

    def on_request(request: Request) -> None:
        urls.append(request.url)

    page.on("request", on_request)
    return urls


def test_case_worker_opens_records_is_refused_one_and_the_supervisor_sees_it_all(
    page: Page, live_server, demo_clients, screenshot_dir, browser_errors
):
    def screenshot(step: str) -> None:
        page.screenshot(path=screenshot_dir / f"client-journey-{step}.png", full_page=True)

    urls = requested_urls(page)
    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_clients)
    expect(heading(page)).to_have_text("Asiakastyö")

    # The caseload: the clients the worker may open now, Kaikkonen among them.
    nav_link(page, "Asiakkaani").click()
    expect(page).to_have_url(f"{live_server.url}/clients/")
    expect(heading(page)).to_have_text("Asiakkaani")
    expect(nav_link(page, "Asiakkaani")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("table", name="Asiakkaani").get_by_role("row")).not_to_have_count(0)
    screenshot("1-caseload-fi")

    # Find Kaikkonen by identity code: the form is posted, so the code stays out of the URL.
    nav_link(page, "Hae asiakasta").click()
    expect(heading(page)).to_have_text("Hae asiakasta")
    search_by_identity_code(page, KAIKKONEN)
    expect(page.get_by_role("heading", name="1 asiakas löytyi")).to_be_visible()
    expect(result_row(page, KAIKKONEN)).to_have_count(1)
    expect(result_row(page, KAIKKONEN).get_by_text("Täyttyvät", exact=True)).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/clients/search/")
    assert KAIKKONEN.identity_code not in page.url
    screenshot("2-search-by-identity-code-fi")

    # Open the record: first the purpose, with a note, then the record itself.
    result_row(page, KAIKKONEN).get_by_role("link", name=re.compile(r"^Avaa tiedot")).click()
    expect(page).to_have_url(re.compile(r"/clients/\d+/purpose/$"))
    state_purpose(page, PURPOSE_NOTE, before_sending=lambda: screenshot("3-purpose-fi"))

    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    expect(heading(page)).to_have_text(KAIKKONEN.name)
    expect(
        page.get_by_text(f"Käyttötarkoitus: Asiakastapaaminen {DASH} {PURPOSE_NOTE}")
    ).to_be_visible()
    identity = page.get_by_role("region", name="Henkilö- ja yhteystiedot", exact=True)
    expect(identity).to_contain_text(KAIKKONEN.identity_code)
    referrals = page.get_by_role("region", name="Asiakasryhmätunnisteet", exact=True)
    expect(referrals.get_by_role("row")).to_have_count(2)  # the header and the one referral
    needs = page.get_by_role("region", name="Palveluntarve", exact=True)
    expect(needs.get_by_role("listitem")).to_have_count(2)  # the first assessment, then the current
    expect(needs.get_by_text("dokumentoitu", exact=True)).to_be_visible()
    consents = page.get_by_role("region", name="Suostumukset", exact=True)
    expect(consents.get_by_role("row")).to_have_count(2)
    expect(
        page.get_by_text(re.compile(r"^Tämä katselu on kirjattu lokiin tapahtumana \d+\.$"))
    ).to_be_visible()
    screenshot("4-record-fi")

    # Suominen, found by last name, has given no consent: her identity and consents only, so
    # that the worker can ask for one; her referrals and service need stay out of sight.
    nav_link(page, "Hae asiakasta").click()
    search_by_last_name(page, SUOMINEN)
    expect(result_row(page, SUOMINEN).get_by_text("Eivät täyty", exact=True)).to_be_visible()
    open_from_results(page, SUOMINEN)

    expect(heading(page)).to_have_text(SUOMINEN.name)
    expect(page.get_by_text("Pyydä asiakasta allekirjoittamaan suostumuslomake.")).to_be_visible()
    expect(page.get_by_role("region", name="Henkilö- ja yhteystiedot", exact=True)).to_contain_text(
        SUOMINEN.identity_code
    )
    expect(page.get_by_role("region", name="Suostumukset", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Asiakasryhmätunnisteet", exact=True)).to_have_count(0)
    expect(page.get_by_role("region", name="Palveluntarve", exact=True)).to_have_count(0)
    screenshot("5-no-consent-fi")

    # Lähteenmäki has never been referred: a name finds nobody, the identity code says only that.
    nav_link(page, "Hae asiakasta").click()
    search_by_last_name(page, LAHTEENMAKI)
    expect(page.get_by_role("region", name=re.compile(r"löytyi$"))).to_contain_text("0")
    search_by_identity_code(page, LAHTEENMAKI)
    expect(page.get_by_role("heading", name="Ei ohjattu palveluusi")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(LAHTEENMAKI.first_names)
    screenshot("6-not-referred-fi")

    # Palviainen is referred but his service need is not documented: the record stays shut,
    # and says what is missing.
    search_by_last_name(page, PALVIAINEN)
    expect(result_row(page, PALVIAINEN).get_by_text("Eivät täyty", exact=True)).to_be_visible()
    open_from_results(page, PALVIAINEN)

    expect(heading(page)).to_have_text("Tietoja ei voi avata")
    forgive_refusal(browser_errors, page.url)
    expect(
        page.get_by_text("Pyydä työvoimaviranomaista dokumentoimaan asiakkaan palveluntarve.")
    ).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(PALVIAINEN.identity_code)
    screenshot("6-denied-fi")

    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page).to_have_url(f"{live_server.url}/sign-in/")

    # No identity code ever went into a URL: not the search, the record, nor any redirect.
    codes = [client.identity_code for client in (KAIKKONEN, SUOMINEN, LAHTEENMAKI, PALVIAINEN)]
    leaked = [url for url in urls if any(code in url for code in codes)]
    assert leaked == [], leaked

    # The supervisor finds the three views and the three searches in the access log.
    sign_in(page, "esihenkilo", demo_clients)
    expect(heading(page)).to_have_text("Käytön valvonta")
    nav_link(page, "Käyttöloki").click()
    expect(heading(page)).to_have_text("Käyttöloki")
    log = page.get_by_role("table")

    def view_of(client: DemoSpecialClient):
        row = log.get_by_role("row").filter(has_text=f"{client.last_name}, {client.first_names}")
        return row.filter(has_text="katselu")

    allowed = view_of(KAIKKONEN)
    expect(allowed).to_have_count(1)
    expect(allowed).to_contain_text(f"Asiakastapaaminen: {PURPOSE_NOTE}")
    expect(allowed).to_contain_text("sallittu")
    expect(allowed).to_contain_text("Aino Virtanen")
    limited = view_of(SUOMINEN)
    expect(limited).to_have_count(1)
    expect(limited).to_contain_text("Asiakastapaaminen")
    expect(limited).to_contain_text("ei suostumusta")
    expect(limited).not_to_contain_text("sallittu")
    denied = view_of(PALVIAINEN)
    expect(denied).to_have_count(1)
    expect(denied).to_contain_text("Asiakastapaaminen")
    expect(denied).to_contain_text("evätty")
    expect(denied).to_contain_text("palveluntarvetta ei dokumentoitu")
    searches = log.get_by_role("row").filter(has_text="haku: 1 tulos")
    expect(searches).to_have_count(3)
    expect(log.get_by_role("row").filter(has_text="haku: 0 tulosta")).to_have_count(2)
    expect(searches.first).to_contain_text("sallittu")
    # Not even the supervisor sees the identity codes that were searched for.
    expect(page.locator("body")).not_to_contain_text(KAIKKONEN.identity_code)
    screenshot("7-access-log-fi")


def open_kaikkonen(page: Page, live_server, password: str) -> None:
    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", password)
    nav_link(page, "Hae asiakasta").click()
    search_by_identity_code(page, KAIKKONEN)
    open_from_results(page, KAIKKONEN, PURPOSE_NOTE)
    expect(heading(page)).to_have_text(KAIKKONEN.name)


def test_record_in_swedish(page: Page, live_server, demo_clients, screenshot_dir):
    open_kaikkonen(page, live_server, demo_clients)
    record_url = page.url

    page.get_by_role("form", name="Kieli").get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_url(record_url)
    expect(heading(page)).to_have_text(KAIKKONEN.name)
    expect(page.get_by_text(f"Syfte: Möte med klienten {DASH} {PURPOSE_NOTE}")).to_be_visible()
    for section in (
        "Person- och kontaktuppgifter",
        "Klientgruppsmarkeringar",
        "Servicebehov",
        "Samtycken",
    ):
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    expect(
        page.get_by_role("region", name="Person- och kontaktuppgifter", exact=True)
    ).to_contain_text(KAIKKONEN.identity_code)
    page.screenshot(path=screenshot_dir / "client-journey-8-record-sv.png", full_page=True)


def test_phone_search_results_and_record_fit(page: Page, live_server, demo_clients, screenshot_dir):
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_clients)
    nav_link(page, "Hae asiakasta").click()
    search_by_last_name(page, KAIKKONEN)
    expect(result_row(page, KAIKKONEN).get_by_text("Täyttyvät", exact=True)).to_be_attached()
    page.screenshot(path=screenshot_dir / "client-journey-phone-search-fi.png", full_page=True)
    no_sideways_scroll(page)

    open_from_results(page, KAIKKONEN, PURPOSE_NOTE)
    expect(heading(page)).to_have_text(KAIKKONEN.name)
    page.screenshot(path=screenshot_dir / "client-journey-phone-record-fi.png", full_page=True)
    no_sideways_scroll(page)
