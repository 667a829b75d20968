"""Helpers that act on pages the way a signed-in user would."""

from clients.models import Client


def state_purpose(client, target: Client, purpose="meeting", note=""):
    return client.post(f"/clients/{target.pk}/purpose/", {"purpose": purpose, "note": note})
