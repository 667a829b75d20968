"""Steps the browser tests share: signing in as a person would, password and then the code."""

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from demo.two_factor import current_code


def sign_in_with_password(page: Page, username: str, password: str) -> None:
    """Fill in and send the Finnish sign-in form: the first step only."""
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu sisään", exact=True).click()


def enter_code(page: Page, username: str) -> None:
    """Type the code the user's authenticator app shows now, as the second step asks."""
    expect(heading(page)).to_have_text("Kertakäyttökoodi")
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.get_by_label("Kertakäyttökoodi").fill(current_code(device))
    page.get_by_role("button", name="Jatka").click()


def sign_in(page: Page, username: str, password: str) -> None:
    """The whole sign-in of an enrolled user: password, then the one-time code."""
    sign_in_with_password(page, username, password)
    enter_code(page, username)


def heading(page: Page):
    return page.get_by_role("heading", level=1)
