from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access rights")

    def ready(self):
        # Connects the session clock to every sign-in, before any request is handled.
        from atmt import sessions  # noqa: F401
