from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from demo.clients import DEMO_SPECIAL_CLIENTS, NOT_VISIBLE, demo_clients_load
from demo.entries import demo_entries_load
from demo.history import demo_history_load
from demo.two_factor import demo_manual_key
from demo.users import DEMO_PASSWORD, demo_scope_load, demo_users_load


class Command(BaseCommand):
    help = (
        "Load the demo users and the demo clients of the Joensuu region (development only). "
        "Safe to run again: it changes nothing then."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production (ATMT_ENV=production).")
        results = demo_users_load()
        created = sum(1 for _, was_created in results if was_created)
        self.stdout.write(f"Demo data: {created} users created, {len(results) - created} present.")
        self.stdout.write(f"Demo sign-in (password for each: {DEMO_PASSWORD}):")
        # In English, like the README's table of demo users.
        with translation.override("en"):
            for demo, _ in results:
                role = demo.role.label if demo.role else "superuser"
                name = f"{demo.first_name} {demo.last_name}"
                self.stdout.write(f"  {demo.username:<12} {name}: {role}")
        self.stdout.write(
            "One-time code: `.venv/bin/python manage.py demo_code USERNAME` prints the code an "
            "authenticator app would show. To use a real app, type in the user's key instead:"
        )
        for demo, _ in results:
            self.stdout.write(f"  {demo.username:<12} {demo_manual_key(demo.username)}")

        self.stdout.write(str(demo_clients_load()))
        self.stdout.write(f"Demo scope: {demo_scope_load()} municipality permissions added.")
        self.stdout.write(f"Demo entries: {demo_entries_load()} case entries added.")
        self.stdout.write(
            f"Demo history: {demo_history_load()} looks and searches of the past three weeks "
            "added (one of them out of hours: esihenkilo finds its case at Cases)."
        )
        # The identity codes are printed on purpose: they belong to fictional demo clients, to be
        # typed into the search when trying the app. Never print a real client's code.
        self.stdout.write(
            "Demo clients for ohjaaja, each failing one condition of the access rule:"
        )
        for special in DEMO_SPECIAL_CLIENTS:
            if special.expected == NOT_VISIBLE:
                answer = "not visible (404)"
            else:
                answer = ", ".join(special.expected) or "opens"
            if special.owner:
                answer += f"; {special.owner}, whose own record it is: own_record"
            self.stdout.write(
                f"  {special.name:<18} {special.identity_code}  {special.fails:<46} -> {answer}"
            )
