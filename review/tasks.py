"""The screening as tasks of Django's Tasks framework, run by the same worker and scheduler as
the log's sealing (audit/tasks.py): the scheduler enqueues `screen_due_days` every hour, and it
screens only the days that have become due since the last night, so each night's work is done
once, within an hour of midnight."""

import datetime

from django.tasks import task

from access.models import User
from review.screening import screen_due_days as screen_the_due_days
from review.screening import screening_run


@task
def screen_due_days() -> int:
    """The nightly screening: every day due and not yet screened; how many alerts were found."""
    return sum(run.alerts_found for run in screen_the_due_days())


@task
def screen_day(day: str, requested_by: int | None = None) -> int:
    """A screening asked for by a supervisor; how many new alerts were found."""
    asker = User.objects.get(pk=requested_by) if requested_by else None
    run = screening_run(day=datetime.date.fromisoformat(day), requested_by=asker)
    return run.alerts_found
