"""The entry quality check (issue 13; AVI guidance, seed 003 §4): one table per finding kind.

Each row is (language, text, the words the check must report for that kind). The check is a pure
module, so these tests need no database and no Django; they assert kinds, words and codes, never
wording shown to a worker.
"""

import ast
from pathlib import Path

import pytest

from entries import quality
from entries.quality import ABBREVIATION, HEALTH, OFFENSIVE, check

QUALITY_MODULE = Path(quality.__file__)


def words_of(kind: str, text: str, language: str) -> list[str]:
    return [item.word for item in check(text, language) if item.kind == kind]


ABBREVIATION_ROWS = [
    # Unexplained service shorthand, with a case ending or in a compound, capitals or not.
    ("fi", "Ohjattu TK:lle kaupungin varikolle.", ["TK:lle"]),
    ("fi", "Haettu TK-paikkaa kaupan alalta.", ["TK-paikkaa"]),
    ("fi", "tk-jakso päättyy pe.", ["tk-jakso"]),
    ("fi", "OMO vaihtunut, TTV-asia selvitetty.", ["OMO", "TTV-asia"]),
    ("fi", "TK:n jälkeen asiakas jatkaa TK-paikassa.", ["TK:n", "TK-paikassa"]),
    ("sv", "LS-beslutet skickat till arbetsgivaren.", ["LS-beslutet"]),
    ("sv", "Kunden deltog i OMO-träffen.", ["OMO-träffen"]),
    # The bare form also occurs inside "AP:n": the one place is "AP:n".
    ("sv", "Kunden har inlett AP, AP:n pågår till februari.", ["AP:n"]),
    # Explained in the same entry, before or after.
    ("fi", "Työkokeilu (TK) alkaa 3.2. TK:n tavoitteena on selvittää alan sopivuus.", []),
    ("fi", "TK (työkokeilu) jatkuu; TK-ohjaajana toimii Merja.", []),
    ("sv", "Arbetsprövning (AP) börjar 3.2. Målet med AP:n är klart.", []),
    # An explanation in another entry does not count.
    ("fi", "TK:n ohjaaja soitti.", ["TK:n"]),
    # "ex-" (former) is generally known.
    ("fi", "Asiakkaan ex-puoliso hoitaa lapsia.", []),
    ("sv", "Kundens ex-sambo hjälper med barnen.", []),
    # Generally known, with endings and in compounds.
    ("fi", "CV:tä päivitetty ja lähetetty PDF-muodossa, esim. klo 10 TE-toimistoon.", []),
    ("fi", "Kelan ja KELA:n päätös, yt-neuvottelut, ELY-keskus, tradenomi (AMK).", []),
    ("sv", "FPA:s beslut väntas om ca två veckor, t.ex. via TE-byrån; B1-nivå.", []),
    # Proper names and single letters are not abbreviations; a health abbreviation is health.
    ("fi", "Kesätyöpaikka R-kioskilta, C-ajokortti, haastattelu Teamsissa.", []),
    ("fi", "Asiakkaalla on ADHD ja MS-tauti.", []),
]

