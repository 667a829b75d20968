from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """The labour authority's way in: registering and referring clients, by page or by import."""

    name = "intake"
    verbose_name = _("Intake")
