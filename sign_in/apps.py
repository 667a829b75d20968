from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignInConfig(AppConfig):
    """Who you are: the password, the second factor, the session clock."""

    name = "sign_in"
    verbose_name = _("Sign-in")

    def ready(self):
        # Connect the session clock to every sign-in, and count failed sign-ins towards the
        # spread throttles beside django-axes, before any request is handled.
        from sign_in import sessions, throttle  # noqa: F401
