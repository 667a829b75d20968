"""The municipality classification and the employment areas ship as data (clients/data/): the
migration loads them, and `manage.py load_municipalities` refreshes them from a newer edition."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from clients.classification import (
    SHIPPED_AREAS,
    SHIPPED_MUNICIPALITIES,
    ClassificationFileError,
    classification_load,
)
from clients.models import Classification, EmploymentArea, Municipality
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

ALAND = {"035", "043", "060", "062", "065", "076", "170", "295", "318", "417", "438", "478", "736"}
ALAND |= {"766", "771", "941"}


def snapshot() -> dict:
    return {
        model._meta.label: sorted(model.objects.order_by().values_list())
        for model in (EmploymentArea, Municipality, Classification)
    }


def edition(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def shipped_lines(path: Path = SHIPPED_MUNICIPALITIES) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_a_new_database_holds_the_2026_classification():
    in_classification = Municipality.objects.filter(in_classification=True)

    assert in_classification.count() == 308
    names = {m.code: (m.name_fi, m.name_sv) for m in in_classification}
    assert names["005"] == ("Alajärvi", "Alajärvi")
    assert names["049"] == ("Espoo", "Esbo")
    assert names["091"] == ("Helsinki", "Helsingfors")
    assert names["478"] == ("Maarianhamina", "Mariehamn")
    assert names["599"] == ("Pedersören kunta", "Pedersöre")
    assert names["992"] == ("Äänekoski", "Äänekoski")
    assert "588" not in names  # Pertunmaa, merged into Mäntyharju in 2026
    assert not in_classification.exclude(name_en=F("name_fi")).exists()
    assert set(Classification.objects.values_list("kind", "year")) == {
        (Classification.Kind.MUNICIPALITIES, 2026),
        (Classification.Kind.EMPLOYMENT_AREAS, 2025),
    }


def test_aland_belongs_to_no_employment_area():
    aland = Municipality.objects.filter(code__in=ALAND)

    assert aland.count() == 16
    assert not aland.filter(employment_area__isnull=False).exists()


def test_each_shipped_area_holds_its_municipalities():
    members = {
        area.code: set(area.municipalities.values_list("code", flat=True))
        for area in EmploymentArea.objects.all()
    }

    assert len(members) == 30
    assert all(members.values())
    assert sum(len(codes) for codes in members.values()) == 194
    assert len(members["pohjois-karjala"]) == 13
    assert {"167", "276", "426", "309", "607"} <= members["pohjois-karjala"]
    assert members["pohjanmaa"] == {"905", "893", "946", "499", "399", "475", "545", "280", "231"}
    assert members["helsinki"] == {"091"}
    assert members["espoo-kauniainen"] == {"049", "235"}
    assert len(members["oulu"]) == 11


def test_loading_the_shipped_files_again_changes_nothing_but_the_log_of_loads():
    before = Classification.objects.count()

    summary = classification_load()

    assert len(summary.municipalities.unchanged) == 308
    assert len(summary.areas.unchanged) == 30
    for changes in (summary.municipalities, summary.areas):
        assert changes.created == changes.updated == changes.dropped == []
    assert Classification.objects.count() == before + 2


def test_the_command_prints_its_summary():
    output = StringIO()

    call_command("load_municipalities", stdout=output)

    assert "308" in output.getvalue()
    assert Classification.objects.filter(year=2026).count() == 2  # the migration's and this one


def test_a_newer_edition_renames_merges_and_adds(tmp_path):
    polvijarvi_client = ClientFactory(home_municipality=Municipality.objects.get(code="607"))
    lines = shipped_lines()
    lines = [line for line in lines if not line.startswith("607;")]  # say, merged into Joensuu
    lines = [line.replace("426;Liperi;Libelits", "426;Liperi;Libelitz") for line in lines]
    lines = [
        line.replace("309;Outokumpu;Outokumpu;pohjois-karjala", "309;Outokumpu;Outokumpu;")
        for line in lines
    ]
    lines.append("999;Uusikunta;Nykommun;pohjois-karjala")
    newer = edition(tmp_path, "municipalities-2027.csv", lines)

    summary = classification_load(municipalities_path=newer, year=2027, source="a test edition")

    assert summary.municipalities.created == ["999"]
    assert summary.municipalities.updated == ["309", "426"]
    assert summary.municipalities.dropped == ["607"]
    assert len(summary.municipalities.unchanged) == 305
    merged = Municipality.objects.get(code="607")
    assert merged.in_classification is False
    polvijarvi_client.refresh_from_db()
    assert polvijarvi_client.home_municipality == merged
    assert Municipality.objects.get(code="426").name_sv == "Libelitz"
    assert Municipality.objects.get(code="309").employment_area is None
    assert Municipality.objects.get(code="999").employment_area.code == "pohjois-karjala"
    latest = Classification.objects.filter(kind=Classification.Kind.MUNICIPALITIES).first()
    assert (latest.year, latest.source) == (2027, "a test edition")

    again = classification_load(municipalities_path=newer, year=2027, source="a test edition")

    assert again.municipalities.created == again.municipalities.updated == []
    assert again.municipalities.dropped == []


def test_a_municipality_listed_again_returns_to_the_classification(tmp_path):
    without = [line for line in shipped_lines() if not line.startswith("607;")]
    classification_load(municipalities_path=edition(tmp_path, "without.csv", without))

    summary = classification_load()

    assert summary.municipalities.updated == ["607"]
    assert Municipality.objects.get(code="607").in_classification is True


def bad_line(lines: list[str], code: str, replacement: str) -> list[str]:
    return [replacement if line.startswith(f"{code};") else line for line in lines]


@pytest.mark.parametrize(
    "change, bad_line_number",
    [
        # The shipped file's rows start on line 6, in code order: 005 is line 6, 009 line 7.
        ("duplicate code", 7),
        ("unknown area", 6),
        ("too few fields", 6),
        ("bad code", 6),
        ("no Finnish name", 7),
    ],
)
def test_a_bad_line_changes_nothing_and_is_named(tmp_path, change, bad_line_number):
    lines = shipped_lines()
    lines = {
        "duplicate code": bad_line(lines, "009", "005;Alajärvi;Alajärvi;"),
        "unknown area": bad_line(lines, "005", "005;Alajärvi;Alajärvi;no-such-area"),
        "too few fields": bad_line(lines, "005", "005;Alajärvi"),
        "bad code": bad_line(lines, "005", "5;Alajärvi;Alajärvi;"),
        "no Finnish name": bad_line(lines, "009", "009;;Alavieska;"),
    }[change]
    lines.append("999;Uusikunta;Nykommun;")  # a good line: not loaded either
    bad = edition(tmp_path, "bad.csv", lines)
    before = snapshot()

    with pytest.raises(ClassificationFileError) as refused:
        classification_load(municipalities_path=bad)

    assert [problem.line for problem in refused.value.problems] == [bad_line_number]
    assert snapshot() == before


def test_every_bad_line_is_named_not_only_the_first(tmp_path):
    lines = bad_line(shipped_lines(), "005", "005;Alajärvi")
    lines = bad_line(lines, "010", "010;Alavus;Alavo;no-such-area")

    with pytest.raises(ClassificationFileError) as refused:
        classification_load(municipalities_path=edition(tmp_path, "bad.csv", lines))

    assert [problem.line for problem in refused.value.problems] == [6, 8]


def test_a_bad_areas_file_refuses_the_municipalities_too(tmp_path):
    areas = [*shipped_lines(SHIPPED_AREAS), "helsinki;Helsingin kaupunki;Helsingfors stad"]
    before = snapshot()

    with pytest.raises(ClassificationFileError) as refused:
        classification_load(areas_path=edition(tmp_path, "areas.csv", areas))

    assert [problem.line for problem in refused.value.problems] == [len(areas)]
    assert snapshot() == before


def test_a_file_without_a_year_is_refused_unless_the_year_is_given(tmp_path):
    lines = [line for line in shipped_lines() if not line.startswith("# year:")]
    path = edition(tmp_path, "no-year.csv", lines)

    with pytest.raises(ClassificationFileError):
        classification_load(municipalities_path=path)
    summary = classification_load(municipalities_path=path, year=2026)

    assert summary.municipalities_year == 2026


def test_the_command_refuses_a_bad_file_and_changes_nothing(tmp_path):
    bad = edition(tmp_path, "bad.csv", bad_line(shipped_lines(), "005", "005;Alajärvi"))
    before = snapshot()

    with pytest.raises(CommandError):
        call_command("load_municipalities", "--municipalities", str(bad), stdout=StringIO())

    assert snapshot() == before
