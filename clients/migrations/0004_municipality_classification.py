"""Loads the shipped municipality classification and employment areas into every database.

Without them a real deployment could record no client, grant or agreement: only the demo made
municipalities before this.

Why a parser of its own instead of clients.classification: a migration runs for years against
whatever that module has become by then, so it must not import it. The few lines here read only
the two files named below, whose names carry their edition (clients/data/README.md): a newer
edition is a new file, loaded by `manage.py load_municipalities`, and these two stay as they are.
"""

from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
MUNICIPALITIES_FILE = DATA_DIR / "municipalities-2026.csv"
AREAS_FILE = DATA_DIR / "employment-areas-2025.csv"


def read_shipped_file(path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The file's `# key: value` lines, and its rows keyed by the header line's columns."""
    header: dict[str, str] = {}
    columns: list[str] = []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, _colon, value = line[1:].partition(":")
            header[key.strip()] = value.strip()
        elif not line.strip():
            continue
        elif not columns:
            columns = line.split(";")
        else:
            rows.append(dict(zip(columns, line.split(";"), strict=True)))
    return header, rows


def load_classification(apps, schema_editor):
    employment_area = apps.get_model("clients", "EmploymentArea")
    municipality = apps.get_model("clients", "Municipality")
    classification = apps.get_model("clients", "Classification")

    areas_header, areas = read_shipped_file(AREAS_FILE)
    area_ids = {}
    for row in areas:
        area, _created = employment_area.objects.update_or_create(
            code=row["code"], defaults=names(row)
        )
        area_ids[area.code] = area.pk

    municipalities_header, municipalities = read_shipped_file(MUNICIPALITIES_FILE)
    for row in municipalities:
        # A development database may hold the demo's own rows already: they take these names.
        municipality.objects.update_or_create(
            code=row["code"],
            defaults={
                **names(row),
                "employment_area_id": area_ids.get(row["employment_area_code"]),
                "in_classification": True,
            },
        )

    for kind, header in (
        ("employment_areas", areas_header),
        ("municipalities", municipalities_header),
    ):
        classification.objects.create(kind=kind, year=int(header["year"]), source=header["source"])


def names(row: dict[str, str]) -> dict[str, str]:
    # Statistics Finland publishes no English names: the Finnish one stands in.
    return {"name_fi": row["name_fi"], "name_sv": row["name_sv"], "name_en": row["name_fi"]}


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_intake")]

    # Reversing keeps the rows: clients and grants may refer to them by now.
    operations = [migrations.RunPython(load_classification, migrations.RunPython.noop)]
