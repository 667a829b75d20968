"""The entries section of a client's record, fetched only after the policy has allowed it.

The record page lists entries newest first, a page at a time, with a fixed number of queries
whatever their number: the newest version of each entry and its version count come in one
query, the page's total in another. Keys are the policy's section codes, written as strings
because the policy sits above this app.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from clients.client_data import SectionProvider
from clients.models import Client
from entries.models import EntryVersion

ENTRY_PAGE_SIZE = 20


def newest_versions(client_id: int) -> QuerySet[EntryVersion]:
    """Each entry of the client in its newest version, with how many versions it has."""
    newer = EntryVersion.objects.filter(entry=OuterRef("entry"), number__gt=OuterRef("number"))
    version_count = (
        EntryVersion.objects.filter(entry=OuterRef("entry"))
        .order_by()
        .values("entry")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        EntryVersion.objects.filter(entry__client_id=client_id)
        .filter(~Exists(newer))
        .select_related("recorded_by", "entry")
        .annotate(version_count=Coalesce(Subquery(version_count), 1))
        .order_by(F("occurred_at").desc(), F("entry_id").desc())
    )


@dataclass(frozen=True)
class CaseEntries:
    """A client's entries, read a page or an entry at a time when the page asks for them."""

    client_id: int

    def page(self, number) -> Page:
        return Paginator(newest_versions(self.client_id), ENTRY_PAGE_SIZE).get_page(number)

    def versions(self, entry_id: int) -> list[EntryVersion]:
        """Every version of one of the client's entries, newest first; [] if not the client's."""
        return list(
            EntryVersion.objects.filter(entry_id=entry_id, entry__client_id=self.client_id)
            .select_related("recorded_by", "entry")
            .order_by("-number")
        )


def _entries(client: Client) -> CaseEntries:
    return CaseEntries(client_id=client.pk)


def _has_entry(client: Client, entry_id: int) -> bool:
    return client.case_entries.filter(pk=entry_id).exists()


PROVIDERS = {"entries": SectionProvider(fetch=_entries, has_item=_has_entry)}
