"""The clock of the log's periodic work: it enqueues each task of `settings.PERIODIC_TASKS` for
the worker at that task's interval, unless one is still waiting, and once a day it prunes the
queue's finished task results (django-tasks-db keeps every one; at three a minute that is 4,000
rows a day). The tasks are the log's sealing (every LOG_SEAL_INTERVAL_SECONDS) and the review's
nightly screening (review/tasks.py), named by path so that this app imports none above it.
`make run` and docker compose start it beside the web server and the worker; a cron or systemd
timer running `log_scheduler --once` would do too."""

import io
import signal
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from audit.checkpoints import signing_key

PRUNE_EVERY_SECONDS = 24 * 60 * 60
# Kept a week: long enough to look into a failed sealing, short enough to stay small.
KEEP_RESULTS_DAYS = 7


class Command(BaseCommand):
    help = "Enqueue the log's periodic tasks (sealing, screening) at their intervals."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue each once and exit.")

    def handle(self, *args, once=False, **options):
        signing_key()  # fail loudly at start, not at the first signature, if the key is missing
        tasks = {import_string(path): seconds for path, seconds in settings.PERIODIC_TASKS.items()}
        stop = threading.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stop.set())
        enqueued_at: dict = {}
        pruned_at = None
        while True:
            now = time.monotonic()
            for task, seconds in tasks.items():
                if task not in enqueued_at or now - enqueued_at[task] >= seconds:
                    enqueue_unless_waiting(task)
                    enqueued_at[task] = now
            if pruned_at is None or now - pruned_at > PRUNE_EVERY_SECONDS:
                prune_results()
                pruned_at = now
            if once or stop.wait(min(tasks.values())):
                return


def enqueue_unless_waiting(task) -> None:
    waiting = DBTaskResult.objects.ready().filter(task_path=task.module_path)
    if not waiting.exists():
        task.enqueue()


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
