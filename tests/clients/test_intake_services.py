"""The intake services' rules, each refusal by its code: pages and the import share them."""

import datetime

import pytest
from django.utils import timezone

from clients.models import Referral
from clients.services import (
    ClientDetails,
    IntakeRefused,
    Refusal,
    client_move,
    client_register,
    referral_end,
    referral_record,
    relationship_end,
    relationship_start,
)
from tests.factories import (
    ClientFactory,
    MunicipalityFactory,
    ReferralFactory,
    UserFactory,
    client_group,
)

DAY = datetime.date(2026, 2, 1)


@pytest.fixture
def official(db):
    return UserFactory()


def refused(code: Refusal):
    class Expect:
        def __enter__(self):
            return self

        def __exit__(self, kind, error, _traceback):
            assert isinstance(error, IntakeRefused), f"expected {code}, got {error!r}"
            assert error.code == code
            return True

    return Expect()


def refer(official, client, **changes):
    fields = {
        "group": client_group(),
        "referring_authority": "Pohjois-Karjalan työllisyysalue",
        "referred_on": DAY,
        "ended_on": None,
        "source": "TE",
    } | changes
    return referral_record(actor=official, client=client, **fields)


def test_an_identity_code_is_registered_once(official):
    client = ClientFactory()
    details = ClientDetails(
        identity_code=client.identity_code,
        first_names="Toinen",
        last_name="Kerta",
        home_municipality=client.home_municipality,
        mother_tongue="fi",
        service_language="fi",
    )

    with refused(Refusal.ALREADY_REGISTERED):
        client_register(actor=official, details=details, started_on=DAY, source="TE")


def test_nothing_new_is_recorded_in_a_municipality_no_longer_classified(official):
    merged = MunicipalityFactory(code="911", in_classification=False)
    client = ClientFactory()

    with refused(Refusal.NOT_IN_CLASSIFICATION):
        client_move(actor=official, client=client, municipality=merged, moved_on=DAY, source="x")


def test_a_move_is_recorded_when_it_has_happened_and_in_order(official):
    client = ClientFactory(home_municipality=MunicipalityFactory(code="167"))
    liperi, outokumpu = MunicipalityFactory(code="426"), MunicipalityFactory(code="309")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with refused(Refusal.MOVE_IN_FUTURE):
        client_move(
            actor=official, client=client, municipality=liperi, moved_on=tomorrow, source="x"
        )
    with refused(Refusal.SAME_MUNICIPALITY):
        client_move(
            actor=official,
            client=client,
            municipality=client.home_municipality,
            moved_on=DAY,
            source="x",
        )
    client_move(actor=official, client=client, municipality=liperi, moved_on=DAY, source="x")
    with refused(Refusal.MOVE_BEFORE_LAST):
        client_move(
            actor=official,
            client=client,
            municipality=outokumpu,
            moved_on=DAY - datetime.timedelta(days=1),
            source="x",
        )


def test_one_referral_per_group_at_a_time(official):
    client = ClientFactory()
    refer(official, client, ended_on=DAY + datetime.timedelta(days=30))

    with refused(Refusal.ALREADY_REFERRED):
        refer(official, client, referred_on=DAY + datetime.timedelta(days=10))
    # The day the first one ends, another may begin; and another group is another tag.
    refer(official, client, referred_on=DAY + datetime.timedelta(days=30))
    refer(official, client, group=client_group("long_term_unemployed"))


def test_a_referral_ends_after_it_starts_and_within_the_relationship(official):
    client = ClientFactory()

    with refused(Refusal.END_BEFORE_START):
        refer(official, client, ended_on=DAY)
    with refused(Refusal.BEFORE_RELATIONSHIP):
        refer(official, client, referred_on=datetime.date(2024, 12, 31))


def test_an_ended_referral_is_not_ended_again(official):
    referral = ReferralFactory(referred_on=DAY, ended_on=DAY + datetime.timedelta(days=5))

    with refused(Refusal.REFERRAL_ENDED):
        referral_end(
            actor=official,
            referral=referral,
            ended_on=DAY + datetime.timedelta(days=6),
            reason=Referral.EndReason.OTHER,
        )
    with refused(Refusal.END_BEFORE_START):
        referral_end(
            actor=official,
            referral=ReferralFactory(referred_on=DAY),
            ended_on=DAY,
            reason=Referral.EndReason.OTHER,
        )


def test_the_relationship_ends_once_and_a_returning_client_starts_a_new_one(official):
    client = ClientFactory()

    with refused(Refusal.RELATIONSHIP_ONGOING):
        relationship_start(actor=official, client=client, started_on=DAY, source="TE")
    with refused(Refusal.END_BEFORE_START):
        relationship_end(actor=official, client=client, ended_on=datetime.date(2024, 1, 1))
    relationship_end(actor=official, client=client, ended_on=DAY)
    with refused(Refusal.RELATIONSHIP_ENDED):
        relationship_end(actor=official, client=client, ended_on=DAY)
    with refused(Refusal.RELATIONSHIP_ENDED):
        refer(official, client)
    with refused(Refusal.END_BEFORE_START):
        relationship_start(
            actor=official, client=client, started_on=DAY - datetime.timedelta(days=1), source="TE"
        )

    relationship_start(actor=official, client=client, started_on=DAY, source="TE")
    assert client.relationships.count() == 2
    assert client.relationship.ended_on is None


def test_a_referral_that_would_begin_after_the_end_is_corrected_first(official):
    client = ClientFactory()
    ReferralFactory(client=client, referred_on=DAY)

    with refused(Refusal.LATER_REFERRAL):
        relationship_end(actor=official, client=client, ended_on=DAY)
    assert client.relationship.ended_on is None


@pytest.mark.django_db(transaction=True)
def test_a_code_registered_at_the_same_moment_is_refused_not_an_error():
    """Two officials register one code at once: the unique index answers the second."""
    from django.db import connection

    official = UserFactory()
    first = ClientFactory()
    details = ClientDetails(
        identity_code=first.identity_code,
        first_names="Toinen",
        last_name="Kerta",
        home_municipality=first.home_municipality,
        mother_tongue="fi",
        service_language="fi",
    )
    # The existence check answers "no", as it would have a moment before the other commit.
    with connection.execute_wrapper(_pretend_nothing_exists), refused(Refusal.ALREADY_REGISTERED):
        client_register(actor=official, details=details, started_on=DAY, source="TE")


def _pretend_nothing_exists(execute, sql, params, many, context):
    if (
        sql.lstrip().upper().startswith("SELECT")
        and "LIMIT 1" in sql.upper()
        and '"clients_client"' in sql
        and "identity_code" in sql
    ):
        sql = sql.replace("WHERE", "WHERE 1 = 0 AND", 1)
    return execute(sql, params, many, context)
