"""The log's periodic work as a task of Django's Tasks framework, run by `manage.py db_worker`
(django-tasks-db) and enqueued by `manage.py log_scheduler`, since the framework has no clock."""

from django.tasks import task

from audit.checkpoints import seal


@task
def seal_log() -> int | None:
    """Sequence what is queued and sign the tree if it grew; the size signed, if any."""
    checkpoint = seal()
    return None if checkpoint is None else checkpoint.size
