from auditlog.models import LogEntry
from django.contrib import admin

# django-auditlog registers its change history in Django's admin. That history holds the old and
# new values of client records, and the admin must never show client data: ATMT shows history
# only through its own policy-checked pages.
admin.site.unregister(LogEntry)
