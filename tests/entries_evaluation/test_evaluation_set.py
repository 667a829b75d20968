"""The labelled evaluation set for the entry quality check (issue 13) is well formed.

Pure file checks, no Django: every line parses, ids are unique and say their part and language,
each finding names a kind of the three and a word that occurs once, whole, in its sentence, no
sentence appears twice, and the sizes the issue asks for hold (>= 300 Finnish, >= 150 Swedish, the
held-out part between 30 % and 40 % of each language).
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

EVALUATION_DIR = Path(__file__).resolve().parents[2] / "entries" / "evaluation"
LANGUAGES = ("fi", "sv")
# heldout2: the blind part, written without sight of the checker or the other parts;
# heldout3: a second blind part, written the same way after the word lists were broadened.
PARTS = {"heldout": "h", "tuning": "t", "heldout2": "b", "heldout3": "c"}
KINDS = frozenset({"abbreviation", "offensive", "health"})
FIELDS = frozenset({"id", "language", "text", "findings"})
MINIMUM_TOTAL = {"fi": 300, "sv": 150}
MINIMUM_PER_FILE = {("heldout", "fi"): 100, ("heldout", "sv"): 50}
MINIMUM_PER_FILE |= {("tuning", "fi"): 200, ("tuning", "sv"): 100}
MINIMUM_PER_FILE |= {("heldout2", "fi"): 120, ("heldout2", "sv"): 60}
MINIMUM_PER_FILE |= {("heldout3", "fi"): 130, ("heldout3", "sv"): 70}
FILES = [(part, language) for part in PARTS for language in LANGUAGES]


def load(part: str, language: str) -> list[dict]:
    path = EVALUATION_DIR / f"{part}_{language}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def occurrences(word: str, text: str) -> int:
    """How often `word` occurs in `text` whole: no letter or digit glued to either side."""
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text))


@pytest.mark.parametrize(("part", "language"), FILES)
def test_every_line_is_a_labelled_sentence_of_its_file(part: str, language: str) -> None:
    id_format = re.compile(rf"{language}-{PARTS[part]}-\d{{3}}")
    for row in load(part, language):
        assert set(row) == FIELDS, row
        assert id_format.fullmatch(row["id"]), row["id"]
        assert row["language"] == language, row["id"]
        assert isinstance(row["text"], str), row["id"]
        assert row["text"] == row["text"].strip(), row["id"]
        assert row["text"], row["id"]
        assert isinstance(row["findings"], list), row["id"]
        for finding in row["findings"]:
            assert set(finding) == {"kind", "word"}, row["id"]
            assert finding["kind"] in KINDS, row["id"]
            assert finding["word"], row["id"]
            # Exactly once, so that a reported word points at one place in the sentence.
            assert occurrences(finding["word"], row["text"]) == 1, (row["id"], finding["word"])
        words = [(f["kind"], f["word"]) for f in row["findings"]]
        assert len(words) == len(set(words)), row["id"]


@pytest.mark.parametrize(("part", "language"), FILES)
def test_each_file_holds_its_minimum(part: str, language: str) -> None:
    assert len(load(part, language)) >= MINIMUM_PER_FILE[part, language]


def test_ids_and_sentences_are_unique_across_the_set() -> None:
    rows = [row for part, language in FILES for row in load(part, language)]
    ids = Counter(row["id"] for row in rows)
    texts = Counter(row["text"].casefold() for row in rows)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [t for t, n in texts.items() if n > 1] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_is_big_enough_and_about_a_third_is_held_out(language: str) -> None:
    heldout = len(load("heldout", language))
    total = heldout + len(load("tuning", language))
    assert total >= MINIMUM_TOTAL[language]
    assert 0.30 <= heldout / total <= 0.40


@pytest.mark.parametrize(("part", "language"), FILES)
def test_each_file_has_clean_sentences_and_every_kind(part: str, language: str) -> None:
    rows = load(part, language)
    clean = sum(1 for row in rows if not row["findings"])
    kinds = {finding["kind"] for row in rows for finding in row["findings"]}
    assert 0.35 <= clean / len(rows) <= 0.65
    assert kinds == KINDS
