"""Browser tests: a real Chromium, driven by Playwright, against pytest-django's live server.

Chromium is Debian's (`scripts/ensure-system-packages chromium`): Playwright's own browser
builds cannot be downloaded here, so its bundled driver launches /usr/bin/chromium instead.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import ConsoleMessage, Error, Page

from access.roles import Role
from demo.clients import demo_clients_load
from demo.entries import demo_entries_load
from demo.history import demo_history_load
from demo.users import DEMO_PASSWORD, demo_scope_load, demo_users_load
from tests.factories import reseed

CHROMIUM = Path("/usr/bin/chromium")

# The signed-in screens are checked at this size; the phone test sets its own.
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests after every other test, keeping the order among the rest.

    They use the live server, so each ends by emptying every table, the role groups that a data
    migration made among them. pytest-django already runs such tests after those that declare
    `db`, but not after a test that reaches the database only through
    `request.getfixturevalue`, which would then find no role groups.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Let the browser tests use the ORM although Playwright's event loop runs in their thread.

    Playwright's sync API keeps an asyncio event loop running in the test thread from its first
    use to the end of the session, so Django takes every ORM call made there for one made from
    async code and raises SynchronousOnlyOperation. Here that is a false alarm: the ORM is only
    used from the test thread while Playwright's loop idles between browser commands, never
    concurrently with it, and the live server answers the browser from threads of its own.

    Set here rather than when this file is imported: the other tests would inherit it too, and
    so would the `manage.py check --deploy` they start, which rightly fails on it (async.E001).
    The browser tests run last, so it stays set until the session ends, as Playwright's loop does.
    """
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-system-packages chromium")
    return {
        "headless": True,  # unless --headed asks otherwise
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            # Without these Chromium keeps calling Google's services, which this network lacks.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # An English-speaking browser: ATMT must still answer in Finnish until the user switches.
    return {**browser_context_args, "locale": "en-GB", "viewport": DESKTOP_VIEWPORT}


@pytest.fixture
def demo_users(live_server, transactional_db, settings):
    """The demo staff, with the demo password, in the database the live server reads.

    Returns the demo password.
    """
    # The production hasher takes over a second a password on this machine: five demo users and
    # a sign-in would make every test that slow. The live server reads the same settings.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The role groups come from a data migration, and the flush after each transactional test
    # empties every table: put them back the way the migration does.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    demo_users_load()
    return DEMO_PASSWORD


@pytest.fixture
def demo_clients(demo_users):
    """The demo region (clients, referrals, consents, grants) beside the demo staff.

    Returns the demo password, as demo_users does.
    """
    # The client groups and the municipalities come from data migrations too, and the flush
    # empties them as well.
    reseed()
    demo_clients_load()
    demo_scope_load()
    demo_entries_load()
    return demo_users


@pytest.fixture
def demo_history(demo_clients):
    """The demo workers' past three weeks, the night look among them, the rules switched on and
    the days due screened (demo/history.py). Returns the demo password."""
    demo_history_load()
    return demo_clients


@pytest.fixture
def screenshot_dir():
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


def watch_for_errors(page: Page, errors: list[str]) -> None:
    """Add to `errors` every error that `page` reports: see `browser_errors`."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.location.get('url') or page.url}: {message.text}")

    def on_page_error(error: Error) -> None:
        errors.append(f"{page.url}: uncaught {error.name}: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    # Chromium reports a blocked script, style or image as a console error of its own ("Refused
    # to ...", in newer versions "... violates the following Content Security Policy directive").
    # The page reports each violation once more, by directive, whatever the browser's wording.
    # Init scripts run outside the page's CSP.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (event) => console.error("
        "`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`));"
    )


@pytest.fixture(autouse=True)
def browser_errors(page: Page):
    """Fail the test if any page it visits logs an error, a CSP violation above all.

    Collects console messages of type error (a resource that failed to load, a script's
    console.error), uncaught script exceptions, and Content Security Policy violations.
    `other_page` reports into the same list.
    """
    errors: list[str] = []
    watch_for_errors(page, errors)
    yield errors
    assert errors == [], "the browser reported errors:\n" + "\n".join(errors)


@pytest.fixture
def other_page(new_context, browser_errors) -> Page:
    """A page in a browser context of its own: another session, as on a colleague's computer.

    Its errors fail the test as those of `page` do.
    """
    page = new_context().new_page()
    watch_for_errors(page, browser_errors)
    return page
