"""Translated labels for the codes an access event stores: the log keeps codes, pages show words."""

from django import template
from django.utils.translation import gettext_lazy as _

from access.policy import Reason
from access.purposes import Purpose
from audit.services import CLIENT_NOT_FOUND, ITEM_NOT_FOUND
from clients.identity_code import parse_identity_code
from clients.models import Client

register = template.Library()

# Codes the door writes beside the policy's reasons.
DOOR_REASONS = {
    CLIENT_NOT_FOUND: _("no such client"),
    ITEM_NOT_FOUND: _("not this client's"),
}


@register.filter
def purpose_label(code: str) -> str:
    return str(Purpose(code).label) if code in Purpose.values else ""


@register.filter
def reason_labels(codes: list[str]) -> list[str]:
    return [
        str(Reason(code).label) if code in Reason.values else str(DOOR_REASONS.get(code, code))
        for code in codes
    ]


@register.filter
def masked_identity_code(client: Client | None) -> str:
    """The client's identity code as the log pages show it: the birth date, the rest hidden."""
    return parse_identity_code(client.identity_code).masked if client else ""
