"""The screening on the pages: labels for the codes of alerts and explanations, masked identity
codes, and the supervisor's open cases on the home page (access renders home, but cannot import
review, which sits above it)."""

from django import template
from django.core.exceptions import ValidationError

from clients.identity_code import parse_identity_code
from review.rules import DETAIL_LABELS
from review.selectors import cases_overseen_by
from review.trail import Explanation

register = template.Library()


@register.simple_tag
def open_cases_count(user) -> int:
    """How many cases of the workers `user` oversees are open."""
    return cases_overseen_by(user).filter(closed_at__isnull=True).count()


@register.filter
def detail_rows(details: dict) -> list[tuple[str, int]]:
    """A finding's numbers, each with the label of its code (an unknown code as itself)."""
    return [(str(DETAIL_LABELS.get(code, code)), value) for code, value in details.items()]


@register.filter
def explanation_labels(codes) -> list[str]:
    return [str(Explanation(code).label) for code in codes if code in Explanation.values]


@register.filter
def masked_identity_code(client) -> str:
    """The client's identity code as the log keeps it: the birth date, the rest hidden."""
    try:
        return parse_identity_code(client.identity_code).masked
    except ValidationError:
        return ""


@register.filter
def threshold_rows(values: dict, rule) -> list[tuple[str, int]]:
    """A setting's thresholds, each with its label, in the rule's order (a missing one at its
    default, as the screening reads it)."""
    return [(str(t.label), values.get(t.code, t.default)) for t in rule.thresholds]
