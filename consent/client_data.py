"""The consent sections of a client's record: the full consents, and the consent request.

The consent request is what a worker may see while only the consent is missing: enough to ask
for it. It is fetched as plain values, never as model rows, so that nothing else of the client
or of the consents (health-data items, recipients, notes, history, scans) can be read through it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q

from clients.client_data import SectionProvider
from clients.models import Client, Municipality, ServiceLanguage
from consent.models import Consent


@dataclass(frozen=True)
class ClientBrief:
    """The client as the consent request shows them."""

    pk: int
    first_names: str
    last_name: str
    identity_code: str
    service_language: str
    # Reference data, printed at the head of the consent form as the municipality asking.
    home_municipality: Municipality

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}"

    def get_service_language_display(self) -> str:
        return str(ServiceLanguage(self.service_language).label)


@dataclass(frozen=True)
class ConsentStatus:
    """One consent as the consent request shows it: its kind, status and dates."""

    pk: int
    kind: str
    status: str
    signed_on: datetime.date
    valid_until: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    # Whether the signed form is scanned, and until when a given one counts without its scan.
    scanned: bool
    scan_due_at: datetime.datetime | None

    @property
    def scan_attachable(self) -> bool:
        return self.status == Consent.Status.GIVEN and not self.scanned

    def get_kind_display(self) -> str:
        return str(Consent.Kind(self.kind).label)

    def get_status_display(self) -> str:
        return str(Consent.Status(self.status).label)


@dataclass(frozen=True)
class ConsentRequest:
    client: ClientBrief
    consents: list[ConsentStatus]


def _consents(client: Client) -> list[Consent]:
    # A consent's form or scan is read through the consent itself.
    return list(client.consents.select_related("recorded_by", "withdrawn_by"))


def _has_scan(client: Client, consent_id: int) -> bool:
    return client.consents.filter(pk=consent_id).exclude(scan="").exists()


def _consent_request(client: Client) -> ConsentRequest:
    brief = ClientBrief(
        pk=client.pk,
        first_names=client.first_names,
        last_name=client.last_name,
        identity_code=client.identity_code,
        service_language=client.service_language,
        home_municipality=client.home_municipality,
    )
    statuses = client.consents.annotate(
        scanned=ExpressionWrapper(~Q(scan=""), output_field=BooleanField())
    ).values_list(
        "pk", "kind", "status", "signed_on", "valid_until", "withdrawn_at", "scanned", "scan_due_at"
    )
    return ConsentRequest(client=brief, consents=[ConsentStatus(*row) for row in statuses])


PROVIDERS = {
    "consents": SectionProvider(fetch=_consents, has_item=_has_scan),
    "consent_request": SectionProvider(fetch=_consent_request),
}
