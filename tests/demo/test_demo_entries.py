"""The demo's all-conditions-hold client has a few case entries, one corrected, loaded once."""

import io

from django.core.management import call_command

from demo.clients import DEMO_SPECIAL_CLIENTS
from entries.models import CaseEntry, EntryVersion


def load() -> str:
    output = io.StringIO()
    call_command("load_demo_data", stdout=output)
    return output.getvalue()


def test_the_demo_entries_are_loaded_once(db):
    first = load()
    second = load()

    entries = CaseEntry.objects.filter(client__identity_code=DEMO_SPECIAL_CLIENTS[0].identity_code)
    assert entries.count() == 3
    assert sorted(EntryVersion.objects.values_list("number", flat=True)) == [1, 1, 1, 2]
    assert EntryVersion.objects.get(number=2).correction_reason
    assert "Demo entries: 3 case entries added." in first
    assert "Demo entries: 0 case entries added." in second
