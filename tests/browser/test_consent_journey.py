"""A case worker asks a client for a consent, records it, and records its withdrawal.

In a real browser against the demo region, the demo case worker `ohjaaja` opens Suvi Suominen,
who has given no consent: her record is limited to identity and consents. The worker prints the
consent form, in her language of service, records her answer with the scan of the signed form,
and sees her whole record; then records that she withdrew the consent by phone, and her record
is limited again, at once, in every session. Each step's screenshot goes to var/screenshots/
for a person to look at, beside the printed form's first page.
"""

import datetime
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clients.models import Client, Municipality
from demo.clients import DEMO_SPECIAL_CLIENTS
from tests.browser.steps import heading, sign_in
from tests.factories import (
    ClientFactory,
    ReferralFactory,
    ServiceNeedFactory,
    client_group,
    identity_code_for,
)

pytestmark = pytest.mark.browser

SPECIAL = {special.name: special for special in DEMO_SPECIAL_CLIENTS}
SUOMINEN = SPECIAL["Suvi Suominen"]  # no consent; Finnish is her language of service
KAIKKONEN = SPECIAL["Kalle Kaikkonen"]  # every condition holds: a given viewing consent

WORKER_NAME = "Aino Virtanen"  # the demo case worker ohjaaja
PURPOSE = "Suostumuksen pyytäminen tai kirjaaminen"
LIMITED = "Näytetään vain suostumuksen pyytämiseen tarvittavat tiedot"
NO_CONSENT = "Asiakas ei ole antanut kirjallista suostumusta tietojensa katseluun."
ASK_TO_SIGN = "Pyydä asiakasta allekirjoittamaan suostumuslomake."
WITHDRAWN = "Asiakas on peruuttanut suostumuksensa tietojensa katseluun."
VIEWING_CONSENT = "Tietojen katselu asiakastietojärjestelmässä"  # the kind, as the pages name it
WITHDRAWAL_NOTE = "Asiakas soitti ja perui suostumuksen. Ohjeistettu uuden lomakkeen käytöstä."

# The printed viewing-consent form in Finnish: its title (locale/fi, "Consent to viewing client
# data") and words that only the Finnish form has.
FORM_TITLE_FI = "Suostumus asiakastietojen katseluun"
FORM_WORDS_FI = ("Allekirjoitus", "Asiakkaan allekirjoitus", "Nimen selvennys")
FORM_TITLE_SV = "Samtycke till visning av klientuppgifter"
FORM_WORDS_SV = ("Underskrift", "Klientens underskrift", "Namnförtydligande")


@pytest.fixture
def scan_root(settings, tmp_path):
    """Keep the uploaded scans out of var/: the live server reads the same settings."""
    settings.CONSENT_SCAN_ROOT = str(tmp_path / "scans")
    return tmp_path / "scans"


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name=name, exact=True
    )


def find_and_open(page: Page, first_names: str, last_name: str, purpose: str) -> None:
    """Search for the client by last name and open the record for `purpose`."""
    nav_link(page, "Hae asiakasta").click()
    expect(heading(page)).to_have_text("Hae asiakasta")
    page.get_by_label("Sukunimi").fill(last_name)
    page.get_by_role("button", name="Hae", exact=True).click()
    row = (
        page.get_by_role("region", name=re.compile(r"löytyi$"))
        .get_by_role("row")
        .filter(has_text=f"{last_name}, {first_names}")
    )
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile(r"^Avaa tiedot")).click()
    expect(heading(page)).to_have_text("Katselun käyttötarkoitus")
    # HDS draws the radio button on the label: the label takes the click, as it does for a person.
    page.locator("label").get_by_text(purpose, exact=True).click()
    expect(page.get_by_label(purpose, exact=True)).to_be_checked()
    page.get_by_role("button", name="Avaa tiedot", exact=True).click()
    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    expect(heading(page)).to_have_text(f"{first_names} {last_name}")


def limited_notice(page: Page):
    return page.get_by_role("region", name=LIMITED, exact=True)