OFFENSIVE_ROWS = [
    # Inflected forms and compounds that Voikko analyses.
    ("fi", "Laiskurille ei kannata tarjota mitään.", ["Laiskurille"]),
    ("fi", "Vanha sossupummiporukka odotti ulkona.", ["sossupummiporukka"]),
    ("fi", "Juopoille ei pidä myöntää mitään.", ["Juopoille"]),
    ("fi", "Asiakkaan vanhempi on juoppo-isänsä kanssa.", ["juoppo-isänsä"]),
    # Slang Voikko does not know: the stem+ending fallback.
    ("fi", "Mamulle on turha selittää.", ["Mamulle"]),
    ("fi", "Nistille ei makseta ennakkoa, kaverit ovat nistejä.", ["Nistille", "nistejä"]),
    ("fi", "Nistiporukka houkuttelee asiakasta.", ["Nistiporukka"]),
    ("fi", "Työnantaja kutsui asiakasta kehariksi.", ["kehariksi"]),
    # The stem+ending fallback: long-vowel, -s and -ja words; a four-letter modifier.
    ("fi", "Kaverit ovat piripäitä ja alkkiksia.", ["piripäitä", "alkkiksia"]),
    ("fi", "Naapurit ovat dokailijoita.", ["dokailijoita"]),
    ("fi", "Mamuporukka odotti ulkona.", ["Mamuporukka"]),
    # "psyko" is a compound part of psykoterapia: only its exact forms are name-calling.
    ("fi", "Asiakas on kuntoutuspsykoterapiassa; naapuri on psyko.", ["psyko"]),
    # Quoted words count; a belittling adjective about a person counts.
    ("fi", "Asiakas sanoi olevansa ”laiska kuin mikä”.", ["laiska"]),
    ("fi", "Kurssilla oli pelkkiä tyhmiä ihmisiä.", ["tyhmiä"]),
    # Before any noun for a person, not only "ihminen": agent nouns, "työtön", compounds.
    ("fi", "Hän on laiska opiskelija ja tyhmä työnhakija.", ["laiska", "tyhmä"]),
    ("fi", "Laiskat työttömät ja tyhmät maahanmuuttajat.", ["Laiskat", "tyhmät"]),
    ("fi", "Asiakas teki tyhmän virheen.", []),
    # A health word as the name someone was called is an insult; as a fact it stays health.
    ("fi", "Häntä on haukuttu vammaiseksi ja alkoholistiksi.", ["vammaiseksi", "alkoholistiksi"]),
    ("fi", "Asiakas kutsuttiin psykiatrin vastaanotolle.", []),
    ("sv", "Kunden kallades alkoholist i skolan.", ["alkoholist"]),
    # Lookalikes, a first name and a word about a thing are not findings.
    ("fi", "Pianisti, kolumnisti ja humanisti käyttivät palkkalaskuria.", []),
    ("fi", "Asiakkaan isoisä Urpo toi hänet; paalutusjuntan kuljettaja.", []),
    ("fi", "Edellinen työ oli ”hulluksi kiireeksi”, nyt akkuvarastossa.", []),
    ("fi", "Asiakas elättää perheensä, muutti Loimaalle ja asioi sossussa.", []),
    ("sv", "Latmasken dök inte upp, han är lat.", ["Latmasken", "lat"]),
    (
        "sv",
        "Kunden är bidragssnyltare och bor hos en pundarkompis.",
        ["bidragssnyltare", "pundarkompis"],
    ),
    (
        "sv",
        "Kunden hänger med fyllegubbarna, Blattarna pratar inte.",
        ["fyllegubbarna", "Blattarna"],
    ),
    ("sv", "Knarkaren vill inte ta emot hjälp.", ["Knarkaren"]),
    ("sv", "Kunden kallade chefen odugling och kollegorna korkade.", ["odugling", "korkade"]),
    ("sv", "Kunden bor i Latinamerika, läser idiom och fyllde i en platsannons.", []),
    ("sv", "Kunden beskrev jobbet som ”galet stressigt”; dumperförare från Mongoliet.", []),
]

