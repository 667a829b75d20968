from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.two_factor import NoCodeYet, current_code


class Command(BaseCommand):
    help = (
        "Print a demo user's current one-time code, as their authenticator app would show it "
        "(development only: this command does not exist in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(
                f"{username!r} has no authenticator: not a demo user, or it was reset. "
                "Run `manage.py load_demo_data` to enrol the demo users again."
            )
        try:
            self.stdout.write(current_code(device))
        except NoCodeYet as error:
            raise CommandError("This code was just used; try again in 30 seconds.") from error
