"""Production mode, served the way it is deployed: gunicorn behind a TLS-terminating proxy.

The proxy is played by the requests themselves, which send X-Forwarded-Proto: https as the proxy
would. Everything else is real: production settings, whitenoise, a migrated database.
"""

import http.client
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django_otp.oath import totp

from tests.atmt.test_configuration import environment

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
USERNAME = "leena.esihenkilo"
PASSWORD = "production-test-password-1"
AUTHENTICATOR_KEY = secrets.token_hex(20)  # the supervisor's authenticator app's key
SERVER_START_TIMEOUT = 30
ONE_YEAR = 365 * 24 * 60 * 60


def production_environment(directory: Path, **variables: str) -> dict[str, str]:
    return environment(
        ATMT_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        IDENTITY_CODE_HASH_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=f"sqlite:///{directory / 'atmt.sqlite3'}",
        STATIC_ROOT=str(directory / "staticfiles"),
        **variables,
    )


def manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage_or_fail(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = manage(*arguments, env=env)
    assert result.returncode == 0, f"manage.py {arguments[0]} failed:\n{result.stderr}"
    return result


CREATE_SUPERVISOR = f"""
from django.contrib.auth.models import Group
from access.models import User
user = User.objects.create_user(
    {USERNAME!r}, password={PASSWORD!r}, first_name="Leena", last_name="Mäkinen"
)
user.groups.add(Group.objects.get(name="supervisor"))
from django_otp.plugins.otp_totp.models import TOTPDevice
TOTPDevice.objects.create(user=user, key={AUTHENTICATOR_KEY!r}, confirmed=True)
"""


@dataclass(frozen=True)
class Site:
    directory: Path
    env: dict[str, str]

    @property
    def database(self) -> Path:
        return self.directory / "atmt.sqlite3"


@pytest.fixture(scope="session")
def production_site(tmp_path_factory) -> Site:
    """A migrated production database with one supervisor, and the collected static files."""
    directory = tmp_path_factory.mktemp("production")
    env = production_environment(directory, ALLOWED_HOSTS=HOST, TRUST_X_FORWARDED_PROTO="1")
    # Compressing the static files takes the longest and needs no database: run it alongside.
    collectstatic = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=PROJECT_ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        manage_or_fail("migrate", "--no-input", "-v", "0", env=env)
        manage_or_fail("shell", "-c", CREATE_SUPERVISOR, env=env)
    finally:
        try:
            _, errors = collectstatic.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            collectstatic.kill()
            raise
    assert collectstatic.returncode == 0, f"manage.py collectstatic failed:\n{errors}"
    return Site(directory, env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server_port(production_site) -> int:
    """The port of a real gunicorn serving the production site."""
    port = free_port()
    log_path = production_site.directory / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                *("-m", "gunicorn", "atmt.wsgi"),
                *("--bind", f"{HOST}:{port}", "--workers", "1"),
                # Otherwise gunicorn puts a control socket in ~/.gunicorn, shared by every run.
                "--no-control-socket",
            ],
            cwd=PROJECT_ROOT,
            env=production_site.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(server, port, log_path)
        yield port
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wait_until_healthy(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            if get(port, "/healthz", https=False).status == 200:
                return
        except OSError:
            pass  # Not listening yet.
        time.sleep(0.1)
    pytest.fail(
        f"gunicorn did not answer /healthz in {SERVER_START_TIMEOUT}s:\n{log_path.read_text()}"
    )


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def cookie(self, name: str) -> "SetCookie":
        cookies = [parse_set_cookie(value) for value in self.headers.get_all("Set-Cookie", [])]
        matching = [cookie for cookie in cookies if cookie.name == name]
        assert matching, f"no {name} cookie among {[cookie.name for cookie in cookies]}"
        return matching[0]


@dataclass(frozen=True)
class SetCookie:
    name: str
    value: str
    attributes: dict[str, str]  # Lower-cased names; a flag such as Secure has the value "".


def parse_set_cookie(header: str) -> SetCookie:
    pair, *attributes = (part.strip() for part in header.split(";"))
    name, _, value = pair.partition("=")
    parsed = {}
    for attribute in attributes:
        key, _, attribute_value = attribute.partition("=")
        parsed[key.strip().lower()] = attribute_value.strip()
    return SetCookie(name, value, parsed)


def request(
    port: int,
    method: str,
    path: str,
    *,
    https: bool = True,
    host: str = HOST,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> Response:
    """One request as the TLS-terminating proxy would forward it (or plain, if not `https`)."""
    all_headers = {"Host": host, **(headers or {})}
    if https:
        all_headers["X-Forwarded-Proto"] = "https"
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


def get(port: int, path: str, **options) -> Response:
    return request(port, "GET", path, **options)


def content_security_policy(response: Response) -> dict[str, list[str]]:
    directives = {}
    for directive in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


# Checks Django runs itself


@pytest.mark.rule("003-5-encrypted-transfer")
def test_deploy_check_finds_no_issues_in_production_settings(tmp_path):
    env = production_environment(tmp_path, ALLOWED_HOSTS="atmt.example.fi")

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


# What a browser receives


@pytest.fixture(scope="session")
def sign_in_page(server_port) -> Response:
    return get(server_port, "/sign-in/")


def test_sign_in_page_is_served(sign_in_page):
    assert sign_in_page.status == 200
    assert 'name="csrfmiddlewaretoken"' in sign_in_page.text


@pytest.mark.rule("001-12-no-transfer")
def test_content_security_policy_allows_scripts_and_styles_only_from_the_site(sign_in_page):
    policy = content_security_policy(sign_in_page)

    for directive in ("script-src", "style-src"):
        sources = policy[directive]
        assert "'self'" in sources
        # Besides 'self', only the per-response nonce; never 'unsafe-inline' or another origin.
        # (Django puts the nonce in the header only on pages whose template used it.)
        assert all(source == "'self'" or source.startswith("'nonce-") for source in sources)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.rule("001-12-no-transfer")
def test_content_security_policy_names_no_other_origin_anywhere(sign_in_page):
    header = sign_in_page.headers["Content-Security-Policy"]
    sources = [
        source for sources in content_security_policy(sign_in_page).values() for source in sources
    ]

    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    # Keywords such as 'self' and 'none' are quoted; data: is for the design system's icons.
    assert all(source.startswith("'") or source == "data:" for source in sources), header


@pytest.mark.rule("003-5-encrypted-transfer")
def test_browsers_are_told_to_use_https_for_a_year_or_more(sign_in_page):
    directives = [
        part.strip() for part in sign_in_page.headers["Strict-Transport-Security"].split(";")
    ]
    max_age = next(
        int(part.removeprefix("max-age=")) for part in directives if part.startswith("max-age=")
    )

    assert max_age >= ONE_YEAR
    assert "includeSubDomains" in directives


def test_pages_forbid_sniffing_framing_and_leaking_the_address(sign_in_page):
    assert sign_in_page.headers["X-Content-Type-Options"] == "nosniff"
    assert sign_in_page.headers["Referrer-Policy"] == "same-origin"
    assert sign_in_page.headers["X-Frame-Options"] == "DENY"


@pytest.mark.rule("003-5-encrypted-transfer")
def test_csrf_cookie_is_secure_and_bound_to_this_host(sign_in_page):
    cookie = sign_in_page.cookie("__Host-atmt-csrf")

    assert "secure" in cookie.attributes
    assert cookie.attributes["path"] == "/"
    assert "domain" not in cookie.attributes


@pytest.mark.rule("003-5-encrypted-transfer")
def test_plain_http_is_redirected_to_https(server_port):
    response = get(server_port, "/sign-in/", https=False)

    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}/sign-in/"


def test_static_files_are_served_by_whitenoise_under_hashed_names(server_port, sign_in_page):
    stylesheet = re.search(r'href="(/static/css/atmt\.[0-9a-f]{12}\.css)"', sign_in_page.text)
    assert stylesheet, "the sign-in page does not link the hashed css/atmt.css"

    response = get(server_port, stylesheet.group(1))

    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    # Only whitenoise marks the hashed names as cacheable forever; Django would not serve them.
    assert "immutable" in response.headers["Cache-Control"]


def test_health_check_answers_plain_http_for_a_host_name_not_allowed(server_port):
    """The container's healthcheck calls 127.0.0.1:8000 over plain HTTP, past the proxy."""
    health = get(server_port, "/healthz", https=False, host="atmt-app:8000")
    page = get(server_port, "/sign-in/", host="atmt-app:8000")

    assert (health.status, health.text) == (200, "ok\n")
    assert page.status == 400


# Signing in


def post_form(port: int, path: str, form: dict[str, str], cookies: list["SetCookie"]) -> Response:
    """POST a form as a browser would, with the page's CSRF token and the cookies it holds."""
    return request(
        port,
        "POST",
        path,
        body=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies),
            # Browsers send it with every POST; Django checks it on HTTPS.
            "Origin": f"https://{HOST}",
        },
    )


