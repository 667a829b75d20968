"""Export the log as JSON Lines for an outside auditor (tools/verify_log_export.py checks it).

Without --with-values the export holds no personal value, only commitments; with it, each
event's values and salt too, so that the auditor can open the commitments.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from audit.checkpoints import signing_key
from audit.models import Checkpoint
from audit.verification import export


class Command(BaseCommand):
    help = "Write the log (leaves and checkpoints) as JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("output", nargs="?", help="The file to write (default: stdout).")
        parser.add_argument("--with-values", action="store_true")

    def handle(self, *args, output=None, with_values=False, **options):
        origin = log_origin()
        if output is None:
            count = export(sys.stdout, origin, with_values=with_values)
        else:
            with Path(output).open("w", encoding="utf-8") as out:
                count = export(out, origin, with_values=with_values)
        self.stderr.write(f"{count} leaves exported")


def log_origin() -> str:
    """The origin the log's checkpoints name; the signing key's, before the first. A host
    without the private key (the web's) exports too."""
    newest = Checkpoint.objects.order_by("-size").first()
    if newest is not None:
        return newest.note.split("\n", 1)[0]
    return signing_key().name
