"""The sections of a client's record that this app holds, each with the one way to fetch it.

The door (records.accessors) fetches a section only after the policy has allowed it; the coming
client report and retention purge walk the same registry. Keys are the policy's section codes
(access.policy.Section), written as strings because the policy sits above this app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clients.models import Client


@dataclass(frozen=True)
class SectionProvider:
    fetch: Callable[[Client], Any]
    # Whether one item of the section (such as a consent's scan) exists for the client: a page
    # about one item asks before anything is logged as shown.
    has_item: Callable[[Client, int], bool] | None = None


def _identity(client: Client) -> Client:
    return client


def _referrals(client: Client) -> list:
    return list(client.referrals.select_related("group", "recorded_by"))


def _service_needs(client: Client) -> list:
    return list(client.service_needs.select_related("recorded_by"))


PROVIDERS = {
    "identity": SectionProvider(fetch=_identity),
    "referrals": SectionProvider(fetch=_referrals),
    "service_needs": SectionProvider(fetch=_service_needs),
}