def csrf_token(page: Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.fixture(scope="session")
def sign_in(server_port) -> Response:
    """The password step: the session that answers it has not passed the second factor."""
    page = get(server_port, "/sign-in/")
    form = {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page)}
    return post_form(server_port, "/sign-in/", form, [page.cookie("__Host-atmt-csrf")])


@pytest.fixture(scope="session")
def code_page(server_port, sign_in) -> Response:
    session = sign_in.cookie("__Host-atmt-session")
    return get(server_port, "/sign-in/code/", headers={"Cookie": f"{session.name}={session.value}"})


@pytest.fixture(scope="session")
def signed_in_session(server_port, sign_in, code_page) -> SetCookie:
    """The session after the code from the supervisor's authenticator app: the whole sign-in.

    The code step gives the session a new id: the cookie of the password step is worth nothing.
    """
    session = sign_in.cookie("__Host-atmt-session")
    code = f"{totp(bytes.fromhex(AUTHENTICATOR_KEY)):06d}"
    form = {"code": code, "next": "/", "csrfmiddlewaretoken": csrf_token(code_page)}
    answer = post_form(
        server_port, "/sign-in/code/", form, [code_page.cookie("__Host-atmt-csrf"), session]
    )
    assert answer.status == 302, answer.text
    assert answer.headers["Location"] == "/"
    renewed = answer.cookie("__Host-atmt-session")
    assert renewed.value != session.value
    return renewed


