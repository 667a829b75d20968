"""The container deployment: docker-compose.yml, the Dockerfile and the example env file.

Docker is not needed to run these: the files are read and checked against the Compose
Specification's own schema and against the rules the deployment relies on.
"""

import copy
import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = PROJECT_ROOT / "tests" / "schemas"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def compose_validator() -> jsonschema.Draft7Validator:
    schema = json.loads((SCHEMA_DIR / "compose-spec.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for line in (PROJECT_ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def environment_of(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):  # The KEY=value list form.
        return dict(item.split("=", 1) for item in environment)
    return environment


# docker-compose.yml


def test_compose_file_follows_the_compose_specification(compose, compose_validator):
    errors = [error.message for error in compose_validator.iter_errors(compose)]

    assert errors == []


@pytest.mark.parametrize(
    "break_it",
    [
        lambda data: data["services"]["app"].update(ports="8000"),
        lambda data: data.update(servcies=data["services"]),
        lambda data: data["services"]["app"]["depends_on"]["db"].update(condition="db_ready"),
    ],
    ids=["ports-as-a-string", "unknown-top-level-key", "unknown-depends-on-condition"],
)
def test_schema_rejects_a_broken_compose_file(compose, compose_validator, break_it):
    """Proof that the check above can fail: the same file with one mistake does not pass."""
    broken = copy.deepcopy(compose)
    break_it(broken)

    assert not compose_validator.is_valid(broken)


def test_database_is_postgres_16_on_a_named_volume(compose):
    db = compose["services"]["db"]
    volume_names = [volume.split(":", 1)[0] for volume in db["volumes"]]

    assert re.fullmatch(r"postgres:16([.-].*)?", db["image"])
    assert "/var/lib/postgresql/data" in [volume.split(":")[1] for volume in db["volumes"]]
    # A name, not a host path, and declared at the top level so that Compose keeps it.
    assert all(not name.startswith(("/", ".", "~")) for name in volume_names)
    assert set(volume_names) <= set(compose["volumes"])


def test_database_reports_its_health_for_the_app_to_wait_on(compose):
    db_health = compose["services"]["db"]["healthcheck"]

    assert "pg_isready" in " ".join(db_health["test"])


def test_app_is_built_from_the_dockerfile_and_waits_for_a_healthy_database(compose):
    app = compose["services"]["app"]
    build = app["build"] if isinstance(app["build"], dict) else {"context": app["build"]}
    dockerfile = PROJECT_ROOT / build["context"] / build.get("dockerfile", "Dockerfile")

    assert dockerfile.resolve() == (PROJECT_ROOT / "Dockerfile").resolve()
    assert app["depends_on"]["db"]["condition"] == "service_healthy"


def test_app_runs_in_production_mode_with_its_secrets_from_the_env_file(compose):
    app = compose["services"]["app"]
    env_files = app["env_file"] if isinstance(app["env_file"], list) else [app["env_file"]]

    assert ".env" in env_files
    assert environment_of(app)["ATMT_ENV"] == "production"
    assert environment_of(app)["DATABASE_URL"].startswith("postgres://")
    assert "@db:" in environment_of(app)["DATABASE_URL"]


def test_app_healthcheck_calls_healthz(compose):
    test = compose["services"]["app"]["healthcheck"]["test"]

    assert "/healthz" in (test if isinstance(test, str) else " ".join(test))


def test_app_is_published_only_on_the_loopback_interface(compose):
    """Plain HTTP must reach it only through the TLS-terminating proxy on the same machine."""
    ports = compose["services"]["app"]["ports"]

    assert ports
    assert all(str(port).startswith("127.0.0.1:") for port in ports)


def database_user(service: dict) -> str:
    return urlsplit(environment_of(service)["DATABASE_URL"]).username or ""


def test_the_owner_migrates_and_grants_before_the_app_starts(compose):
    """README, "Database roles": the app's role cannot migrate, nor rewrite the log."""
    migrate, app = compose["services"]["migrate"], compose["services"]["app"]
    command = migrate["command"] if isinstance(migrate["command"], str) else migrate["command"][-1]

    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "manage.py migrate" in command
    assert f"manage.py grant_app_role {database_user(app)}" in command
    assert command.index("manage.py migrate") < command.index("grant_app_role")
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_app_connects_as_a_role_other_than_the_owner_and_the_superuser(compose):
    db, migrate, app = (compose["services"][name] for name in ("db", "migrate", "app"))

    assert database_user(migrate) == "atmt"
    assert database_user(app) not in ("atmt", environment_of(db)["POSTGRES_USER"], "")


def test_the_image_does_not_migrate_as_the_app():
    commands = [args for instruction, args in dockerfile_instructions() if instruction == "CMD"]

    assert "migrate" not in commands[-1]


def test_the_database_init_script_makes_both_roles_without_superuser(compose):
    """The script the image runs on its first start makes exactly the roles the URLs name."""
    db, migrate, app = (compose["services"][name] for name in ("db", "migrate", "app"))
    mounted = {config["source"]: config["target"] for config in db["configs"]}
    script_path = compose["configs"]["postgres-roles"]["file"]
    script = (PROJECT_ROOT / script_path).read_text()
    created = dict(re.findall(r"CREATE ROLE (\w+) ([^;]*);", script))

    assert mounted["postgres-roles"].startswith("/docker-entrypoint-initdb.d/")
    assert set(created) == {database_user(migrate), database_user(app)}
    assert all("NOSUPERUSER" in options and "LOGIN" in options for options in created.values())
    assert f"OWNER TO {database_user(migrate)}" in script
    assert "PASSWORD :'" in script  # psql quotes the password; none is written into the file


# .env.example


def example_settings() -> dict[str, str]:
    lines = (PROJECT_ROOT / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


def test_example_env_file_names_every_variable_the_compose_file_needs(compose):
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))

    assert interpolated <= set(example_settings())
    assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= set(example_settings())


def test_example_env_file_leaves_the_secrets_blank():
    settings = example_settings()

    assert settings["SECRET_KEY"] == ""
    assert settings["POSTGRES_PASSWORD"] == ""
    assert settings["ATMT_OWNER_PASSWORD"] == ""
    assert settings["ATMT_APP_PASSWORD"] == ""


def test_env_file_is_kept_out_of_the_image():
    """`COPY . .` would otherwise bake the secrets into every image layer pushed anywhere."""
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()

    assert ".env" in ignored


# Dockerfile


def test_image_installs_exactly_the_locked_packages():
    runs = [
        arguments for instruction, arguments in dockerfile_instructions() if instruction == "RUN"
    ]
    installs = [run for run in runs if "pip install" in run]

    assert installs
    for install in installs:
        assert "--require-hashes" in install
        assert "-r requirements/run.txt" in install
    assert re.search(r"^gunicorn==", (PROJECT_ROOT / "requirements/run.txt").read_text(), re.M)


def test_image_serves_the_app_with_gunicorn():
    commands = [args for instruction, args in dockerfile_instructions() if instruction == "CMD"]

    assert commands
    assert "gunicorn atmt.wsgi" in commands[-1]


def test_image_runs_as_a_user_other_than_root():
    instructions = dockerfile_instructions()
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]
    last_user_at = max(
        i for i, (instruction, _) in enumerate(instructions) if instruction == "USER"
    )
    command_at = max(i for i, (instruction, _) in enumerate(instructions) if instruction == "CMD")

    assert users[-1].split(":")[0] not in ("root", "0")
    assert last_user_at < command_at


