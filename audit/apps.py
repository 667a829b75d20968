from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Access log")

    def ready(self):
        # Registers the has_element lookup on JSONField before any query is built.
        from audit import lookups  # noqa: F401