@pytest.mark.rule("003-5-encrypted-transfer")
def test_signing_in_sets_a_secure_http_only_session_cookie_bound_to_this_host(sign_in):
    assert sign_in.status == 302
    assert sign_in.headers["Location"] == "/"
    cookie = sign_in.cookie("__Host-atmt-session")
    assert "secure" in cookie.attributes
    assert "httponly" in cookie.attributes
    assert cookie.attributes["path"] == "/"
    assert "domain" not in cookie.attributes


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_password_alone_reaches_only_the_code_page(server_port, sign_in, code_page):
    session = sign_in.cookie("__Host-atmt-session")

    home = get(server_port, "/", headers={"Cookie": f"{session.name}={session.value}"})

    assert home.status == 302
    assert home.headers["Location"] == "/sign-in/code/?next=%2F"
    assert code_page.status == 200
    assert "no-store" in code_page.headers["Cache-Control"]


def test_the_code_page_gives_no_demo_hint_in_production(code_page):
    assert "demo_code" not in code_page.text


@pytest.mark.rule("003-5-confidential")
def test_signed_in_pages_are_never_stored_in_caches(server_port, signed_in_session):
    cookie = f"{signed_in_session.name}={signed_in_session.value}"

    home = get(server_port, "/", headers={"Cookie": cookie})

    assert home.status == 200
    assert ">Käytön valvonta</h1>" in home.text
    assert "no-store" in home.headers["Cache-Control"]


# Demo data


def usernames(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT username FROM access_user")}


@pytest.mark.parametrize("command", ["load_demo_data", ["demo_code", USERNAME]])
def test_the_demo_commands_do_not_exist_in_production(production_site, command):
    before = usernames(production_site.database)

    result = manage(*([command] if isinstance(command, str) else command), env=production_site.env)

    assert result.returncode != 0
    assert "Unknown command" in result.stderr
    assert usernames(production_site.database) == before == {USERNAME}
