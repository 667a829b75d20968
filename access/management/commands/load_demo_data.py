from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from access.demo import DEMO_PASSWORD, demo_users_load


class Command(BaseCommand):
    help = "Load the demo users (development only). Safe to run again: it changes nothing then."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production (ATMT_ENV=production).")
        results = demo_users_load()
        created = sum(1 for _, was_created in results if was_created)
        self.stdout.write(f"Demo data: {created} users created, {len(results) - created} present.")
        self.stdout.write(f"Demo sign-in (password for each: {DEMO_PASSWORD}):")
        for demo, _ in results:
            role = demo.role.label if demo.role else "superuser"
            self.stdout.write(f"  {demo.username:<12} {demo.first_name} {demo.last_name}: {role}")
