from django.core.management.base import BaseCommand
from django.db import transaction

from clients.identity_code import identity_code_hashes_recompute
from clients.models import Client


class Command(BaseCommand):
    help = (
        "Recompute every client's identity-code hash under the IDENTITY_CODE_HASH_KEY in force "
        "(after that key was changed). Safe to run again: it then changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        # One transaction: the policy never sees some clients under the old key and some under
        # the new one.
        with transaction.atomic():
            read, written = identity_code_hashes_recompute(Client, batch_size=options["batch_size"])
        self.stdout.write(f"Identity-code hashes: {read} clients read, {written} recomputed.")
        if written:
            self.stdout.write(
                "Staff accounts keep only their hash, which cannot be recomputed: an account "
                "whose hash was made under the earlier key no longer matches its own record."
            )
