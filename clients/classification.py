"""Statistics Finland's municipality classification and the employment areas, kept as data.

`classification_load` reads an edition's two files (clients/data/README.md describes them),
refuses both whole if any line is bad, and otherwise brings the tables in line with them in one
transaction. A municipality that a newer edition no longer lists (merged into another) is kept
with `in_classification=False`: clients, grants and agreements refer to it.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Classification, EmploymentArea, Municipality

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_MUNICIPALITIES = DATA_DIR / "municipalities-2026.csv"
SHIPPED_AREAS = DATA_DIR / "employment-areas-2025.csv"

MUNICIPALITY_COLUMNS = ("code", "name_fi", "name_sv", "employment_area_code")
AREA_COLUMNS = ("code", "name_fi", "name_sv")
MUNICIPALITY_CODE = re.compile(r"\d{3}")
AREA_CODE = re.compile(r"[a-z0-9-]{1,20}")
NAME_MAX_LENGTH = 200
SOURCE_MAX_LENGTH = 300


@dataclass(frozen=True)
class Problem:
    """Why a file, or one line of it, cannot be loaded."""

    path: Path
    line: int | None
    message: str

    def __str__(self):
        if self.line is None:
            return f"{self.path}: {self.message}"
        return _("%(file)s, line %(line)d: %(message)s") % {
            "file": self.path,
            "line": self.line,
            "message": self.message,
        }


class ClassificationFileError(Exception):
    """The files cannot be loaded; `problems` names every bad line, not just the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Edition:
    """One file read and checked: its year and source, and its rows keyed by code."""

    year: int
    source: str
    rows: dict[str, dict[str, str]]


@dataclass
class Changes:
    """What a refresh did to one table, by code."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LoadSummary:
    areas_year: int
    areas: Changes
    municipalities_year: int
    municipalities: Changes


def classification_load(
    *,
    municipalities_path: Path = SHIPPED_MUNICIPALITIES,
    areas_path: Path = SHIPPED_AREAS,
    year: int | None = None,
    source: str | None = None,
    areas_year: int | None = None,
    areas_source: str | None = None,
) -> LoadSummary:
    """Refresh the areas and the municipalities from an edition's files; change nothing if any
    line is bad. `year` and `source` override the municipality file's own header lines, and
    `areas_year` and `areas_source` the area file's."""
    problems: list[Problem] = []
    areas = _read(areas_path, AREA_COLUMNS, AREA_CODE, problems)
    municipalities = _read(municipalities_path, MUNICIPALITY_COLUMNS, MUNICIPALITY_CODE, problems)
    _check_area_codes(municipalities_path, municipalities, areas, problems)
    areas_edition = _edition(areas_path, areas, areas_year, areas_source, problems)
    municipalities_edition = _edition(municipalities_path, municipalities, year, source, problems)
    if problems or areas_edition is None or municipalities_edition is None:
        raise ClassificationFileError(problems)

    with transaction.atomic():
        area_changes = _refresh_areas(areas_edition)
        municipality_changes = _refresh_municipalities(municipalities_edition)
        for kind, edition in (
            (Classification.Kind.EMPLOYMENT_AREAS, areas_edition),
            (Classification.Kind.MUNICIPALITIES, municipalities_edition),
        ):
            Classification.objects.create(kind=kind, year=edition.year, source=edition.source)
    return LoadSummary(
        areas_year=areas_edition.year,
        areas=area_changes,
        municipalities_year=municipalities_edition.year,
        municipalities=municipality_changes,
    )


@dataclass
class _Parsed:
    header: dict[str, str] = field(default_factory=dict)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def _read(path: Path, columns: tuple[str, ...], code_pattern, problems: list[Problem]) -> _Parsed:
    parsed = _Parsed()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(path, None, _("cannot be read (%(error)s).") % {"error": error}))
        return parsed
    seen_header = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            key, _colon, value = line[1:].partition(":")
            parsed.header[key.strip().lower()] = value.strip()
        elif not line.strip():
            continue
        elif not seen_header:
            seen_header = True
            if tuple(line.split(";")) != columns:
                message = _("the header must be %(header)s.") % {"header": ";".join(columns)}
                problems.append(Problem(path, number, message))
                return parsed
        else:
            _read_row(path, number, line, columns, code_pattern, parsed, problems)
    if not seen_header:
        problems.append(Problem(path, None, _("no header line.")))
    return parsed


