"""The clock of the log's periodic work: every LOG_SEAL_INTERVAL_SECONDS it enqueues `seal_log`
for the worker, unless one is still waiting. `make run` and docker compose start it beside the
web server and the worker; a cron or systemd timer running `log_scheduler --once` would do too."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from audit.checkpoints import signing_key
from audit.tasks import seal_log


class Command(BaseCommand):
    help = "Enqueue the log's sequencing and signing at a fixed interval."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue once and exit.")

    def handle(self, *args, once=False, **options):
        signing_key()  # fail loudly at start, not at the first signature, if the key is missing
        stop = threading.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stop.set())
        while True:
            self.tick()
            if once or stop.wait(settings.LOG_SEAL_INTERVAL_SECONDS):
                return

    def tick(self) -> None:
        waiting = DBTaskResult.objects.ready().filter(task_path=seal_log.module_path)
        if not waiting.exists():
            seal_log.enqueue()
