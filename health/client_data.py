"""The health section of a client's record, fetched by the door only when its gate holds.

Its page is a page of its own, logged as this section alone, so the section carries the little
of the client the page names them by: the record's identity section is not fetched beside it.
"""

from dataclasses import dataclass

from clients.client_data import SectionProvider
from clients.models import Client
from health.models import HealthItem


@dataclass(frozen=True)
class HealthClient:
    """Whom the health page is about: the name only."""

    pk: int
    first_names: str
    last_name: str


@dataclass(frozen=True)
class HealthSection:
    client: HealthClient
    items: list[HealthItem]


def _health(client: Client) -> HealthSection:
    return HealthSection(
        client=HealthClient(
            pk=client.pk, first_names=client.first_names, last_name=client.last_name
        ),
        items=list(client.health_items.select_related("recorded_by")),
    )


PROVIDERS = {
    "health": SectionProvider(fetch=_health),
}