def _read_row(path, number, line, columns, code_pattern, parsed: _Parsed, problems) -> None:
    values = [value.strip() for value in line.split(";")]
    if len(values) != len(columns):
        message = _("%(found)d fields, expected %(expected)d.") % {
            "found": len(values),
            "expected": len(columns),
        }
        problems.append(Problem(path, number, message))
        return
    row = dict(zip(columns, values, strict=True))
    code = row["code"]
    if not code_pattern.fullmatch(code):
        problems.append(Problem(path, number, _("bad code “%(code)s”.") % {"code": code}))
    elif code in parsed.rows:
        message = _("code %(code)s is already on line %(first)d.") % {
            "code": code,
            "first": parsed.lines[code],
        }
        problems.append(Problem(path, number, message))
    elif not row["name_fi"] or max(len(row["name_fi"]), len(row["name_sv"])) > NAME_MAX_LENGTH:
        message = _("the Finnish name is missing or a name is too long.")
        problems.append(Problem(path, number, message))
    else:
        parsed.rows[code] = row
        parsed.lines[code] = number


def _check_area_codes(path: Path, municipalities: _Parsed, areas: _Parsed, problems) -> None:
    for code, row in municipalities.rows.items():
        area_code = row["employment_area_code"]
        if area_code and area_code not in areas.rows:
            message = _("employment area “%(area)s” is not in the areas file.") % {
                "area": area_code
            }
            problems.append(Problem(path, municipalities.lines[code], message))


def _edition(path: Path, parsed: _Parsed, year, source, problems) -> Edition | None:
    year_text = str(year) if year is not None else parsed.header.get("year", "")
    source = source if source is not None else parsed.header.get("source", "")
    if not re.fullmatch(r"(19|20)\d\d", year_text):
        message = _("no year: give it with --year or a “# year:” line.")
        problems.append(Problem(path, None, message))
        return None
    if not source.strip() or len(source) > SOURCE_MAX_LENGTH:
        message = _("no source, or one too long: give it with --source or a “# source:” line.")
        problems.append(Problem(path, None, message))
        return None
    return Edition(year=int(year_text), source=source.strip(), rows=parsed.rows)


def _refresh_areas(edition: Edition) -> Changes:
    changes = Changes()
    present = {area.code: area for area in EmploymentArea.objects.all()}
    for code, row in sorted(edition.rows.items()):
        names = _names(row)
        _create_or_update(EmploymentArea, present.get(code), code, names, changes)
    return changes


def _refresh_municipalities(edition: Edition) -> Changes:
    changes = Changes()
    area_ids = dict(EmploymentArea.objects.values_list("code", "pk"))
    present = {municipality.code: municipality for municipality in Municipality.objects.all()}
    for code, row in sorted(edition.rows.items()):
        values = {
            **_names(row),
            "employment_area_id": area_ids.get(row["employment_area_code"]),
            "in_classification": True,
        }
        _create_or_update(Municipality, present.get(code), code, values, changes)
    for code, municipality in sorted(present.items()):
        if code not in edition.rows and municipality.in_classification:
            municipality.in_classification = False
            municipality.save(update_fields=["in_classification"])
            changes.dropped.append(code)
    return changes


def _names(row: dict[str, str]) -> dict[str, str]:
    # Statistics Finland publishes no English names: the Finnish one stands in.
    return {"name_fi": row["name_fi"], "name_sv": row["name_sv"], "name_en": row["name_fi"]}


def _create_or_update(model, existing, code: str, values: dict, changes: Changes) -> None:
    if existing is None:
        model.objects.create(code=code, **values)
        changes.created.append(code)
        return
    differing = [name for name, value in values.items() if getattr(existing, name) != value]
    if not differing:
        changes.unchanged.append(code)
        return
    for name in differing:
        setattr(existing, name, values[name])
    existing.save(update_fields=differing)
    changes.updated.append(code)
