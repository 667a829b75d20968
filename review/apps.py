from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The supervisors' pages over the access log."""

    name = "review"
    verbose_name = _("Review of access")
