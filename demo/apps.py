from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and demo sign-in helpers. Installed only outside production (atmt/settings.py)."""

    name = "demo"
    verbose_name = "Demo"
