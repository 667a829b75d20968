from django.apps import AppConfig


class EntriesConfig(AppConfig):
    """Case entries (issue 13): so far the advisory quality check and its evaluation set."""

    name = "entries"
