from django import template

from atmt.identity_codes import without_identity_codes as strip_codes

register = template.Library()


@register.filter
def without_identity_codes(url: str) -> str:
    """The URL without query parameters that hold an identity code (atmt/identity_codes.py)."""
    return strip_codes(str(url))
