"""Settings come from the environment; a bad value stops the app with one line naming it.

The operator reading that line has a setting to fix, not a bug to report, so there is no
traceback, and a database password never reaches the console or the logs.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from atmt.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_str,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Every variable atmt/settings.py reads: the test run's own values must not reach a child process.
SETTINGS_VARIABLES = (
    "ATMT_ENV",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "STATIC_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "TRUST_X_FORWARDED_PROTO",
    "LOG_LEVEL",
)
PASSWORD = "secretpw"
LONG_SECRET_KEY = "k" * 64


def environment(**variables: str) -> dict[str, str]:
    """The current environment without ATMT's settings, plus `variables`.

    The other subprocess tests use it too, so that a setting exported in the shell that runs the
    tests cannot change what a child process sees.
    """
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(variables)
    return env


def run_python(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def printed_chain(error: BaseException) -> BaseException | None:
    """The exception a traceback of `error` would also print, if any."""
    if error.__cause__ is not None:
        return error.__cause__
    return None if error.__suppress_context__ else error.__context__


@pytest.fixture
def clean_environment(monkeypatch):
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# env_str


def test_a_required_string_that_is_missing_or_empty_is_an_error(clean_environment):
    with pytest.raises(ConfigurationError, match=r"^SECRET_KEY must be set$"):
        env_str("SECRET_KEY", required=True)

    clean_environment.setenv("SECRET_KEY", "")
    with pytest.raises(ConfigurationError, match=r"^SECRET_KEY must be set$"):
        env_str("SECRET_KEY", required=True)


def test_an_optional_string_falls_back_to_its_default(clean_environment):
    assert env_str("STATIC_ROOT", "/srv/static") == "/srv/static"

    clean_environment.setenv("STATIC_ROOT", "/app/staticfiles")
    assert env_str("STATIC_ROOT", "/srv/static") == "/app/staticfiles"


# env_bool


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" ON ", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", False),
    ],
)
def test_boolean_accepts_the_usual_spellings(clean_environment, value, expected):
    clean_environment.setenv("DEBUG", value)

    assert env_bool("DEBUG", default=not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_unset_boolean_takes_its_default(clean_environment, default):
    assert env_bool("DEBUG", default=default) is default


@pytest.mark.parametrize("value", ["maybe", "2", "tru", "y e s"])
def test_boolean_rejects_anything_else_and_names_the_variable(clean_environment, value):
    clean_environment.setenv("DEBUG", value)

    with pytest.raises(ConfigurationError, match=r"^DEBUG must be .*true/false"):
        env_bool("DEBUG", default=False)


# env_int


def test_whole_number_is_read_or_defaults_when_unset_or_blank(clean_environment):
    assert env_int("SECURE_HSTS_SECONDS", 3600) == 3600

    clean_environment.setenv("SECURE_HSTS_SECONDS", "  ")
    assert env_int("SECURE_HSTS_SECONDS", 3600) == 3600

    clean_environment.setenv("SECURE_HSTS_SECONDS", "31536000")
    assert env_int("SECURE_HSTS_SECONDS", 3600) == 31536000


@pytest.mark.parametrize("value", ["a year", "3.5", "1e6"])
def test_whole_number_rejects_other_text(clean_environment, value):
    clean_environment.setenv("SECURE_HSTS_SECONDS", value)

    with pytest.raises(ConfigurationError, match=r"^SECURE_HSTS_SECONDS must be a whole number"):
        env_int("SECURE_HSTS_SECONDS", 3600)


def test_whole_number_below_its_minimum_is_an_error(clean_environment):
    clean_environment.setenv("SECURE_HSTS_SECONDS", "-1")

    with pytest.raises(
        ConfigurationError, match=r"^SECURE_HSTS_SECONDS must be at least 0; got -1$"
    ):
        env_int("SECURE_HSTS_SECONDS", 3600, minimum=0)


def test_whole_number_at_its_minimum_is_accepted(clean_environment):
    clean_environment.setenv("SECURE_HSTS_SECONDS", "0")

    assert env_int("SECURE_HSTS_SECONDS", 3600, minimum=0) == 0


# env_choice and env_list


def test_choice_takes_its_default_when_unset_or_empty(clean_environment):
    choices = ("development", "production")
    assert env_choice("ATMT_ENV", "development", choices) == "development"

    clean_environment.setenv("ATMT_ENV", "")
    assert env_choice("ATMT_ENV", "development", choices) == "development"

    clean_environment.setenv("ATMT_ENV", "production")
    assert env_choice("ATMT_ENV", "development", choices) == "production"


@pytest.mark.parametrize("value", ["prod", "Production", "staging"])
def test_choice_outside_the_list_is_an_error_naming_the_choices(clean_environment, value):
    clean_environment.setenv("ATMT_ENV", value)

    with pytest.raises(ConfigurationError) as error:
        env_choice("ATMT_ENV", "development", ("development", "production"))

    assert str(error.value).startswith("ATMT_ENV must be one of development, production;")


def test_list_is_split_on_commas_and_ignores_blanks(clean_environment):
    assert env_list("ALLOWED_HOSTS", ["localhost"]) == ["localhost"]

    clean_environment.setenv("ALLOWED_HOSTS", " atmt.example.fi, ,www.atmt.example.fi,")
    assert env_list("ALLOWED_HOSTS", []) == ["atmt.example.fi", "www.atmt.example.fi"]


# env_database


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_database_url_means_sqlite_at_the_given_path(clean_environment, value):
    if value is not None:
        clean_environment.setenv("DATABASE_URL", value)

    config = env_database("DATABASE_URL", sqlite_path="/srv/atmt/atmt.sqlite3")

    assert (config["ENGINE"], config["NAME"]) == (
        "django.db.backends.sqlite3",
        "/srv/atmt/atmt.sqlite3",
    )
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"  # three processes write


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_url_is_parsed_into_django_settings(clean_environment, scheme):
    clean_environment.setenv("DATABASE_URL", f"{scheme}://atmt:{PASSWORD}@db.internal:5433/atmt")

    config = env_database("DATABASE_URL", sqlite_path="/unused")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("atmt", "atmt", PASSWORD)
    assert (config["HOST"], config["PORT"]) == ("db.internal", 5433)


def test_sqlite_url_names_the_file(clean_environment):
    clean_environment.setenv("DATABASE_URL", "sqlite:////srv/atmt/db.sqlite3")

    config = env_database("DATABASE_URL", sqlite_path="/unused")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/srv/atmt/db.sqlite3"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"mysql://atmt:{PASSWORD}@db/atmt", "DATABASE_URL must start with postgres://"),
        (f"oracle://atmt:{PASSWORD}@db/atmt", "DATABASE_URL must start with postgres://"),
        ("not a database url", "DATABASE_URL must start with postgres://"),
        (f"postgres://atmt:{PASSWORD}@db", "DATABASE_URL must name a database"),
        (f"postgres://atmt:{PASSWORD}@db:5432/", "DATABASE_URL must name a database"),
        (f"postgres://atmt:{PASSWORD}@db:notaport/atmt", "DATABASE_URL is malformed"),
        (f"postgres://atmt:{PASSWORD}@db:99999/atmt", "DATABASE_URL is malformed"),
    ],
    ids=["mysql", "oracle", "garbage", "no-name", "empty-name", "port-text", "port-range"],
)
def test_unusable_database_url_is_an_error_that_does_not_repeat_the_password(
    clean_environment, url, message
):
    clean_environment.setenv("DATABASE_URL", url)

    with pytest.raises(ConfigurationError) as error:
        env_database("DATABASE_URL", sqlite_path="/unused")

    assert str(error.value).startswith(message)
    assert PASSWORD not in str(error.value)
    # A traceback would print any chained exception too, and that one might quote the URL.
    assert printed_chain(error.value) is None


# Starting the app with a bad setting


BAD_SETTINGS = {
    "unsupported-database": ("DATABASE_URL", {"DATABASE_URL": "mysql://x"}),
    "malformed-database-url": (
        "DATABASE_URL",
        {"DATABASE_URL": f"postgres://u:{PASSWORD}@host:notaport/db"},
    ),
    "production-without-secret-key": (
        "SECRET_KEY",
        {"ATMT_ENV": "production", "ALLOWED_HOSTS": "atmt.example.fi"},
    ),
    "production-with-short-secret-key": (
        "SECRET_KEY",
        {"ATMT_ENV": "production", "ALLOWED_HOSTS": "atmt.example.fi", "SECRET_KEY": "x" * 49},
    ),
    "production-without-allowed-hosts": (
        "ALLOWED_HOSTS",
        {"ATMT_ENV": "production", "SECRET_KEY": LONG_SECRET_KEY},
    ),
    "debug-neither-true-nor-false": ("DEBUG", {"DEBUG": "maybe"}),
    "unknown-environment": ("ATMT_ENV", {"ATMT_ENV": "prod"}),
}


def assert_one_line_configuration_error(result: subprocess.CompletedProcess, variable: str):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ATMT configuration error: ")
    assert variable in lines[0]


@pytest.mark.parametrize(("variable", "values"), BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_manage_py_stops_with_one_line_naming_the_variable(variable, values):
    result = run_python("manage.py", "check", env=environment(**values))

    assert_one_line_configuration_error(result, variable)


@pytest.mark.parametrize(
    ("variable", "values"),
    [BAD_SETTINGS["malformed-database-url"], BAD_SETTINGS["production-without-secret-key"]],
    ids=["malformed-database-url", "production-without-secret-key"],
)
def test_wsgi_entry_point_stops_with_one_line_naming_the_variable(variable, values):
    result = run_python("-c", "import atmt.wsgi", env=environment(**values))

    assert_one_line_configuration_error(result, variable)


def test_good_settings_start_without_complaint(tmp_path):
    """The counterpart of the rules above: the same command passes when nothing is wrong."""
    values = {"DATABASE_URL": f"sqlite:///{tmp_path / 'atmt.sqlite3'}", "DEBUG": "0"}

    result = run_python("manage.py", "check", env=environment(**values))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
