from django.apps import AppConfig


class HealthConfig(AppConfig):
    """Health and work-ability data affecting employment: a gated section of its own (issue 13)."""

    name = "health"
