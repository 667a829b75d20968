"""Translated labels for the codes an access event stores: the log keeps codes, pages show words."""

from django import template
from django.utils.translation import gettext as _

from access.policy import Reason
from access.purposes import Purpose
from audit.services import CLIENT_NOT_FOUND

register = template.Library()


@register.filter
def purpose_label(code: str) -> str:
    return str(Purpose(code).label) if code in Purpose.values else ""


@register.filter
def reason_labels(codes: list[str]) -> list[str]:
    return [
        str(Reason(code).label) if code in Reason.values else _("no such client")
        for code in codes
        if code in Reason.values or code == CLIENT_NOT_FOUND
    ]
