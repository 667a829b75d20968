"""Check the whole log against its signed checkpoints and the trust-anchor file; exit status 1
and every problem, first index first, when anything is wrong."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from audit import notes
from audit.checkpoints import read_anchor, signing_key
from audit.verification import verify


class Command(BaseCommand):
    help = "Verify the access log: every leaf, every checkpoint, the anchor file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--key", help="The verifier key file (default: the signing key's public half)."
        )
        parser.add_argument(
            "--anchor",
            default=None,
            help="The checkpoint file kept outside the database (default: LOG_CHECKPOINT_FILE).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Processes that recompute the leaves, on PostgreSQL (default 1).",
        )

    def handle(self, *args, key=None, anchor=None, jobs=1, **options):
        verifier = self.verifier(key)
        anchor_path = Path(anchor or settings.LOG_CHECKPOINT_FILE or "")
        if anchor and not anchor_path.exists():
            raise CommandError(f"{anchor_path} does not exist")
        try:
            anchor_notes = read_anchor(anchor_path) if anchor_path.exists() else []
        except notes.InvalidNote as error:
            raise CommandError(f"{anchor_path}: {error}") from None
        if not 1 <= jobs <= 64:
            raise CommandError("--jobs must be between 1 and 64")
        verdict = verify(verifier, anchor_notes, jobs=jobs)
        self.stdout.write(
            f"{verdict.tree_size} leaves, {verdict.checkpoints} signed sizes "
            f"(newest {verdict.newest_checkpoint}), {len(anchor_notes)} notes in the anchor file, "
            f"{verdict.queued} events queued"
        )
        if verdict.intact:
            self.stdout.write("OK: the log matches every checkpoint")
            return
        for problem in verdict.problems:
            self.stderr.write(str(problem))
        raise CommandError(
            f"the log does not verify: {len(verdict.problems)} problems, "
            f"first bad index {verdict.first_bad_index}"
        )

    def verifier(self, key: str | None) -> notes.Verifier:
        if key is None:
            try:
                return signing_key().verifier
            except ImproperlyConfigured:
                raise CommandError("give the log's verifier key with --key") from None
        try:
            return notes.parse_verifier(Path(key).read_text(encoding="utf-8"))
        except (OSError, notes.InvalidNote) as error:
            raise CommandError(f"{key}: {error}") from None