def section(page: Page, name: str):
    return page.get_by_role("region", name=name, exact=True)


def expect_limited(page: Page, problem: str) -> None:
    """The record shows identity and consents only, and says why."""
    expect(limited_notice(page)).to_be_visible()
    expect(limited_notice(page)).to_contain_text(problem)
    expect(section(page, "Henkilö- ja yhteystiedot")).to_be_visible()
    expect(section(page, "Suostumukset")).to_be_visible()
    expect(section(page, "Palveluntarve")).to_have_count(0)
    expect(section(page, "Asiakasryhmätunnisteet")).to_have_count(0)


def expect_full(page: Page) -> None:
    expect(limited_notice(page)).to_have_count(0)
    expect(section(page, "Palveluntarve")).to_be_visible()
    expect(section(page, "Asiakasryhmätunnisteet")).to_be_visible()


def consent_card(page: Page, status: str):
    """The viewing consent's card on the consents page, found by its kind and status."""
    return page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=f"{VIEWING_CONSENT}: {status}", exact=True)
    )


def consent_row(page: Page, status: str):
    """The viewing consent's row in the consent request's table, by its kind and status."""
    return (
        page.get_by_role("row")
        .filter(has=page.get_by_role("cell", name=VIEWING_CONSENT, exact=True))
        .filter(has=page.get_by_role("cell", name=status))
    )


def pdf_text(path: Path) -> str:
    """The PDF's text, with its lines joined by single spaces."""
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    return " ".join(text.split())


def print_viewing_form(page: Page, stem: Path) -> str:
    """Print the viewing-consent form from the consents page; return the PDF's text.

    Keeps the PDF as `stem`.pdf and its first page, for a person to look at, as `stem`.png.
    """
    ask = section(page, "Pyydä suostumusta")
    ask.get_by_label("Suostumuksen laji").select_option("viewing")
    with page.expect_download() as download_info:
        ask.get_by_role("button", name="Tulosta lomake (PDF)").click()
    download = download_info.value
    # The file name names the kind only, never the client.
    assert download.suggested_filename == "consent-form-viewing.pdf"
    pdf = stem.with_suffix(".pdf")
    download.save_as(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, stem],
        check=True,
    )
    return pdf_text(pdf)


