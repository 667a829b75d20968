"""A member of staff signs in, switches to Swedish and signs out, in a real browser.

Each step's screenshot goes to var/screenshots/ for a person to look at.
"""

import base64
import re
from dataclasses import dataclass

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from access.roles import Role
from tests.browser.steps import enter_code, heading, sign_in, sign_in_with_password
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"width": 375, "height": 812}

# Where LoginRequiredMiddleware sends a signed-out visitor of the home page.
SIGN_IN_FROM_HOME = re.compile(r"/sign-in/\?next=/$")


@dataclass(frozen=True)
class Persona:
    role: str
    username: str
    full_name: str
    heading_fi: str
    heading_sv: str
    role_label_fi: str
    role_label_sv: str


PERSONAS = [
    Persona(
        "case_worker",
        "ohjaaja",
        "Aino Virtanen",
        "Asiakastyö",
        "Klientarbete",
        "Asiakastyöntekijä",
        "Handläggare",
    ),
    Persona(
        "supervisor",
        "esihenkilo",
        "Leena Mäkinen",
        "Käytön valvonta",
        "Övervakning av användningen",
        "Esihenkilö",
        "Förman",
    ),
    Persona(
        "access_admin",
        "paakayttaja",
        "Juha Nieminen",
        "Käyttöoikeuksien hallinta",
        "Behörighetsadministration",
        "Käyttöoikeuksien hallinnoija",
        "Behörighetsadministratör",
    ),
]


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda persona: persona.role)
def test_sign_in_switch_to_swedish_and_sign_out(
    page: Page, live_server, demo_users, screenshot_dir, persona
):
    def screenshot(step: str) -> None:
        path = screenshot_dir / f"sign-in-journey-{persona.role}-{step}.png"
        page.screenshot(path=path, full_page=True)

    home = f"{live_server.url}/"
    language = page.get_by_role("form", name="Kieli")

    # Signed out, the home page sends the visitor to sign in, in Finnish although the
    # browser asks for English.
    page.goto(home)
    expect(page).to_have_url(SIGN_IN_FROM_HOME)
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(heading(page)).to_have_text("Kirjaudu sisään")
    expect(language.get_by_role("button", name="Suomi")).to_have_attribute("aria-current", "true")
    expect(page.get_by_test_id("user-name")).to_have_count(0)
    screenshot("0-sign-in-fi")

    sign_in_with_password(page, persona.username, demo_users)
    # The password alone reaches only the code page: no navigation, no data.
    expect(page).to_have_url(f"{live_server.url}/sign-in/code/?next=%2F")
    expect(page.get_by_role("navigation", name="Päävalikko")).to_have_count(0)
    screenshot("1-code-fi")
    enter_code(page, persona.username)
    expect(page).to_have_url(home)
    expect(heading(page)).to_have_text(persona.heading_fi)
    expect(page.get_by_test_id("user-name")).to_have_text(persona.full_name)
    expect(page.get_by_test_id("user-roles")).to_have_text(persona.role_label_fi)
    expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
    screenshot("2-home-fi")

    language.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_url(home)
    expect(heading(page)).to_have_text(persona.heading_sv)
    expect(page.get_by_test_id("user-name")).to_have_text(persona.full_name)
    expect(page.get_by_test_id("user-roles")).to_have_text(persona.role_label_sv)
    # The form's name is translated too, so find the buttons from the page.
    expect(page.get_by_role("button", name="Svenska")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("button", name="Suomi")).not_to_have_attribute("aria-current", "true")
    screenshot("3-home-sv")

    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(f"{live_server.url}/sign-in/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(heading(page)).to_have_text("Logga in")
    expect(page.get_by_label("Användarnamn")).to_be_visible()
    expect(page.get_by_label("Lösenord")).to_be_visible()
    expect(page.get_by_role("button", name="Logga in", exact=True)).to_be_visible()
    expect(page.get_by_test_id("user-name")).to_have_count(0)
    screenshot("4-signed-out-sv")

    # The session really ended: the home page asks for a sign-in again.
    page.goto(home)
    expect(page).to_have_url(SIGN_IN_FROM_HOME)
    expect(heading(page)).to_have_text("Logga in")


def test_wrong_password_shows_the_error_and_stays_signed_out(
    page: Page, live_server, demo_users, screenshot_dir
):
    page.goto(f"{live_server.url}/")

    sign_in_with_password(page, "ohjaaja", "not-the-demo-password")

    expect(page.get_by_role("alert")).to_have_text(
        re.compile(r"^\s*Ole hyvä ja syötä kelvollinen käyttäjätunnus ja salasana\.")
    )
    expect(page).to_have_url(f"{live_server.url}/sign-in/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(heading(page)).to_have_text("Kirjaudu sisään")
    expect(page.get_by_label("Käyttäjätunnus")).to_have_value("ohjaaja")
    expect(page.get_by_label("Salasana")).to_have_value("")
    expect(page.get_by_test_id("user-name")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "sign-in-wrong-password-fi.png", full_page=True)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(SIGN_IN_FROM_HOME)


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], widths


def test_phone_sign_in_page_fits_and_focuses_the_user_name(page: Page, live_server, screenshot_dir):
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"{live_server.url}/")
    expect(heading(page)).to_have_text("Kirjaudu sisään")

    no_sideways_scroll(page)
    # Django's sign-in form puts the cursor in the user name field, so Tab starts from there.
    expect(page.get_by_label("Käyttäjätunnus")).to_be_focused()
    page.screenshot(path=screenshot_dir / "phone-sign-in-fi.png", full_page=True)


def test_phone_home_page_fits_and_skip_link_comes_first(
    page: Page, live_server, demo_users, screenshot_dir
):
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"{live_server.url}/")
    sign_in(page, "ohjaaja", demo_users)
    expect(heading(page)).to_have_text("Asiakastyö")

    no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "phone-home-fi.png", full_page=True)

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Siirry pääsisältöön")
    expect(focused).to_be_in_viewport()
    page.screenshot(path=screenshot_dir / "phone-home-fi-skip-link.png")

    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_a_new_user_enrols_an_authenticator_at_the_first_sign_in(
    page: Page, live_server, demo_users, screenshot_dir
):
    UserFactory(username="uusi", first_name="Uuno", last_name="Uusi", roles=[Role.SUPERVISOR])
    page.goto(f"{live_server.url}/access-log/")
    sign_in_with_password(page, "uusi", TEST_PASSWORD)

    expect(heading(page)).to_have_text("Ota kaksivaiheinen tunnistautuminen käyttöön")
    expect(page.get_by_role("img", name="QR-koodi todennussovellukselle")).to_be_visible()
    page.screenshot(path=screenshot_dir / "two-factor-enrol-fi.png", full_page=True)
    # What an authenticator app does with the key typed in from the page.
    typed_key = page.get_by_test_id("manual-key").inner_text().replace(" ", "")
    code = totp(base64.b32decode(typed_key))
    page.get_by_label("Kertakäyttökoodi").fill(f"{code:06d}")
    page.get_by_role("button", name="Vahvista").click()

    expect(heading(page)).to_have_text("Varakoodit")
    expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(10)
    page.screenshot(path=screenshot_dir / "two-factor-recovery-codes-fi.png", full_page=True)
    page.get_by_role("link", name="Olen tallentanut koodit, jatka").click()

    expect(page).to_have_url(f"{live_server.url}/access-log/")
    expect(heading(page)).to_have_text("Käyttöloki")
