from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignInConfig(AppConfig):
    """Who you are: the password, the second factor, the session clock."""

    name = "sign_in"
    verbose_name = _("Sign-in")

    def ready(self):
        # Connects the session clock to every sign-in, before any request is handled.
        from sign_in import sessions  # noqa: F401
