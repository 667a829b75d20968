"""The layers contract names every app of ours, so that no app can sit outside the one-way house."""

import tomllib
from pathlib import Path

from django.apps import apps

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def contract_layers() -> set[str]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "layers"]
    return {name.strip() for layer in contract["layers"] for name in layer.split("|")}


def our_apps() -> set[str]:
    root = PYPROJECT.parent
    return {
        config.name for config in apps.get_app_configs() if Path(config.path).parent == root
    } | {"atmt", "demo"}


def test_the_layers_contract_names_every_app_of_ours():
    assert contract_layers() == our_apps()


def test_the_audit_app_is_the_lowest_but_the_project():
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "layers"]
    assert contract["layers"][-2:] == ["audit", "atmt"]
