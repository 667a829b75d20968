from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """Why a worker opens a record; each is tied to the client's service process (agreement §4)."""

    MEETING = "meeting", _("Meeting the client")
    PLAN = "plan", _("Preparing or updating a plan with the client")
    REFERRAL = "referral", _("Handling the client's referral")
    SERVICE = "service", _("Arranging or following up a service")
    CONSENT = "consent", _("Asking for or recording a consent")
    # The one purpose that opens the health section (004 §3: only data affecting employment).
    WORK_ABILITY = "work_ability", _("Assessing work ability or a limitation affecting employment")
    # The labour authority's one purpose, stated by the intake pages themselves.
    INTAKE = "intake", _("Registering or referring the client, documenting the service need")


# What a case worker chooses from: intake is the labour authority's.
CASE_WORK_PURPOSES = frozenset(Purpose) - {Purpose.INTAKE}
