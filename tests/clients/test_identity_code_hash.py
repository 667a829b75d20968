"""A client's row keeps the keyed hash of its identity code in step on every way of writing it.

The hash is the one function a staff account's is made with (clients.identity_code), so that the
policy can recognise a worker's own record in SQL (tests/access/test_policy.py).
"""

import datetime
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F

from access.roles import Role
from access.staff import account_create
from clients.identity_code import identity_code_hash
from clients.models import Client
from clients.services import ClientDetails, client_register, client_update
from tests.factories import ClientFactory, MunicipalityFactory, UserFactory, identity_code_for

pytestmark = [pytest.mark.django_db, pytest.mark.rule("000-4-own-record")]

CODE = identity_code_for(datetime.date(1986, 3, 14), 357)
OTHER_CODE = identity_code_for(datetime.date(1991, 7, 2), 444)


def stored_hash(client: Client) -> str:
    return Client.objects.values_list("identity_code_hash", flat=True).get(pk=client.pk)


def details(code: str) -> dict:
    """What registering a client takes; the same fields make an unsaved Client."""
    return {
        "identity_code": code,
        "first_names": "Mikko",
        "last_name": "Korhonen",
        "home_municipality": MunicipalityFactory(code="167"),
        "mother_tongue": "fi",
        "service_language": "fi",
    }


def test_a_staff_account_and_a_client_with_one_code_have_one_hash(access_admin):
    account = account_create(
        actor=access_admin,
        username="korhonen",
        first_name="Mikko",
        last_name="Korhonen",
        email="",
        organisation="Joensuun kaupunki",
        roles=[Role.CASE_WORKER],
        identity_code=CODE,
    )
    client = ClientFactory(identity_code=CODE)

    assert len(account.identity_code_hash) == 64
    assert stored_hash(client) == account.identity_code_hash


def test_registering_a_client_stores_the_hash():
    client = client_register(
        actor=UserFactory(),
        details=ClientDetails(**details(CODE)),
        started_on=datetime.date(2025, 1, 1),
        source="TE",
    )

    assert stored_hash(client) == identity_code_hash(CODE)


def test_changing_contact_details_leaves_the_hash_as_it_is():
    client = ClientFactory(identity_code=CODE)

    client_update(actor=UserFactory(), client=client, contact={"email": "mikko@example.fi"})

    assert stored_hash(client) == identity_code_hash(CODE)


@pytest.mark.parametrize(
    "change",
    [
        lambda client: client.save(),
        lambda client: client.save(update_fields=["identity_code"]),
        lambda client: Client.objects.bulk_update([client], ["identity_code"]),
        lambda client: Client.objects.filter(pk=client.pk).update(identity_code=OTHER_CODE),
    ],
    ids=["save", "save_update_fields", "bulk_update", "update"],
)
def test_a_changed_identity_code_takes_its_hash_along(change):
    client = ClientFactory(identity_code=CODE)
    client.identity_code = OTHER_CODE

    change(client)

    assert stored_hash(client) == identity_code_hash(OTHER_CODE)


def test_a_bulk_insert_stores_the_hash():
    """The register import's fast path and the demo loader write clients this way."""
    [client] = Client.objects.bulk_create([Client(**details(CODE))])

    assert stored_hash(client) == identity_code_hash(CODE)


def test_an_update_with_an_expression_is_refused():
    ClientFactory(identity_code=CODE)

    with pytest.raises(TypeError):
        Client.objects.update(identity_code=F("last_name"))


def test_the_migration_fills_the_hash_of_clients_stored_before_it():
    stored = [ClientFactory(identity_code=CODE), ClientFactory(identity_code=OTHER_CODE)]
    Client.objects.update(identity_code_hash="")
    migration = importlib.import_module("clients.migrations.0006_client_identity_code_hash_fill")

    migration.fill_hashes(apps, schema_editor=None)

    assert [stored_hash(client) for client in stored] == [
        identity_code_hash(CODE),
        identity_code_hash(OTHER_CODE),
    ]


def recompute() -> str:
    output = StringIO()
    call_command("recompute_identity_code_hashes", batch_size=2, stdout=output)
    return output.getvalue()


def test_after_a_key_change_the_command_recomputes_every_client_once(settings):
    codes = [identity_code_for(datetime.date(1990, 1, day), 100 + day) for day in range(1, 6)]
    clients = [ClientFactory(identity_code=code) for code in codes]
    settings.IDENTITY_CODE_HASH_KEY = "the-next-key-" + "y" * 40

    first, second = recompute(), recompute()

    assert "5 clients read, 5 recomputed." in first
    assert "Staff accounts keep only their hash" in first
    assert "5 clients read, 0 recomputed." in second
    assert "Staff accounts" not in second
    assert [stored_hash(client) for client in clients] == [identity_code_hash(c) for c in codes]
