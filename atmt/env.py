"""Read settings from the environment through small helpers that fail loudly.

Each helper raises ConfigurationError with a one-line message that names the variable, so that
`manage.py` and the WSGI entry point can stop the app at start without a traceback.
"""

import os
from urllib.parse import urlsplit

import dj_database_url


class ConfigurationError(Exception):
    """A setting read from the environment is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ConfigurationError(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be 1/0, true/false, yes/no or on/off; got {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number; got {value!r}") from None
    if number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}; got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


_SUPPORTED_DATABASE_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")


# `make run` writes from three processes (web, worker, scheduler): write-ahead logging lets
# readers go on while one writes, and a transaction that will write takes the lock at its start
# and waits for it, instead of failing midway with "database is locked".
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def env_database(name: str, *, sqlite_path: str) -> dict:
    """Return Django's DATABASES["default"] from a database URL, or SQLite at `sqlite_path`.

    The message never repeats the URL itself: it may carry a password.
    """
    url = os.environ.get(name, "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": sqlite_path,
            "OPTIONS": SQLITE_OPTIONS,
        }
    scheme = urlsplit(url).scheme
    if scheme not in _SUPPORTED_DATABASE_SCHEMES:
        raise ConfigurationError(
            f"{name} must start with postgres:// or sqlite:///; got scheme {scheme!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ConfigurationError(f"{name} is malformed: {error}") from None
    if config["ENGINE"] == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ConfigurationError(f"{name} must name a database, e.g. postgres://user@host/atmt")
    return dict(config)
