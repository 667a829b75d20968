from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clients.classification import (
    SHIPPED_AREAS,
    SHIPPED_MUNICIPALITIES,
    Changes,
    ClassificationFileError,
    classification_load,
)


class Command(BaseCommand):
    help = (
        "Refresh the municipalities and the employment areas from a classification's files "
        "(by default the ones shipped in clients/data/). A bad line changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=Path, default=SHIPPED_MUNICIPALITIES)
        parser.add_argument("--areas", type=Path, default=SHIPPED_AREAS)
        parser.add_argument("--year", type=int, help="the municipality classification's year")
        parser.add_argument("--source", help="where the municipality file came from")
        parser.add_argument("--areas-year", type=int, help="the employment areas' year")
        parser.add_argument("--areas-source", help="where the employment area file came from")

    def handle(self, *args, **options):
        try:
            summary = classification_load(
                municipalities_path=options["municipalities"],
                areas_path=options["areas"],
                year=options["year"],
                source=options["source"],
                areas_year=options["areas_year"],
                areas_source=options["areas_source"],
            )
        except ClassificationFileError as error:
            raise CommandError(
                "\n".join([_("Nothing was changed:"), *map(str, error.problems)])
            ) from error
        self._report(_("Employment areas %(year)d") % {"year": summary.areas_year}, summary.areas)
        self._report(
            _("Municipalities %(year)d") % {"year": summary.municipalities_year},
            summary.municipalities,
        )

    def _report(self, title: str, changes: Changes) -> None:
        counts = {
            "created": len(changes.created),
            "updated": len(changes.updated),
            "unchanged": len(changes.unchanged),
            "dropped": len(changes.dropped),
        }
        self.stdout.write(
            _(
                "%(title)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(dropped)d dropped from the classification."
            )
            % {"title": title, **counts}
        )
        for label, codes in (
            (_("created"), changes.created),
            (_("updated"), changes.updated),
            (
                _("dropped from the classification, kept for the records that refer to them"),
                changes.dropped,
            ),
        ):
            if codes:
                self.stdout.write(f"  {label}: {', '.join(codes)}")
