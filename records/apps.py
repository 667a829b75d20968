from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """The door to client data and every page that shows a client."""

    name = "records"
    verbose_name = _("Client records")
