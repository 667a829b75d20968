"""The clients a supervisor found by identity code in this session, each under an opaque key.

An identity code is taken by POST only and never written into an address; the session keeps the
client found under a random key, and the log pages' addresses carry that key. A key means
nothing outside the session that made it.
"""

import secrets

from clients.models import Client

CLIENTS_SESSION_KEY = "atmt.review.clients"
# Only the latest few are remembered: a key is for paging through one search and the pages
# reached from it.
REMEMBERED_CLIENTS = 20


def remember_client(request, client: Client) -> str:
    """Keep `client` in the session under a new opaque key; forget the oldest ones."""
    known = dict(request.session.get(CLIENTS_SESSION_KEY, {}))
    key = secrets.token_urlsafe(12)
    known[key] = client.pk
    request.session[CLIENTS_SESSION_KEY] = dict(list(known.items())[-REMEMBERED_CLIENTS:])
    return key


def remembered_clients(request) -> dict[str, int]:
    """The session's keys, each with the id of the client it stands for."""
    return request.session.get(CLIENTS_SESSION_KEY, {})
