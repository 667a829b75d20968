"""The one registry of client-data sections: every provider of every data app, by section.

The door fetches through it, and so will the client's report and the retention purge, so the
three walk the same list. A test holds it to the policy's `Section`: one provider each.
"""

from access.policy import Section
from clients import client_data as clients_data
from clients.client_data import SectionProvider
from consent import client_data as consent_data
from entries import client_data as entries_data
from health import client_data as health_data

PROVIDERS: dict[Section, SectionProvider] = {
    Section(code): provider
    for code, provider in (
        clients_data.PROVIDERS
        | consent_data.PROVIDERS
        | entries_data.PROVIDERS
        | health_data.PROVIDERS
    ).items()
}
