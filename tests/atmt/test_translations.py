"""The Finnish and Swedish catalogues are complete: nothing untranslated, fuzzy or missing."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_LANGUAGES = ("fi", "sv")
NOT_SOURCE = (".git", ".venv", "var", "node_modules", "static", "__pycache__", ".pytest_cache")


def catalogue_path(root: Path, language: str) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def active_msgids(path: Path) -> set[str]:
    return {entry.msgid for entry in polib.pofile(str(path)) if not entry.obsolete}


@pytest.mark.rule("003-4-language-rights")
@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    catalogue = polib.pofile(str(catalogue_path(PROJECT_ROOT, language)))
    active = [entry for entry in catalogue if not entry.obsolete]

    untranslated = [entry.msgid for entry in active if not entry.translated()]
    fuzzy = [entry.msgid for entry in active if "fuzzy" in entry.flags]

    assert active, "the catalogue is empty"
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy


def test_makemessages_would_add_no_entry(tmp_path):
    """Run makemessages on a copy of the source, so the real catalogues are never touched."""
    copy = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    before = {
        language: active_msgids(catalogue_path(copy, language)) for language in CATALOGUE_LANGUAGES
    }

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-location"]
        + [f"--locale={language}" for language in CATALOGUE_LANGUAGES],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": ""},
    )

    added = {
        language: sorted(active_msgids(catalogue_path(copy, language)) - before[language])
        for language in CATALOGUE_LANGUAGES
    }
    assert added == {language: [] for language in CATALOGUE_LANGUAGES}, (
        "Run `make messages-update` and translate the new entries"
    )


def test_swedish_names_an_access_right_one_way_only():
    """An access right is a "behörighet" everywhere in Swedish, never an "åtkomsträtt"."""
    catalogue = polib.pofile(str(catalogue_path(PROJECT_ROOT, "sv")))
    active = [entry for entry in catalogue if not entry.obsolete]

    def texts(entry) -> list[str]:
        return [entry.msgstr, *entry.msgstr_plural.values()]

    other_terms = [
        entry.msgid
        for entry in active
        if any("åtkomsträtt" in text.lower() for text in texts(entry))
    ]
    about_access_rights = [
        entry for entry in active if "access right" in (entry.msgid + entry.msgid_plural).lower()
    ]
    without_the_term = [
        entry.msgid
        for entry in about_access_rights
        if not all("behörighet" in text.lower() for text in texts(entry) if text)
    ]

    assert about_access_rights
    assert other_terms == []
    assert without_the_term == []
