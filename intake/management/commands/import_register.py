"""manage.py import_register FILE --actor USERNAME: the labour authority's register, in bulk.

The file format, the reason codes and the exit status are in README.md ("Importing the
register").
"""

from typing import TextIO, cast

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.roles import Role, roles_of
from access.scope import municipalities_served_by
from intake.progress import ProgressBar, ProgressLines, count_lines
from intake.register_import import BATCH_SIZE, RegisterImport, Report

# 1: the import ran, and some lines were rejected (the others are stored); 2: it did not run.
EXIT_REJECTED = 1
EXIT_NOT_RUN = 2


class Command(BaseCommand):
    help = "Import clients, referrals and service needs from a JSON Lines file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="a JSON Lines file, UTF-8 (README: Importing the register)"
        )
        parser.add_argument("--actor", required=True, help="the labour official's user name")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="lines per batch")
        parser.add_argument(
            "--through-services",
            action="store_true",
            help="write every line through the intake services (slower; for comparison)",
        )

    def handle(
        self, *args, file: str, actor: str, batch_size: int, through_services: bool, **options
    ):
        official = self._official(actor)
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1", returncode=EXIT_NOT_RUN)
        try:
            stream = open(file, "rb")  # noqa: SIM115 (closed below, after the progress)
        except OSError as error:
            raise CommandError(
                f"Cannot read {file}: {error.strerror}", returncode=EXIT_NOT_RUN
            ) from None
        progress = self._progress(file)
        try:
            with stream:
                report = RegisterImport(
                    actor=official,
                    batch_size=batch_size,
                    through_services=through_services,
                    on_batch=progress,
                ).run(stream)
        finally:
            progress.close()
        self._print(report)
        if report.rejected:
            raise CommandError(
                f"{report.rejected} of {report.read} lines rejected; the others are imported.",
                returncode=EXIT_REJECTED,
            )

    def _official(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user is called {username}.", returncode=EXIT_NOT_RUN)
        if Role.LABOUR_OFFICIAL not in roles_of(user):
            raise CommandError(
                f"{username} is not a labour-authority official.", returncode=EXIT_NOT_RUN
            )
        if not municipalities_served_by(user).exists():
            raise CommandError(f"{username} serves no municipality.", returncode=EXIT_NOT_RUN)
        return user

    def _progress(self, file: str) -> ProgressBar | ProgressLines:
        # The stream itself: tqdm redraws its line with a carriage return, which Django's
        # wrapper would end with a newline.
        stream = cast(TextIO, self.stderr._out)
        if self.stderr.isatty():
            return ProgressBar(stream, count_lines(file))
        return ProgressLines(stream)

    def _print(self, report: Report) -> None:
        lines = "line" if report.read == 1 else "lines"
        self.stdout.write(
            f"{report.read} {lines} read: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.rejected} rejected"
            + (f", {report.blank} blank skipped." if report.blank else ".")
        )
        if not report.changed:
            self.stdout.write("Nothing changed.")
        for rejection in report.rejections:
            client = f" (client {rejection.client})" if rejection.client else ""
            self.stdout.write(
                f"line {rejection.number}: {rejection.reason}: {rejection.message}{client}"
            )
