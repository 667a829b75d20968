"""Keeping Finnish personal identity codes out of URLs, and so out of access logs and history.

The search takes the code in a POST body only. A query string that holds one anyway (a typed or
pasted address, a tampered link) is never answered as it is, never copied into a `next=` and
never written to a log. Anything shaped like a code counts, valid or not: a mistyped code is
still somebody's. The exact check of a code (python-stdnum and ATMT's rules) is in
clients/identity_code.py; this is the wider net.
"""

import re
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit

# Six digits of birth date, the century sign, three digits and the check character.
CODE_SHAPE = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", re.IGNORECASE)
# The search form's own field: its value is the code, however it is written.
CODE_FIELD = "identity_code"
# Decoding a few times finds a code hidden in an encoded next= inside an encoded next=.
DECODING_ROUNDS = 4


def holds_identity_code(text: str) -> bool:
    """Whether `text` (a query string, a URL or a value) holds anything shaped like a code."""
    for form in _decoded_forms(text):
        if CODE_SHAPE.search(form) or CODE_FIELD in form.lower():
            return True
    return False


def without_identity_codes(url: str) -> str:
    """`url` without the query parameters that hold an identity code (the rest are kept)."""
    parts = urlsplit(url)
    if not parts.query or not holds_identity_code(parts.query):
        return url
    # Pair by pair as written: decoding first would turn a "+" century sign into a space.
    kept = [pair for pair in parts.query.split("&") if not holds_identity_code(pair)]
    return urlunsplit(parts._replace(query="&".join(kept)))


def _decoded_forms(text: str) -> set[str]:
    forms, current = {text}, {text}
    for _round in range(DECODING_ROUNDS):
        current = {
            decoded for value in current for decoded in (unquote(value), unquote_plus(value))
        }
        if current <= forms:
            break
        forms |= current
    return forms
