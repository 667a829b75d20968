"""How a time-limited right's days are shown: the first and the last day, never the instant after.

An access right (and the application for one) is stored as the instants it starts and stops
counting, in Finnish time: one that is valid through 27.2.2027 stops at 28.2.2027 00:00, which,
shown as it is, reads as a day too many. Every page shows the last valid day instead, and says so.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()

# The step back from the instant a right stops to the last instant it counts.
LAST_INSTANT = datetime.timedelta(microseconds=1)


@register.simple_tag
def days_in_force(scope) -> str:
    """The first and the last day of a grant or an application, saying the last is included."""
    # The en dash of a range of days, as on every page.
    return _("%(first)s – %(last)s (the last day included)") % {  # noqa: RUF001
        "first": date_format(timezone.localdate(scope.valid_from), "j.n.Y"),
        "last": date_format(timezone.localdate(scope.valid_until - LAST_INSTANT), "j.n.Y"),
    }
