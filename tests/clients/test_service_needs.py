"""Service-need history: a new assessment supersedes the old one, which stays; who did it shows."""

import datetime

import pytest
from auditlog.models import LogEntry

from clients.models import ServiceNeed
from clients.services import service_need_document
from tests.factories import ClientFactory, ServiceNeedFactory


@pytest.mark.rule("004-4-source-recorder")
def test_a_new_assessment_supersedes_the_previous_and_keeps_it(case_worker):
    client = ClientFactory()
    first = ServiceNeedFactory(client=client, assessment="Ensimmäinen arvio")

    second = service_need_document(
        actor=case_worker,
        client=client,
        assessment="Uusi arvio",
        assessed_on=datetime.date(2026, 3, 1),
        assessed_by="Työllisyysasiantuntija",
        source="Asiakastapaaminen",
    )

    first.refresh_from_db()
    assert first.status == ServiceNeed.Status.SUPERSEDED
    assert first.assessment == "Ensimmäinen arvio"
    assert second.status == ServiceNeed.Status.DOCUMENTED
    assert second.recorded_by == case_worker
    assert list(client.service_needs.values_list("status", flat=True)) == [
        "documented",
        "superseded",
    ]


@pytest.mark.rule("004-4-source-recorder")
def test_the_change_history_names_who_superseded_it(case_worker):
    first = ServiceNeedFactory()

    service_need_document(
        actor=case_worker,
        client=first.client,
        assessment="Uusi arvio",
        assessed_on=datetime.date(2026, 3, 1),
        assessed_by="Työllisyysasiantuntija",
        source="Asiakastapaaminen",
    )

    change = LogEntry.objects.get_for_object(first).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor == case_worker
    assert change.changes_dict["status"] == ["documented", "superseded"]