def scanned_form(folder: Path) -> Path:
    """A small, real one-page PDF, as a scanner would save the signed form."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4 in points
    path = folder / "allekirjoitettu-suostumus.pdf"
    with path.open("wb") as file:
        writer.write(file)
    return path


def test_case_worker_asks_records_and_withdraws_a_consent(
    page: Page, live_server, demo_clients, screenshot_dir, scan_root, tmp_path
):
    def screenshot(step: str) -> None:
        page.screenshot(path=screenshot_dir / f"consent-journey-{step}.png", full_page=True)

    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_clients)
    expect(heading(page)).to_have_text("Asiakastyö")

    # Suominen has given no consent: identity and consents only, and what to do about it.
    find_and_open(page, SUOMINEN.first_names, SUOMINEN.last_name, PURPOSE)
    record_url = page.url
    expect(page.get_by_text(f"Käyttötarkoitus: {PURPOSE}")).to_be_visible()
    expect_limited(page, NO_CONSENT)
    expect(limited_notice(page)).to_contain_text(ASK_TO_SIGN)
    expect(section(page, "Henkilö- ja yhteystiedot")).to_contain_text(SUOMINEN.identity_code)
    expect(section(page, "Suostumukset")).to_contain_text("Suostumuksia ei ole kirjattu.")
    screenshot("1-limited-record-fi")

    limited_notice(page).get_by_role("link", name="Pyydä ja kirjaa suostumus").click()
    expect(page).to_have_url(f"{record_url}consents/")
    expect(heading(page)).to_have_text("Suostumukset")
    expect(page.get_by_text("Asiointikieli: suomi")).to_be_visible()
    expect(page.get_by_text("Suostumuksia ei ole kirjattu.")).to_be_visible()
    screenshot("2-consents-none-fi")

    # Print the viewing-consent form: a PDF download, in her language of service.
    text = print_viewing_form(page, screenshot_dir / "consent-journey-3-form-viewing-fi")
    assert SUOMINEN.name in text, text
    assert SUOMINEN.identity_code in text, text
    assert FORM_TITLE_FI in text, text
    for words in FORM_WORDS_FI:
        assert words in text, (words, text)
    assert FORM_TITLE_SV not in text, text
    # The download left the page where it was.
    expect(heading(page)).to_have_text("Suostumukset")

    # She signed it: record her answer, with the scan of the signed form.
    page.get_by_role("link", name="Kirjaa asiakkaan vastaus").click()
    expect(heading(page)).to_have_text("Kirjaa asiakkaan vastaus")
    expect(page.get_by_label("Suostumuksen laji")).to_have_value("viewing")
    page.locator("label").get_by_text("Asiakas antoi suostumuksen", exact=True).click()
    expect(page.get_by_label("Asiakas antoi suostumuksen", exact=True)).to_be_checked()
    today = timezone.localdate()
    page.get_by_label(re.compile(r"^Allekirjoitettu\b")).fill(today.isoformat())
    page.get_by_label("Missä annettu").select_option(label="Ohjaamossa")
    page.get_by_label(re.compile(r"^Allekirjoitetun lomakkeen skannaus")).set_input_files(
        scanned_form(tmp_path)
    )
    expect(page.get_by_label(re.compile(r"^Skannausta ei vielä ole"))).not_to_be_checked()
    screenshot("4-answer-form-fi")
    page.get_by_role("button", name="Tallenna vastaus").click()

    # Back on the consents page: the consent is given, with its scan and its history.
    expect(heading(page)).to_have_text("Suostumukset")
    expect(page.get_by_text("Asiakkaan vastaus on kirjattu.")).to_be_visible()
    given = consent_card(page, "annettu")
    expect(given).to_have_count(1)
    expect(given).to_contain_text(f"{today.day}.{today.month}.{today.year}, Ohjaamossa")
    expect(given).to_contain_text("peruutukseen asti")
    expect(given.get_by_role("link", name="Allekirjoitetun lomakkeen skannaus")).to_be_visible()
    expect(given.get_by_text("odottaa skannausta")).to_have_count(0)
    given.get_by_text("Historia", exact=True).click()
    history = given.get_by_role("listitem")
    expect(history).to_have_count(1)
    expect(history).to_contain_text(WORKER_NAME)
    screenshot("5-consent-given-fi")

    # The scan comes back as it went in.
    with page.expect_download() as scan_info:
        given.get_by_role("link", name="Allekirjoitetun lomakkeen skannaus").click()
    assert scan_info.value.suggested_filename.endswith(".pdf")
    assert len(pypdf.PdfReader(scan_info.value.path()).pages) == 1

    # The whole record now opens.
    page.get_by_role("link", name=SUOMINEN.name, exact=True).click()
    expect(page).to_have_url(record_url)
    expect_full(page)
    expect(section(page, "Suostumukset").get_by_role("row")).to_have_count(2)
    expect(section(page, "Suostumukset")).to_contain_text("annettu")
    screenshot("6-full-record-fi")

    # She phones to withdraw it.
    page.get_by_role("link", name=re.compile(r"^Suostumukset: lomakkeet")).click()
    expect(heading(page)).to_have_text("Suostumukset")
    consent_card(page, "annettu").get_by_role("link", name="Kirjaa peruutus").click()
    expect(heading(page)).to_have_text("Kirjaa peruutus")
    page.get_by_label("Miten asiakas peruutti suostumuksen").select_option(label="puhelimitse")
    page.get_by_label("Lisätieto (vapaaehtoinen)").fill(WITHDRAWAL_NOTE)
    screenshot("7-withdrawal-form-fi")
    page.get_by_role("button", name="Peruuta suostumus").click()

    expect(heading(page)).to_have_text("Suostumukset")
    expect(page.get_by_text("Suostumus on peruutettu. Se ei ole enää voimassa.")).to_be_visible()
    # Without a consent to viewing, only the consent request is left: each consent's kind,
    # status and dates, and no notes, scans or history.
    withdrawn = consent_row(page, "peruutettu")
    expect(withdrawn).to_have_count(1)
    expect(consent_row(page, "annettu")).to_have_count(0)
    expect(withdrawn.get_by_role("link", name="Kirjaa peruutus")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(WITHDRAWAL_NOTE)
    expect(page.get_by_role("link", name="Allekirjoitetun lomakkeen skannaus")).to_have_count(0)
    expect(page.get_by_text("Historia", exact=True)).to_have_count(0)
    screenshot("8-consent-withdrawn-fi")

    # The record is limited again, and says why.
    page.get_by_role("link", name=SUOMINEN.name, exact=True).click()
    expect(page).to_have_url(record_url)
    expect_limited(page, WITHDRAWN)
    expect(page.locator("body")).not_to_contain_text("Palveluntarve")
    screenshot("9-limited-again-fi")


def test_withdrawal_takes_effect_at_once_in_another_session(
    page: Page, other_page: Page, live_server, demo_clients, screenshot_dir
):
    # The same worker at two computers: one keeps Kaikkonen's whole record open.
    for each in (page, other_page):
        each.goto(f"{live_server.url}/")
        sign_in(each, "ohjaaja", demo_clients)
        find_and_open(each, KAIKKONEN.first_names, KAIKKONEN.last_name, PURPOSE)
    expect_full(other_page)

    # At the other, the worker records that Kaikkonen withdrew his consent.
    page.get_by_role("link", name=re.compile(r"^Suostumukset: lomakkeet")).click()
    consent_card(page, "annettu").get_by_role("link", name="Kirjaa peruutus").click()
    page.get_by_label("Miten asiakas peruutti suostumuksen").select_option(label="puhelimitse")
    page.get_by_role("button", name="Peruuta suostumus").click()
    expect(consent_row(page, "peruutettu")).to_have_count(1)

    # The open record's very next load is limited.
    other_page.reload()
    expect(heading(other_page)).to_have_text(KAIKKONEN.name)
    expect_limited(other_page, WITHDRAWN)
    other_page.screenshot(
        path=screenshot_dir / "consent-journey-10-other-session-limited-fi.png", full_page=True
    )


def test_printed_form_is_in_the_clients_language_of_service(
    page: Page, live_server, demo_clients, screenshot_dir
):
    """A Swedish-speaking client's form is in Swedish, though the worker uses ATMT in Finnish."""
    joensuu = Municipality.objects.get(code="167")
    code = identity_code_for(datetime.date(2006, 4, 12), 564)
    assert not Client.objects.filter(identity_code=code).exists()  # not one of the demo's
    client = ClientFactory(
        identity_code=code,
        first_names="Ebba Linnea",
        last_name="Sjöholm",
        home_municipality=joensuu,
        mother_tongue="sv",
        service_language="sv",
    )
    ReferralFactory(client=client, group=client_group("ohjaamo_youth"))
    ServiceNeedFactory(client=client)  # in ohjaaja's grant, and only the consent missing

    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_clients)
    find_and_open(page, "Ebba Linnea", "Sjöholm", PURPOSE)
    expect_limited(page, NO_CONSENT)
    limited_notice(page).get_by_role("link", name="Pyydä ja kirjaa suostumus").click()
    expect(heading(page)).to_have_text("Suostumukset")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_text("asiakkaan asiointikielellä (ruotsi)")).to_be_visible()

    text = print_viewing_form(page, screenshot_dir / "consent-journey-11-form-viewing-sv")
    assert "Ebba Linnea Sjöholm" in text, text
    assert client.identity_code in text, text
    assert FORM_TITLE_SV in text, text
    for words in FORM_WORDS_SV:
        assert words in text, (words, text)
    assert FORM_TITLE_FI not in text, text
    assert "Allekirjoitus" not in text, text
