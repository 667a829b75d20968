"""The clock of the log's periodic work: every LOG_SEAL_INTERVAL_SECONDS it enqueues `seal_log`
for the worker, unless one is still waiting, and once a day it prunes the queue's finished task
results (django-tasks-db keeps every one; at three a minute that is 4,000 rows a day). `make run`
and docker compose start it beside the web server and the worker; a cron or systemd timer
running `log_scheduler --once` would do too."""

import io
import signal
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from audit.checkpoints import signing_key
from audit.tasks import seal_log

PRUNE_EVERY_SECONDS = 24 * 60 * 60
# Kept a week: long enough to look into a failed sealing, short enough to stay small.
KEEP_RESULTS_DAYS = 7


class Command(BaseCommand):
    help = "Enqueue the log's sequencing and signing at a fixed interval."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue once and exit.")

    def handle(self, *args, once=False, **options):
        signing_key()  # fail loudly at start, not at the first signature, if the key is missing
        stop = threading.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stop.set())
        pruned_at = None
        while True:
            self.tick()
            if pruned_at is None or time.monotonic() - pruned_at > PRUNE_EVERY_SECONDS:
                prune_results()
                pruned_at = time.monotonic()
            if once or stop.wait(settings.LOG_SEAL_INTERVAL_SECONDS):
                return

    def tick(self) -> None:
        waiting = DBTaskResult.objects.ready().filter(task_path=seal_log.module_path)
        if not waiting.exists():
            seal_log.enqueue()


def prune_results() -> None:
    days = str(KEEP_RESULTS_DAYS)
    call_command(
        "prune_db_task_results",
        "--min-age-days",
        days,
        "--failed-min-age-days",
        days,
        stdout=io.StringIO(),
    )
