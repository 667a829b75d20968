"""A logging filter that removes query strings holding an identity code from every log line.

runserver logs each request line after the response, so the request line of an address typed
with a code would reach the log even though the app redirects it away (atmt/middleware.py).
"""

import logging
import re

from atmt.identity_codes import holds_identity_code

QUERY_STRING = re.compile(r"\?[^\s\"']*")
REMOVED = "?[query removed: identity code]"


class WithoutIdentityCodes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" not in message:
            return True
        cleaned = QUERY_STRING.sub(
            lambda match: REMOVED if holds_identity_code(match.group()) else match.group(),
            message,
        )
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