HEALTH_ROWS = [
    ("fi", "Asiakkaalla todettu keskivaikea masennustila.", ["masennustila"]),
    ("fi", "Asiakas on masentunut ja syö mielialalääkkeitä.", ["masentunut", "mielialalääkkeitä"]),
    ("fi", "Asiakas toimitti sairauslomatodistuksen.", ["sairauslomatodistuksen"]),
    ("fi", "Asiakas hakee työkyvyttömyyseläkettä.", ["työkyvyttömyyseläkettä"]),
    ("fi", "Asiakas käy A-klinikalla, F32-diagnoosi.", ["A-klinikalla", "F32-diagnoosi"]),
    ("fi", "Asiakkaalla on lukihäiriö ja polvivamma.", ["lukihäiriö", "polvivamma"]),
    ("fi", "Asiakas on raskaana viikolla 20.", ["raskaana"]),
    ("fi", "Asiakas toipuu leikkauksesta, oli saikulla.", ["leikkauksesta", "saikulla"]),
    ("fi", "Asiakas oli humalassa ja on ollut katkolla.", ["humalassa", "katkolla"]),
    # Lookalikes: haircuts, showers, batteries and the work trial's accident insurance.
    ("fi", "Hiustenleikkauksen jälkeen sadekuuro; litiumakkutehdas haastattelee.", []),
    ("fi", "Työkokeilun ajan asiakas on vakuutettu tapaturmavakuutuksella.", []),
    # Not health: a bare illness or appointment, occupations, lifting limits, family leave.
    ("fi", "Asiakas kävi lääkärissä ja oli sairaana, ei raskaita taakkoja.", []),
    ("fi", "Asiakas opiskelee lähihoitajaksi; Ammatinvalintapsykologin tapaaminen.", []),
    ("fi", "Asiakas on vanhempainvapaalla ja sairaanhoitajan sijaisuutta hakemassa.", []),
    # An insult that sounds like health is offensive, not health.
    ("fi", "Asiakas on masentunut idiootti.", ["masentunut"]),
    (
        "sv",
        "Kunden är sjukskriven, Sjukskrivningen fortsätter.",
        ["sjukskriven", "Sjukskrivningen"],
    ),
    ("sv", "Kunden har alkoholproblem och panikångest.", ["alkoholproblem", "panikångest"]),
    ("sv", "Kunden har en knäskada och en autismdiagnos.", ["knäskada", "autismdiagnos"]),
    ("sv", "Kunden besöker A-kliniken och tar sömnmedicin.", ["A-kliniken", "sömnmedicin"]),
    ("sv", "Kunden har KOL och går på AA-möten.", ["KOL", "AA-möten"]),
    ("sv", "Kunden var sjuk, var hos tandläkaren och är föräldraledig.", []),
    ("fi", "Asiakas kutsuttiin psykiatrin vastaanotolle.", ["psykiatrin"]),
    ("sv", "Kunden har kallats till läkaren för sin diabetes.", ["diabetes"]),
    ("sv", "Kunden har en protest mot beslutet; bostaden är handikappanpassad.", []),
    ("sv", "Kunden studerar till närvårdare; möte med yrkesvalspsykolog.", []),
]


@pytest.mark.rule("003-4-plain-language")
@pytest.mark.parametrize(("language", "text", "expected"), ABBREVIATION_ROWS)
def test_unexplained_abbreviations_are_pointed_out(language, text, expected):
    assert words_of(ABBREVIATION, text, language) == expected


@pytest.mark.rule("003-4-no-offensive-words")
@pytest.mark.parametrize(("language", "text", "expected"), OFFENSIVE_ROWS)
def test_offensive_words_are_found_on_lemmas(language, text, expected):
    assert words_of(OFFENSIVE, text, language) == expected


@pytest.mark.parametrize(("language", "text", "expected"), HEALTH_ROWS)
def test_health_details_are_found_on_lemmas(language, text, expected):
    assert words_of(HEALTH, text, language) == expected


def test_a_finding_carries_stable_codes():
    findings = check("Asiakas on laiskuri ja TK:ssa, syö unilääkkeitä.", "fi")
    assert [(f.kind, f.word, f.reason_code, f.suggestion_code) for f in findings] == [
        (OFFENSIVE, "laiskuri", "belittling_word", "describe_neutrally"),
        (ABBREVIATION, "TK:ssa", "unexplained_abbreviation", "write_out_or_explain"),
        (HEALTH, "unilääkkeitä", "health_detail", "move_to_health_section"),
    ]


@pytest.mark.parametrize("language", ["en", "se", "", "FI"])
def test_other_languages_are_not_checked(language):
    assert (
        check("Asiakas on laiskuri, OMO soittaa, masennus. The client is an idiot.", language) == []
    )


def test_the_module_imports_no_django():
    tree = ast.parse(QUALITY_MODULE.read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert imported
    assert not any(name == "django" or name.startswith("django.") for name in imported)
