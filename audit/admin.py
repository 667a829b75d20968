from auditlog.models import LogEntry
from django.contrib import admin
from django_tasks_db.models import DBTaskResult

# django-auditlog registers its change history in Django's admin. That history holds the old and
# new values of client records, and the admin must never show client data: ATMT shows history
# only through its own policy-checked pages.
admin.site.unregister(LogEntry)

# django-tasks-db registers its task results: their arguments and return values are whatever a
# task was given, and the maintenance pages list no model that could hold client data.
admin.site.unregister(DBTaskResult)
