"""Demo case entries: a few for the demo's all-conditions-hold client, one of them corrected.

Written straight as rows, like the rest of the seed data: no one recorded them, so they write
no change events. A client who has any entry already is left as they are.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from access.models import User
from clients.models import Client
from demo.clients import DEMO_SPECIAL_CLIENTS
from entries.models import CaseEntry, EntryVersion

WRITER = "ohjaaja"
# (days ago, hour, contact method, participants, content); the first is corrected once.
ENTRIES = (
    (
        21,
        10,
        EntryVersion.ContactMethod.MEETING,
        "Asiakas ja ohjaaja",
        "Alkuhaastattelu Ohjaamossa. Asiakas haluaa varasto- tai logistiikka-alalle. "
        "Sovittiin, että asiakas päivittää ansioluettelonsa ja hakee kahta paikkaa ennen "
        "seuraavaa tapaamista.",
    ),
    (
        9,
        14,
        EntryVersion.ContactMethod.PHONE,
        "Asiakas ja ohjaaja",
        "Asiakas kertoi hakeneensa kahta varastotyöpaikkaa. Sovittiin tapaaminen ensi viikolle.",
    ),
    (
        2,
        9,
        EntryVersion.ContactMethod.VIDEO,
        "Asiakas, ohjaaja ja työhönvalmentaja",
        "Käytiin läpi työkokeilun mahdollisuudet logistiikkayrityksessä. Työhönvalmentaja "
        "selvittää paikan ja ilmoittaa asiakkaalle viikon kuluessa.",
    ),
)
CORRECTION = (
    "Alkuhaastattelun päivämäärä korjattu: tapaaminen oli päivää aiemmin.",
    "Alkuhaastattelu Ohjaamossa. Asiakas haluaa varasto- tai logistiikka-alalle. Sovittiin, että "
    "asiakas päivittää ansioluettelonsa ja hakee kahta paikkaa ennen seuraavaa tapaamista. "
    "Asiakas toi mukanaan trukkikorttinsa.",
)


def demo_entries_load(*, now: datetime.datetime | None = None) -> int:
    """Add the demo entries to the all-conditions-hold client if they have none; how many added."""
    now = now or timezone.now()
    writer = User.objects.get(username=WRITER)
    client = Client.objects.get(identity_code=DEMO_SPECIAL_CLIENTS[0].identity_code)
    with transaction.atomic():
        if client.case_entries.exists():
            return 0
        for index, (days, hour, method, participants, content) in enumerate(ENTRIES):
            when = (now - datetime.timedelta(days=days)).replace(
                hour=hour, minute=0, second=0, microsecond=0
            )
            entry = CaseEntry.objects.create(client=client, created_at=when)
            fields = {
                "occurred_at": when,
                "contact_method": method,
                "participants": participants,
                "language": EntryVersion.Language.FINNISH,
                "recorded_by": writer,
            }
            EntryVersion.objects.create(
                entry=entry, number=1, content=content, recorded_at=when, **fields
            )
            if index == 0:
                reason, corrected = CORRECTION
                fields["occurred_at"] = when - datetime.timedelta(days=1)
                EntryVersion.objects.create(
                    entry=entry,
                    number=2,
                    content=corrected,
                    correction_reason=reason,
                    recorded_at=when + datetime.timedelta(days=1),
                    **fields,
                )
    return len(ENTRIES)
