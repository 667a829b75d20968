"""Make the log's Ed25519 signing key: the private key into a file only the signer reads, the
verifier (public) key printed, to publish where auditors find it (README, "The log as evidence")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import notes
from audit.checkpoints import write_key


class Command(BaseCommand):
    help = "Create the log's signing key file and print its verifier key."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The log's origin, e.g. atmt.example.fi/access-log")
        parser.add_argument("key_file", help="Where to write the private key (must not exist).")

    def handle(self, *args, name, key_file, **options):
        try:
            signer = notes.generate(name)
            write_key(Path(key_file), signer)
        except (notes.InvalidNote, FileExistsError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(signer.verifier))
