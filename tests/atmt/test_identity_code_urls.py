"""The identity code never leaves the request body: no URL the app builds and no log line of
runserver or gunicorn carries a query string that holds one."""

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from atmt.identity_codes import holds_identity_code, without_identity_codes
from atmt.log_filters import WithoutIdentityCodes
from sign_in.middleware import url_with_next
from tests.atmt.test_configuration import environment
from tests.atmt.test_production import HOST, free_port, get, stop, wait_until_healthy

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CODE = "131052-308T"
# The code, as it may stand in a URL: plain, encoded, inside an encoded next=, a "+" century.
CODE_QUERIES = [
    f"identity_code={CODE}",
    "identity_code=131052-308t",
    "q=131052%2B308T",
    "q=131052+308T",
    f"next=%2Fclients%2Fsearch%2F%3Fidentity_code%3D{CODE}",
    "next=%252Fclients%252F%253Fq%253D131052A308T",
]
CODE_PARTS = ("131052", "308T", "308t")


def assert_no_code(text: str) -> None:
    for part in CODE_PARTS:
        assert part not in text


@pytest.mark.rule("003-5-confidential")
@pytest.mark.parametrize("query", CODE_QUERIES)
def test_a_query_that_holds_a_code_is_seen_as_such(query):
    assert holds_identity_code(query)
    assert_no_code(without_identity_codes(f"/clients/search/?{query}"))


def test_other_query_parameters_are_kept():
    assert without_identity_codes(f"/access-log/?page=2&q={CODE}") == "/access-log/?page=2"
    assert without_identity_codes("/access-log/?page=2&day=2026-06-01") == (
        "/access-log/?page=2&day=2026-06-01"
    )


@pytest.mark.rule("003-5-confidential")
@pytest.mark.parametrize("query", CODE_QUERIES)
def test_a_signed_in_search_address_with_a_code_is_answered_without_it(worker_client, query):
    response = worker_client.get(f"/clients/search/?{query}")

    assert response.status_code == 302
    assert response["Location"] == "/clients/search/"
    assert_no_code(response.content.decode())
    page = worker_client.get(response["Location"])
    assert page.status_code == 200
    assert_no_code(page.content.decode())


def redirect_chain(browser, path: str) -> list[str]:
    """Every Location the app answers on the way, and the final page."""
    seen = []
    response = browser.get(path)
    while response.status_code in (301, 302, 303, 307) and len(seen) < 10:
        seen.append(response["Location"])
        response = browser.get(response["Location"])
    seen.append(response.content.decode())
    return seen


@pytest.mark.rule("003-5-confidential")
@pytest.mark.django_db
@pytest.mark.parametrize("query", CODE_QUERIES)
def test_the_sign_in_redirect_does_not_carry_the_code(password_only_client, query):
    for text in redirect_chain(password_only_client, f"/clients/search/?{query}"):
        assert_no_code(text)


@pytest.mark.rule("003-5-confidential")
@pytest.mark.parametrize("query", CODE_QUERIES)
def test_the_second_factor_redirect_does_not_carry_the_code(
    password_only_client, case_worker, query
):
    password_only_client.force_login(case_worker)

    for text in redirect_chain(password_only_client, f"/clients/search/?{query}"):
        assert_no_code(text)


@pytest.mark.rule("003-5-confidential")
def test_a_next_built_by_the_app_never_holds_a_code():
    url = url_with_next("two_factor_code", f"/clients/search/?identity_code={CODE}&page=2")

    assert_no_code(url)
    assert "page" in url


@pytest.mark.rule("003-5-confidential")
def test_the_language_switcher_does_not_copy_the_code_into_its_next():
    request = RequestFactory().get(f"/access-log/?page=2&identity_code={CODE}")

    html = render_to_string("includes/language_switcher.html", request=request)

    assert_no_code(html)
    assert 'value="/access-log/?page=2"' in html


def test_the_log_filter_removes_a_query_that_holds_a_code():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /clients/search/?identity_code={CODE} HTTP/1.1", "302", "0"),
        None,
    )

    WithoutIdentityCodes().filter(record)

    assert_no_code(record.getMessage())
    assert "GET /clients/search/?" in record.getMessage()


# The servers' own logs


def serve(command: list[str], tmp_path: Path, port: int):
    """Start `command`, make requests with a code in the query, stop it; its whole log."""
    log_path = tmp_path / "server.log"
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'throwaway.sqlite3'}")
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until_healthy(server, port, log_path)
        for query in CODE_QUERIES:
            for path in ("/clients/search/", "/sign-in/"):
                assert get(port, f"{path}?{query}", https=False).status == 302
        # A plain request, to show that request lines are logged at all; the server writes its
        # line after the answer, so wait for it before stopping the server.
        get(port, "/healthz?page=2", https=False)
        deadline = time.monotonic() + 5
        while log_path.read_text().count("/healthz") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop(server)
    return log_path.read_text()


@pytest.mark.rule("003-5-confidential")
def test_runserver_logs_no_query_that_holds_a_code(tmp_path):
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", f"{HOST}:{port}", "--noreload"]

    log = serve([*command, "--skip-checks"], tmp_path, port)

    assert "GET /clients/search/" in log
    assert "/healthz?page=2" in log
    assert_no_code(log)


@pytest.mark.rule("003-5-confidential")
def test_gunicorn_logs_no_query_that_holds_a_code(tmp_path):
    port = free_port()
    command = [
        *(sys.executable, "-m", "gunicorn", "atmt.wsgi"),
        *("--bind", f"{HOST}:{port}", "--workers", "1", "--no-control-socket"),
        *("--access-logfile", "-"),
    ]

    log = serve(command, tmp_path, port)

    assert "GET /clients/search/" in log
    assert_no_code(log)
