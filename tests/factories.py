import datetime
import importlib

import factory
from django.contrib.auth.models import Group

from access.models import AccessGrant, User, WorkerAgreement
from clients.models import (
    Client,
    ClientGroup,
    ClientRelationship,
    Municipality,
    Referral,
    ServiceNeed,
)
from consent.models import Consent
from health.models import HealthItem

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A member of staff; pass `roles=[Role.CASE_WORKER, ...]` to put them in role groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    organisation = "Joensuun kaupunki"
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: a transactional test's flush removes the groups the migration made.
            self.groups.add(
                *(Group.objects.get_or_create(name=role.value)[0] for role in extracted)
            )


def identity_code_for(birth_date: datetime.date, individual: int) -> str:
    """A valid personal identity code; the checksum rule is the population register's."""
    century = {1800: "+", 1900: "-", 2000: "A"}[birth_date.year // 100 * 100]
    digits = f"{birth_date:%d%m%y}{individual:03d}"
    return f"{birth_date:%d%m%y}{century}{individual:03d}" + CHECK_CHARACTERS[int(digits) % 31]


CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = "167"
    name_fi = factory.LazyAttribute(
        lambda m: {"167": "Joensuu", "426": "Liperi"}.get(m.code, m.code)
    )
    name_sv = factory.SelfAttribute("name_fi")
    name_en = factory.SelfAttribute("name_fi")


def client_group(code: str = "ohjaamo_youth") -> ClientGroup:
    """One of the six groups that the migration seeds."""
    return ClientGroup.objects.get(code=code)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    identity_code = factory.Sequence(
        lambda n: identity_code_for(
            datetime.date(1990, 1, 1) + datetime.timedelta(days=n), 2 + n % 800
        )
    )
    first_names = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    home_municipality = factory.SubFactory(MunicipalityFactory)
    mother_tongue = "fi"
    service_language = "fi"
    relationship = factory.RelatedFactory(
        "tests.factories.ClientRelationshipFactory", factory_related_name="client"
    )


class ClientRelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientRelationship

    client = factory.SubFactory(ClientFactory, relationship=None)
    started_on = datetime.date(2025, 1, 1)
    source = "Työvoimaviranomaisen asiakastietojärjestelmä"
    recorded_by = factory.SubFactory(UserFactory)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    client = factory.SubFactory(ClientFactory)
    group = factory.LazyFunction(client_group)
    referring_authority = "Pohjois-Karjalan työllisyysalue"
    referred_on = datetime.date(2025, 1, 1)
    source = "Työvoimaviranomaisen asiakastietojärjestelmä"
    recorded_by = factory.SubFactory(UserFactory)


class ServiceNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceNeed

    client = factory.SubFactory(ClientFactory)
    assessment = "Tarvitsee tukea työnhakuun ja koulutusvaihtoehtojen selvittämiseen."
    assessed_on = datetime.date(2025, 1, 2)
    assessed_by = "Työvoimaviranomainen"
    source = "Työvoimaviranomaisen asiakastietojärjestelmä"
    recorded_by = factory.SubFactory(UserFactory)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    kind = Consent.Kind.VIEWING
    status = Consent.Status.GIVEN
    signed_on = datetime.date(2025, 1, 3)
    paper_held_confirmed = True
    recorded_by = factory.SubFactory(UserFactory)


class HealthItemFactory(factory.django.DjangoModelFactory):
    """An item the client told of themself; pass `source` and `consent` for a service's."""

    class Meta:
        model = HealthItem

    client = factory.SubFactory(ClientFactory)
    kind = HealthItem.Kind.LIMITATION
    description = "Ei voi nostaa yli 10 kg: rajoittaa varastotöitä."
    source = HealthItem.Source.CLIENT
    information_date = datetime.date(2025, 2, 1)
    recorded_by = factory.SubFactory(UserFactory)


class WorkerAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerAgreement

    worker = factory.SubFactory(UserFactory)
    employment_area = "Pohjois-Karjalan työllisyysalue"
    municipality = factory.SubFactory(MunicipalityFactory)
    signed_on = datetime.date(2024, 1, 1)


class AccessGrantFactory(factory.django.DjangoModelFactory):
    """Pass `client_groups=[...]`; by default the grant covers the Ohjaamo youth group."""

    class Meta:
        model = AccessGrant
        skip_postgeneration_save = True

    grantee = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    authority = AccessGrant.Authority.VIEW
    valid_from = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    valid_until = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    reason = "Ohjaamon asiakastyö"
    granted_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def client_groups(self, create, extracted, **kwargs):
        if create:
            self.client_groups.set(extracted if extracted is not None else [client_group()])


def complete_client(**fields) -> Client:
    """A client whose record a worker with a covering grant may open."""
    client = ClientFactory(**fields)
    ReferralFactory(client=client)
    ServiceNeedFactory(client=client)
    ConsentFactory(client=client)
    return client


def reseed() -> None:
    """Put back the rows the data migrations seed (client groups, municipalities and areas).

    A transactional test's flush empties every table, these too: a test that runs after one
    (the browser tests, a test of another process) puts them back with the migrations' own
    functions.
    """
    from django.apps import apps

    for module, function in [
        ("clients.migrations.0002_client_groups", "create_client_groups"),
        ("clients.migrations.0004_municipality_classification", "load_classification"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)
