"""The advisory quality check of a case entry (issue 13; AVI guidance, seed 003).

A pure module: text and language in, findings out, no Django. Three kinds of finding:

- ``abbreviation``: an abbreviation that is neither generally known
  (``quality_data/known_abbreviations.tsv``) nor explained in the same entry ("työkokeilu (TK)",
  "TK (työkokeilu)"). Abbreviations that are part of a health term are left to the health rule.
- ``offensive``: a belittling or stigmatising word, matched on lemmas, also inflected and inside
  compounds (``quality_data/offensive_{fi,sv}.tsv``).
- ``health``: a health or work-ability detail that belongs in the health section
  (``quality_data/health_{fi,sv}.tsv``). A health word given as the name someone was called
  ("haukkui vammaiseksi", "kallades alkoholist") is reported as offensive instead.

Finnish is analysed with Voikko (the BASEFORM and every compound part from WORDBASES and
STRUCTURE); words Voikko cannot analyse (slang such as "mamulle", "nistille") go to a stem+ending
fallback built from the same word lists. Swedish is lemmatised with simplemma (offline, MIT; it
lemmatises agent nouns such as "knarkarna" -> "knarkare", which Hunspell folds into the verb), and
compounds, which simplemma does not split, are matched as suffixes and prefixes of the word and its
lemma. Other languages are not checked: ``check`` returns [] for them.

Each finding names the exact surface word as written (the whole word, with its inner hyphens and
the colon of an abbreviation's case ending), a stable reason code and a suggestion code; the
wording shown to the worker is the caller's business.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

Kind = Literal["abbreviation", "offensive", "health"]

ABBREVIATION: Kind = "abbreviation"
OFFENSIVE: Kind = "offensive"
HEALTH: Kind = "health"

CHECKED_LANGUAGES = frozenset({"fi", "sv"})
DATA_DIR = Path(__file__).resolve().parent / "quality_data"

REASONS: dict[Kind, tuple[str, str]] = {
    ABBREVIATION: ("unexplained_abbreviation", "write_out_or_explain"),
    OFFENSIVE: ("belittling_word", "describe_neutrally"),
    HEALTH: ("health_detail", "move_to_health_section"),
}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    word: str
    reason_code: str
    suggestion_code: str


def finding(kind: Kind, word: str) -> Finding:
    reason, suggestion = REASONS[kind]
    return Finding(kind=kind, word=word, reason_code=reason, suggestion_code=suggestion)


# A word as the labelling rules delimit it: letters and digits, joined by inner hyphens and by
# the colon of an abbreviation's case ending ("TK:lle", "juoppo-isänsä", "F32-diagnoosi").
WORD = re.compile(r"[^\W_]+(?:[-:][^\W_]+)*")
SENTENCE_END = re.compile(r"(?:^|[.!?])[\s\"”'(«]*$")
CAPITAL_HEAD = re.compile(r"[A-ZÅÄÖ]{2,6}")
LOWER_HEAD = re.compile(r"[a-zåäö]{2,4}")
ROMAN_NUMERAL = re.compile(r"[IVXLC]+")
ICD_CODE = re.compile(r"[A-Z]\d{2}(?:\.\d{1,2})?")
EXPLAINED_AFTER = re.compile(r"\(\s*([A-Za-zÅÄÖåäö]{2,6})\s*\)")
EXPLAINED_BEFORE = re.compile(r"(?<![^\W_])([A-Za-zÅÄÖåäö]{2,6})(?:-[^\W_]+)?\s*\(\s*[^\W\d_]")
PROPER_NAME_CLASSES = frozenset({"etunimi", "sukunimi", "paikannimi", "nimi"})
# Nouns for people: a belittling adjective before one of these is about a person ("tyhmiä
# ihmisiä"); before any other noun it describes a thing ("hulluksi kiireeksi").
PERSON_NOUNS_FI = frozenset(
    {"ihminen", "henkilö", "asiakas", "mies", "nainen", "tyyppi", "poika", "tyttö", "nuori",
     "kaveri", "jätkä", "äijä", "työntekijä", "hakija", "isä", "äiti", "perhe", "porukka",
     "ukko", "eukko", "mummo", "pappa", "vaari", "veli", "sisko", "sisar", "vaimo", "puoliso",
     "lapsi", "naapuri", "ystävä", "kollega", "esimies", "pomo", "työtön", "työnhakija",
     "maahanmuuttaja", "ulkomaalainen", "pakolainen", "turvapaikanhakija", "opiskelija",
     "harjoittelija", "oppilas", "opettaja", "ohjaaja", "virkailija", "työnantaja", "asukas",
     "vanhempi", "sukulainen", "nuorukainen", "eläkeläinen", "työkaveri", "väki", "kansa",
     "jengi", "sakki", "joukko", "ryhmä", "heppu", "kundi", "tyttöystävä", "poikaystävä"}
)  # fmt: skip
# Finnish endings of nouns for people: agent nouns (hakija, myyjä), inhabitants (suomalainen),
# -isti and -ari (kolumnisti, narkkari), and compounds whose head is a person noun.
PERSON_SUFFIXES_FI = ("ja", "jä", "lainen", "läinen", "isti", "ari", "äri", "mies", "nainen")

FI_CASE_ENDINGS = (
    "", "n", "t", "a", "ä", "ta", "tä", "tta", "ttä", "na", "nä", "ksi", "ssa", "ssä", "sta", "stä",
    "lla", "llä", "lta", "ltä", "lle", "an", "en", "in", "on", "un", "yn", "han", "hin", "seen",
    "ja", "jä", "jen", "ien", "iden", "itten", "ia", "iä", "ita", "itä", "ina", "inä", "iksi",
    "issa", "issä", "ista", "istä", "illa", "illä", "ilta", "iltä", "ille", "iin", "ihin", "ine",
    "ineen", "itta", "ittä", "it", "e", "eja", "ejä", "ille",
    "ot", "oja", "ojen", "oiden", "oita", "oina", "oiksi", "oissa", "oista", "oilla", "oilta",
    "oille", "oihin",
)  # fmt: skip
FI_POSSESSIVES = ("", "ni", "si", "nsa", "nsä", "mme", "nne", "an", "en")
FI_CLITICS = ("", "kin", "kaan", "kään", "han", "hän", "ko", "kö")
SV_ENDINGS = (
    "", "n", "t", "en", "et", "a", "e", "ar", "er", "or", "na", "arna", "erna", "orna", "s", "ns",
    "ts", "ens", "ets", "nas", "arnas", "ernas", "ornas", "ars", "ers",
)  # fmt: skip
FI_ENDINGS = frozenset(
    case + possessive + clitic
    for case in FI_CASE_ENDINGS
    for possessive in FI_POSSESSIVES
    for clitic in FI_CLITICS
    if not (possessive and case in {"n", "t"})
)
MAX_ENDING = max(len(ending) for ending in FI_ENDINGS | set(SV_ENDINGS))
# Compound parts shorter than this are matched only whole (Swedish "lat" is not in "Latinamerika").
MIN_COMPOUND_PART = 5
MIN_MODIFIER_REST = 4
# Finnish heads are found only after a modifier Voikko knows ("sossu|mamuille"), so shorter ones
# are safe there.
MIN_HEAD = {"fi": 4, "sv": MIN_COMPOUND_PART}
# Finnish modifiers of unknown compounds may be four letters ("mamu|porukka", "matu|jengi"): the
# rest must be a word Voikko knows, so Swedish-style accidental prefixes are rarer.
MIN_MODIFIER = {"fi": 4, "sv": MIN_COMPOUND_PART}


@dataclass(frozen=True)
class WordList:
    """One data file: lemma -> match mode, plus the stem+ending forms for unanalysed words."""

    modes: dict[str, str]
    # Stem -> lemma and the endings a stem takes: a form is a stem plus one of the endings. Looked
    # up by splitting the word rather than listing every form (the Finnish endings with
    # possessives and clitics run to thousands a stem).
    stem_lemmas: dict[str, str] = field(default_factory=dict)
    endings: frozenset[str] = frozenset()
    prefixes: dict[str, str] = field(default_factory=dict)  # compound-modifier stem -> lemma
    # Swedish health terms are looked for as modifiers of known compounds too ("alkoholproblem",
    # "insulinbehandling"); offensive ones only in unknown words ("idiotsäker" is harmless).
    modifiers_in_known_words: bool = False

    def mode(self, lemma: str) -> str | None:
        return self.modes.get(lemma)

    def form(self, word: str) -> str | None:
        """The lemma whose stem plus an ending spells `word` (the longest stem wins)."""
        shortest_stem = max(1, len(word) - MAX_ENDING)
        for cut in range(len(word), shortest_stem - 1, -1):
            lemma = self.stem_lemmas.get(word[:cut])
            if lemma is not None and word[cut:] in self.endings:
                return lemma
        return None


def read_tsv(name: str) -> Iterator[list[str]]:
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [cell.strip() for cell in line.split("\t")]


def stems(lemma: str, language: str) -> set[str]:
    found = {lemma}
    if language == "fi":
        if lemma.endswith("i"):
            found.add(lemma[:-1] + "e")  # nisti -> nistejä, nisteille
        elif lemma.endswith("nen"):
            found.update({lemma[:-3] + "s", lemma[:-3] + "se"})  # pulliainen -> pulliaisia
        elif lemma.endswith("s"):
            found.update({lemma[:-1] + "kse", lemma[:-1] + "ks"})  # alkkis -> alkkiksia
        elif lemma[-1] not in "aeiouyäö":
            found.add(lemma + "i")  # junkie is vowel-final; loser -> loseria
        elif lemma[-2:] in {"aa", "ää", "ee", "oo", "uu", "yy", "öö"}:
            found.add(lemma[:-1])  # piripää -> piripäitä, piripäille
        elif lemma[-1] in "aä" and len(lemma) >= 5:
            found.add(lemma[:-1])  # dokaaja -> dokaajia, dokaajille
    elif lemma.endswith(("e", "a")):
        found.add(lemma[:-1])  # pundare -> pundarna, pundarkompis; blatte -> blattarna
    return found


@cache
def word_list(name: str, language: str) -> WordList:
    modes: dict[str, str] = {}
    for row in read_tsv(f"{name}_{language}.tsv"):
        modes[row[0].lower()] = row[1]
    stem_lemmas: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    endings = FI_ENDINGS if language == "fi" else frozenset(SV_ENDINGS)
    for lemma, mode in modes.items():
        if mode in {"allow", "surface"}:
            continue
        for stem in stems(lemma, language):
            stem_lemmas.setdefault(stem, lemma)
            if len(lemma) >= MIN_MODIFIER[language]:
                prefixes.setdefault(stem, lemma)
                if language == "sv":
                    prefixes.setdefault(stem + "s", lemma)
    return WordList(
        modes=modes,
        stem_lemmas=stem_lemmas,
        endings=endings,
        prefixes=prefixes,
        modifiers_in_known_words=name == "health",
    )


@cache
def known_abbreviations(language: str) -> frozenset[str]:
    return frozenset(
        row[0].upper()
        for row in read_tsv("known_abbreviations.tsv")
        if row[1] in {language, "both"}
    )


# --- Morphology -----------------------------------------------------------------------------


class Morphology:
    """Per-language word analysis: candidate lemmas for a word, with where they sit in it."""

    language: str

    def candidates(self, word: str) -> set[tuple[str, str]]:
        """(lemma, position) pairs; position is "whole", "head" (last compound part) or "part"."""
        raise NotImplementedError

    def is_word(self, text: str) -> bool:
        raise NotImplementedError


_voikko_local = threading.local()


def voikko() -> Any:
    """One Voikko instance per thread: an instance is not safe to share between threads."""
    instance = getattr(_voikko_local, "instance", None)
    if instance is None:
        import libvoikko

        instance = libvoikko.Voikko("fi")
        _voikko_local.instance = instance
    return instance


def structure_spans(baseform: str, structure: str) -> list[tuple[str, str]]:
    """Contiguous compound-part spans of a baseform, cut where STRUCTURE marks part boundaries."""
    cuts: list[int] = []
    position = 0
    for mark in structure:
        if mark == "=":
            cuts.append(position)
        elif mark != ":":
            position += 1
    cuts = [cut for cut in cuts if 0 < cut < len(baseform)]
    bounds = [0, *cuts, len(baseform)]
    spans: list[tuple[str, str]] = []
    for start_index in range(len(bounds) - 1):
        for end_index in range(start_index + 1, len(bounds)):
            start, end = bounds[start_index], bounds[end_index]
            if start == 0 and end == len(baseform):
                continue
            position_name = "head" if end == len(baseform) else "part"
            spans.append((baseform[start:end], position_name))
    return spans


WORDBASE = re.compile(r"\+([^(+]*)\(([^)+][^)]*)\)")


class Finnish(Morphology):
    language = "fi"

    def analyses(self, word: str) -> list[dict[str, str]]:
        return list(voikko().analyze(word))

    def is_word(self, text: str) -> bool:
        return bool(self.analyses(text))

    def candidates_of(
        self, analyses: list[dict[str, str]], proper_ok: bool
    ) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for analysis in analyses:
            if analysis.get("CLASS") in PROPER_NAME_CLASSES and not proper_ok:
                continue
            baseform = (analysis.get("BASEFORM") or "").lower()
            if not baseform:
                continue
            found.add((baseform, "whole"))
            found.update(structure_spans(baseform, analysis.get("STRUCTURE") or ""))
            bases = WORDBASE.findall(analysis.get("WORDBASES") or "")
            for index, (_surface, lemma) in enumerate(bases):
                if len(bases) == 1:
                    position_name = "whole"
                else:
                    position_name = "head" if index == len(bases) - 1 else "part"
                found.add((lemma.lower(), position_name))
        return found

    def candidates(self, word: str, proper_ok: bool = True) -> set[tuple[str, str]]:
        return self.candidates_of(self.analyses(word), proper_ok)


class Swedish(Morphology):
    language = "sv"

    def __init__(self) -> None:
        import simplemma

        self.simplemma = simplemma

    def is_word(self, text: str) -> bool:
        return bool(self.simplemma.is_known(text, lang="sv"))

    def candidates(self, word: str, proper_ok: bool = True) -> set[tuple[str, str]]:
        lower = word.lower()
        found = {(lower, "whole")}
        found.add((self.simplemma.lemmatize(lower, lang="sv").lower(), "whole"))
        found.add((self.simplemma.lemmatize(lower, lang="sv", greedy=True).lower(), "whole"))
        return found


@cache
def morphology(language: str) -> Morphology:
    return Finnish() if language == "fi" else Swedish()


# --- Matching words against a list ----------------------------------------------------------


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    sentence_start: bool


def tokens(text: str) -> list[Token]:
    return [
        Token(m.group(), m.start(), m.end(), bool(SENTENCE_END.search(text[: m.start()])))
        for m in WORD.finditer(text)
    ]


def mode_matches(mode: str | None, position: str) -> bool:
    if mode is None or mode in {"allow", "surface"}:
        return False
    return mode != "head" or position == "head"


def fallback_lemmas(word: str, words: WordList, morph: Morphology, known: bool) -> set[str]:
    """Stem+ending matching for words the analyser does not know (and Swedish compounds)."""
    lower = word.lower()
    hits: set[str] = set()
    exact = words.form(lower)
    if exact is not None and mode_matches(words.mode(exact), "whole"):
        hits.add(exact)
    # Compound head: a known modifier before an inflected list word ("sossumamuille").
    for cut in range(3, len(lower) - 2):
        lemma = words.form(lower[cut:])
        if lemma is None or len(lemma) < MIN_HEAD[morph.language]:
            continue
        if not mode_matches(words.mode(lemma), "head"):
            continue
        if morph.is_word(lower[:cut]) or (morph.language == "sv" and not known):
            hits.add(lemma)
            break
    if known and not words.modifiers_in_known_words:
        return hits
    # Compound modifier: a list word before a known word ("nistikavereitaan", "pundarkompis").
    for cut in range(MIN_MODIFIER[morph.language], len(lower) - MIN_MODIFIER_REST + 1):
        lemma = words.prefixes.get(lower[:cut])
        if lemma is None or not mode_matches(words.mode(lemma), "part"):
            continue
        rest = lower[cut:]
        if morph.is_word(rest) or words.form(rest):
            hits.add(lemma)
            break
    return hits


def matches(
    word: str,
    candidates: set[tuple[str, str]],
    words: WordList,
    morph: Morphology,
    analysed: bool,
) -> set[str]:
    """The list lemmas this word matches, unless an allowed lemma covers the whole word."""
    lower = word.lower()
    if any(words.mode(lemma) == "allow" for lemma, position in candidates if position == "whole"):
        return set()
    hits = {lemma for lemma, position in candidates if mode_matches(words.mode(lemma), position)}
    if words.mode(lower) == "surface":
        hits.add(lower)
    if morph.language == "sv":
        hits |= swedish_compound_lemmas(candidates, words)
    if not hits and (not analysed or morph.language == "sv"):
        hits |= fallback_lemmas(word, words, morph, known=analysed)
    return hits


def swedish_compound_lemmas(candidates: set[tuple[str, str]], words: WordList) -> set[str]:
    """A list word as the head of a lemma ("panikångest", "bidragssnyltare", "knäskada")."""
    hits: set[str] = set()
    for lemma, _position in candidates:
        for cut in range(2, len(lemma) - MIN_COMPOUND_PART + 1):
            head = lemma[cut:]
            if len(head) >= MIN_COMPOUND_PART and mode_matches(words.mode(head), "head"):
                hits.add(head)
    return hits


# --- The check ------------------------------------------------------------------------------


def check(text: str, language: str) -> list[Finding]:
    """The findings for one entry, in text order; [] for a language that is not checked."""
    if language not in CHECKED_LANGUAGES or not text.strip():
        return []
    morph = morphology(language)
    offensive = word_list("offensive", language)
    health = word_list("health", language)
    words = tokens(text)
    explained = explained_abbreviations(text)
    findings: list[Finding] = []
    abbreviations: dict[str, list[Token]] = {}
    for index, token in enumerate(words):
        candidates, analysed = word_candidates(token, morph)
        offensive_hits = matches(token.text, candidates, offensive, morph, analysed)
        if offensive_hits and not about_a_thing(token, words, index, offensive_hits, morph):
            findings.append(finding(OFFENSIVE, token.text))
            continue
        if is_health(token, candidates, health, morph, analysed):
            kind = OFFENSIVE if called_names(token, words, index, morph) else HEALTH
            findings.append(finding(kind, token.text))
            continue
        if is_unexplained_abbreviation(token.text, language, explained, morph):
            abbreviations.setdefault(abbreviation_head(token.text).upper(), []).append(token)
            findings.append(finding(ABBREVIATION, token.text))
    return once_per_abbreviation(text, findings, abbreviations)


def once_per_abbreviation(
    text: str, findings: list[Finding], abbreviations: dict[str, list[Token]]
) -> list[Finding]:
    """An unexplained abbreviation is pointed out at the words that name one place each.

    "AP ... AP:n" gives one finding, at "AP:n": the bare "AP" also occurs inside "AP:n" (when no
    use is unique, the first is kept). Every word is reported once however often it occurs.
    """
    keep: set[str] = set()
    for uses in abbreviations.values():
        unique = [use for use in uses if occurrences(use.text, text) == 1]
        keep.update(use.text for use in (unique or uses[:1]))
    result: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for item in findings:
        if item.kind == ABBREVIATION and item.word not in keep:
            continue
        if (item.kind, item.word) not in seen:
            seen.add((item.kind, item.word))
            result.append(item)
    return result


def occurrences(word: str, text: str) -> int:
    """How often `word` occurs in `text` whole: no letter or digit glued to either side."""
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text))


def abbreviation_head(word: str) -> str:
    return re.split(r"[-:]", word, maxsplit=1)[0]


def word_candidates(token: Token, morph: Morphology) -> tuple[set[tuple[str, str]], bool]:
    """Candidate lemmas of a word and of its hyphen-joined parts; whether the analyser knew it."""
    word = token.text.split(":")[0] if ":" in token.text else token.text
    proper_ok = token.sentence_start or not word[:1].isupper()
    parts = word.split("-")
    candidates: set[tuple[str, str]] = set()
    if len(parts) == 1:
        candidates = candidate_set(morph, word, proper_ok)
        return candidates, morph.is_word(word if morph.language == "fi" else word.lower())
    candidates.add((word.lower(), "whole"))
    for index, part in enumerate(parts):
        if not part:
            continue
        last = index == len(parts) - 1
        for lemma, position in candidate_set(morph, part, proper_ok=True):
            if position == "whole":
                position = "head" if last else "part"
            candidates.add((lemma, position))
            if last:
                candidates.add(("-".join(parts[:-1]).lower() + "-" + lemma, "whole"))
        candidates.add((part.lower(), "head" if last else "part"))
    return candidates, True


def candidate_set(morph: Morphology, word: str, proper_ok: bool) -> set[tuple[str, str]]:
    if isinstance(morph, Finnish):
        return morph.candidates(word, proper_ok=proper_ok)
    return morph.candidates(word)


def about_a_thing(
    token: Token, words: list[Token], index: int, hits: set[str], morph: Morphology
) -> bool:
    """A belittling adjective that describes a thing, not a person ("hulluksi kiireeksi")."""
    words_list = word_list("offensive", morph.language)
    if not all(words_list.mode(lemma) == "adjective" for lemma in hits):
        return False
    if morph.language == "sv":
        lower = token.text.lower()
        return lower.endswith("t") and lower not in hits
    if index + 1 >= len(words) or not isinstance(morph, Finnish):
        return False
    own_cases = {a.get("SIJAMUOTO") for a in morph.analyses(token.text)}
    for analysis in morph.analyses(words[index + 1].text):
        if (
            (analysis.get("CLASS") or "").startswith("nimisana")
            and analysis.get("SIJAMUOTO") in own_cases
            and not is_person_noun(analysis)
            and (analysis.get("BASEFORM") or "").lower() not in words_list.modes
        ):
            return True
    return False


# Name-calling: "haukkui häntä vammaiseksi", "kallade honom alkoholist". A health word that
# names what someone was called is an insult, not a health detail (labelling rules, "Kinds
# together"). Finnish: the word in the translative after one of these verbs; Swedish: the word
# within three words after a form of "kalla".
NAME_CALLING_VERBS_FI = ("hauku", "haukk", "nimitel", "nimitt", "kutsu", "solva", "huutel")
NAME_CALLING_WINDOW = 4


def called_names(token: Token, words: list[Token], index: int, morph: Morphology) -> bool:
    before = words[max(0, index - NAME_CALLING_WINDOW) : index]
    if isinstance(morph, Finnish):
        if not any(a.get("SIJAMUOTO") == "tulento" for a in morph.analyses(token.text)):
            return False
        return any(word.text.lower().startswith(NAME_CALLING_VERBS_FI) for word in before)
    return any(
        word.text.lower().startswith("kalla") and word.text.lower() != "kallas"
        for word in before[-3:]
    )


def is_person_noun(analysis: dict[str, str]) -> bool:
    """Whether a Finnish noun analysis names a person ("opiskelija", "työtön", "pomo")."""
    baseform = (analysis.get("BASEFORM") or "").lower()
    bases = WORDBASE.findall(analysis.get("WORDBASES") or "")
    head = bases[-1][1].lower() if bases else baseform
    return (
        baseform in PERSON_NOUNS_FI
        or head in PERSON_NOUNS_FI
        or baseform.endswith(PERSON_SUFFIXES_FI)
    )


def is_health(
    token: Token,
    candidates: set[tuple[str, str]],
    health: WordList,
    morph: Morphology,
    analysed: bool,
) -> bool:
    if any(ICD_CODE.fullmatch(part) for part in token.text.split("-")):
        return True  # "F32-diagnoosi"
    return bool(matches(token.text, candidates, health, morph, analysed))


def explained_abbreviations(text: str) -> set[str]:
    """Abbreviations explained in the entry: "työkokeilu (TK)" or "TK (työkokeilu)"."""
    explained = {m.group(1).upper() for m in EXPLAINED_AFTER.finditer(text)}
    explained |= {
        m.group(1).upper() for m in EXPLAINED_BEFORE.finditer(text) if m.group(1).isupper()
    }
    return explained


def is_unexplained_abbreviation(
    word: str, language: str, explained: set[str], morph: Morphology
) -> bool:
    head = abbreviation_head(word)
    if CAPITAL_HEAD.fullmatch(head):
        if ROMAN_NUMERAL.fullmatch(head):
            return False
    elif LOWER_HEAD.fullmatch(head) and len(head) < len(word):
        if morph.is_word(head):
            return False  # an ordinary word before a hyphen or colon
    else:
        return False
    upper = head.upper()
    return upper not in known_abbreviations(language) and upper not in explained