def test_build_time_placeholders_satisfy_the_production_settings():
    """collectstatic runs in production mode during the build; a bad placeholder breaks it."""
    runs = [
        arguments for instruction, arguments in dockerfile_instructions() if instruction == "RUN"
    ]
    collectstatic = next(run for run in runs if "collectstatic" in run)
    words = shlex.split(collectstatic)
    assignments = dict(word.split("=", 1) for word in words[: words.index("python")])

    assert assignments["ATMT_ENV"] == "production"
    assert len(assignments["SECRET_KEY"]) >= 50
    assert assignments["ALLOWED_HOSTS"]


# The schema's licence


def test_schema_is_credited_under_the_apache_licence():
    notice = (SCHEMA_DIR / "NOTICE").read_text()

    assert "Apache" in notice
    assert "compose-spec" in notice
    assert (SCHEMA_DIR / "LICENSE-Apache-2.0").is_file()


def test_the_logs_worker_and_scheduler_run_as_the_app_with_the_key_as_a_secret(compose):
    services = compose["services"]
    for name, command in (("worker", "db_worker"), ("scheduler", "log_scheduler")):
        service = services[name]
        environment = environment_of(service)
        assert command in " ".join(service["command"])
        assert environment["DATABASE_URL"].startswith("postgres://atmt_app:")
        assert environment["LOG_SIGNING_KEY_FILE"] == "/run/secrets/log_signing_key"
        assert service["secrets"] == ["log_signing_key"]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # The web process never holds the private key; the anchor file is on a volume of its own.
    assert "secrets" not in services["app"]
    assert "log-anchor:/app/var/log-anchor" in services["worker"]["volumes"]
    assert "log-anchor" in compose["volumes"]
