"""/healthz tells the container runtime whether the app can reach its database, and nothing more."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.atmt.test_configuration import environment

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Port 1 is reserved and nothing listens there: a real database that cannot be reached.
UNREACHABLE_DATABASE_URL = "postgres://postgres@127.0.0.1:1/nothing"

pytestmark = pytest.mark.django_db


def test_health_check_answers_ok_without_signing_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_health_check_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]


def test_health_check_answers_a_host_name_that_pages_refuse(client):
    """The container healthcheck calls 127.0.0.1:8000, which is not an allowed host."""
    host = {"host": "not-allowed.example"}

    health = client.get("/healthz", headers=host)
    page = client.get("/sign-in/", headers=host)

    assert health.status_code == 200
    assert page.status_code == 400


SHOW_HEALTH = """
from django.test import Client
response = Client().get("/healthz")
print(response.status_code, response.content.decode().strip())
"""


def test_health_check_reports_a_database_it_cannot_reach():
    env = environment(DATABASE_URL=UNREACHABLE_DATABASE_URL)

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW_HEALTH],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "503 database unavailable"
