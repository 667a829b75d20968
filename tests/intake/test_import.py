"""The register import: every bad line rejected once with its reason, the good ones imported with
their typed events, a second run changing nothing, and a killed run finished by running it again."""

import datetime
import fcntl
import io
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from guardian.shortcuts import assign_perm

from access.roles import Role
from audit.actions import Action
from audit.models import AccessEvent
from clients.identity_code import identity_code_hash
from clients.models import Client, ClientRelationship, Referral, ServiceNeed
from tests.factories import MunicipalityFactory, UserFactory, identity_code_for, reseed

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOURCE = "Työvoimaviranomaisen asiakastietojärjestelmä"
AUTHORITY = "Pohjois-Karjalan työllisyysalue"


def code(n: int) -> str:
    return identity_code_for(datetime.date(1995, 1, 1) + datetime.timedelta(days=n), 2 + n % 800)


def client_line(n: int, **fields) -> dict:
    return {
        "kind": "client",
        "identity_code": code(n),
        "first_names": "Aino",
        "last_name": f"Asiakas{n}",
        "home_municipality": "167",
        "mother_tongue": "fi",
        "service_language": "fi",
        "relationship_started_on": "2025-01-01",
        "source": SOURCE,
        **fields,
    }


def referral_line(n: int, **fields) -> dict:
    return {
        "kind": "referral",
        "identity_code": code(n),
        "group": "ohjaamo_youth",
        "referring_authority": AUTHORITY,
        "referred_on": "2025-02-01",
        "source": SOURCE,
        **fields,
    }


def need_line(n: int, **fields) -> dict:
    return {
        "kind": "service_need",
        "identity_code": code(n),
        "assessment": "Tarvitsee tukea työnhakuun.",
        "assessed_on": "2025-02-02",
        "assessed_by": "Työvoimaviranomainen",
        "source": SOURCE,
        **fields,
    }


def write_lines(path: Path, lines: list) -> Path:
    with path.open("wb") as stream:
        for line in lines:
            raw = line if isinstance(line, bytes) else json.dumps(line, ensure_ascii=False).encode()
            stream.write(raw + b"\n")
    return path


def run_import(path: Path, actor, **options) -> tuple[str, int]:
    """The command's output and exit status."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_register", str(path), actor=actor.username, stdout=out, stderr=err, **options
        )
    except CommandError as error:
        return out.getvalue() + err.getvalue() + str(error), error.returncode
    return out.getvalue() + err.getvalue(), 0


@pytest.fixture
def official(db):
    joensuu = MunicipalityFactory(code="167")
    MunicipalityFactory(code="426")  # Liperi: not served by the official
    user = UserFactory(username="virkailija", roles=[Role.LABOUR_OFFICIAL])
    assign_perm("clients.serve_municipality", user, joensuu)
    return user


BAD_LINES = {
    # line number: (the line, its reason)
    4: (client_line(4, identity_code="131052-308U"), "invalid_identity_code"),
    5: (referral_line(1, group="no_such_group"), "unknown_group"),
    6: (client_line(6, home_municipality="999"), "unknown_municipality"),
    7: (
        referral_line(1, referred_on="2025-03-01", ended_on="2025-03-01", end_reason="employed"),
        "end_before_start",
    ),
    8: (client_line(1), "duplicate_line"),
    9: ({k: v for k, v in client_line(9).items() if k != "last_name"}, "missing_field"),
    10: (
        json.dumps(client_line(10, last_name="Mäkelä"), ensure_ascii=False).encode("latin-1"),
        "invalid_encoding",
    ),
    11: (b'{"kind": "client", "identity_code": ', "invalid_json"),
    12: (dict(client_line(12), kind="consent"), "unknown_kind"),
    13: (referral_line(13), "client_not_registered"),
    14: (client_line(14, home_municipality="426"), "out_of_scope"),
    15: (b"[1, 2]", "not_an_object"),
    16: (dict(referral_line(1, group="integration"), colour="red"), "unknown_field"),
    17: (client_line(17, service_language="de"), "invalid_value"),
}


def a_file_with_every_bad_line(tmp_path: Path) -> Path:
    good = [client_line(1, email="aino@example.fi"), referral_line(1), need_line(1)]
    return write_lines(tmp_path / "register.jsonl", good + [line for line, _ in BAD_LINES.values()])


@pytest.mark.parametrize("through_services", [False, True], ids=["fast", "services"])
@pytest.mark.rule("000-4-intake", "004-4-source-recorder")
def test_each_bad_line_is_rejected_once_with_its_reason_and_the_good_lines_are_imported(
    official, tmp_path, through_services
):
    path = a_file_with_every_bad_line(tmp_path)

    output, status = run_import(path, official, through_services=through_services)

    rejected = {
        int(line.split(":")[0].removeprefix("line ")): line.split(": ")[1]
        for line in output.splitlines()
        if line.startswith("line ")
    }
    assert rejected == {number: reason for number, (_, reason) in BAD_LINES.items()}
    assert "17 lines read: 3 created, 0 updated, 0 unchanged, 14 rejected." in output
    assert status == 1
    client = Client.objects.get()
    assert (client.identity_code, client.email) == (code(1), "aino@example.fi")
    assert client.referrals.get().group.code == "ohjaamo_youth"
    assert client.service_needs.get().status == ServiceNeed.Status.DOCUMENTED


@pytest.mark.parametrize("through_services", [False, True], ids=["fast", "services"])
@pytest.mark.rule("000-4-own-record")
def test_imported_clients_keep_the_hash_of_their_identity_code(
    official, tmp_path, through_services
):
    """The fast path's bulk insert too: the policy's set form finds an own record by it."""
    path = write_lines(tmp_path / "register.jsonl", [client_line(n) for n in (1, 2, 3)])
    run_import(path, official, through_services=through_services)
    update = write_lines(tmp_path / "update.jsonl", [client_line(1, email="uusi@example.fi")])
    run_import(update, official, through_services=through_services)

    stored = Client.objects.order_by("identity_code").values_list(
        "identity_code", "email", "identity_code_hash"
    )
    assert list(stored) == [
        (code(n), "uusi@example.fi" if n == 1 else "", identity_code_hash(code(n)))
        for n in (1, 2, 3)
    ]


def test_identity_codes_never_appear_in_full_in_the_output(official, tmp_path):
    path = a_file_with_every_bad_line(tmp_path)

    output, _ = run_import(path, official)

    for n in range(30):
        assert code(n) not in output
    assert f"(client {code(1)[:6]}-****)" in output  # the duplicate names its client masked
    assert "131052" not in output  # nothing of an invalid code is repeated


def test_a_second_run_changes_nothing_and_says_so(official, tmp_path):
    path = write_lines(
        tmp_path / "register.jsonl",
        [client_line(1), referral_line(1), need_line(1), client_line(2)],
    )
    run_import(path, official)
    events = AccessEvent.objects.count()

    output, status = run_import(path, official)

    assert "4 lines read: 0 created, 0 updated, 4 unchanged, 0 rejected." in output
    assert "Nothing changed." in output
    assert status == 0
    assert AccessEvent.objects.count() == events


def test_every_created_row_has_its_typed_event_naming_the_actor(official, tmp_path):
    path = write_lines(
        tmp_path / "register.jsonl",
        [client_line(1), client_line(2), referral_line(1), need_line(1), need_line(2)],
    )

    run_import(path, official)

    expected = [
        *((Action.CLIENT_REGISTERED, "clients.client", c.pk) for c in Client.objects.all()),
        *((Action.REFERRAL_RECORDED, "clients.referral", r.pk) for r in Referral.objects.all()),
        *(
            (Action.SERVICE_NEED_DOCUMENTED, "clients.serviceneed", n.pk)
            for n in ServiceNeed.objects.all()
        ),
    ]
    events = AccessEvent.objects.all()
    assert sorted((e.action, e.target_type, int(e.target_id)) for e in events) == sorted(expected)
    assert {(e.actor_id, e.actor_username) for e in events} == {(official.pk, "virkailija")}
    assert all(e.actor_roles == [Role.LABOUR_OFFICIAL] for e in events)
    registered = events.get(action=Action.CLIENT_REGISTERED, client__identity_code=code(1))
    assert registered.details["import"]["line"] == 1
    assert "identity_code" in registered.details["import"]["fields"]


def test_changed_contact_details_update_the_client_through_its_service(official, tmp_path):
    run_import(write_lines(tmp_path / "first.jsonl", [client_line(1, phone="040 1")]), official)

    output, _ = run_import(
        write_lines(tmp_path / "second.jsonl", [client_line(1, phone="040 2")]), official
    )

    assert "1 line read: 0 created, 1 updated" in output
    assert Client.objects.get().phone == "040 2"
    event = AccessEvent.objects.get(action=Action.CLIENT_CONTACT_CHANGED)
    assert (event.actor, event.details) == (official, {"fields": ["phone"]})


def test_a_change_to_what_an_import_may_not_change_is_rejected(official, tmp_path):
    run_import(write_lines(tmp_path / "first.jsonl", [client_line(1)]), official)

    output, _ = run_import(
        write_lines(tmp_path / "second.jsonl", [client_line(1, last_name="Toinen")]), official
    )

    assert "line 1: differs_from_record: Differs from the registered client in last_name" in output
    assert Client.objects.get().last_name == "Asiakas1"


def test_a_referral_line_with_its_end_ends_the_open_referral(official, tmp_path):
    run_import(write_lines(tmp_path / "first.jsonl", [client_line(1), referral_line(1)]), official)

    ended = referral_line(1, ended_on="2025-06-01", end_reason="employed")
    output, _ = run_import(write_lines(tmp_path / "second.jsonl", [ended]), official)

    assert "1 line read: 0 created, 1 updated" in output
    referral = Referral.objects.get()
    assert (referral.ended_on, referral.end_reason) == (datetime.date(2025, 6, 1), "employed")
    event = AccessEvent.objects.get(action=Action.REFERRAL_ENDED)
    assert (event.actor, event.target_id) == (official, str(referral.pk))


def test_the_newest_imported_assessment_is_the_documented_one(official, tmp_path):
    run_import(write_lines(tmp_path / "first.jsonl", [client_line(1), need_line(1)]), official)
    first = ServiceNeed.objects.get()

    later = [need_line(1, assessed_on="2025-05-01"), need_line(1, assessed_on="2025-06-01")]
    run_import(write_lines(tmp_path / "second.jsonl", later), official)

    statuses = dict(ServiceNeed.objects.values_list("assessed_on", "status"))
    assert statuses == {
        datetime.date(2025, 2, 2): "superseded",
        datetime.date(2025, 5, 1): "superseded",
        datetime.date(2025, 6, 1): "documented",
    }
    newest = ServiceNeed.objects.get(status="documented")
    event = AccessEvent.objects.get(target_type="clients.serviceneed", target_id=str(newest.pk))
    superseded_by_middle = AccessEvent.objects.get(
        target_type="clients.serviceneed", details__superseded=[first.pk]
    )
    assert superseded_by_middle.pk != event.pk
    assert len(event.details["superseded"]) == 1


@pytest.mark.parametrize("case", ["missing", "inactive", "no_role", "no_scope"])
def test_only_an_active_labour_official_with_a_scope_may_import(official, tmp_path, case):
    path = write_lines(tmp_path / "register.jsonl", [client_line(1)])
    if case == "inactive":
        official.is_active = False
        official.save()
    elif case == "no_role":
        official.groups.clear()
    elif case == "no_scope":
        official = UserFactory(username="uusi", roles=[Role.LABOUR_OFFICIAL])
    actor = official if case != "missing" else UserFactory.build(username="nobody")

    _, status = run_import(path, actor)

    assert status == 2
    assert not Client.objects.exists()


def test_progress_is_a_plain_line_when_not_on_a_terminal(official, tmp_path):
    path = write_lines(tmp_path / "register.jsonl", [client_line(n) for n in range(1, 30)])
    err = io.StringIO()

    call_command(
        "import_register",
        str(path),
        actor="virkailija",
        stdout=io.StringIO(),
        stderr=err,
        batch_size=10,
    )

    # Every 10,000 lines or 5 seconds, and once at the end.
    assert err.getvalue().startswith("29 lines read (")


def test_progress_is_a_bar_with_the_rate_and_the_time_left_on_a_terminal(official, tmp_path):
    path = write_lines(tmp_path / "register.jsonl", [client_line(n) for n in range(1, 30)])
    master, replica = pty.openpty()
    fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))

    with os.fdopen(replica, "w") as terminal:
        call_command(
            "import_register",
            str(path),
            actor="virkailija",
            stdout=io.StringIO(),
            stderr=terminal,
            batch_size=10,
        )
    bar = read_all(master).decode().split("\r")

    last = next(part for part in reversed(bar) if "lines/s" in part)
    assert "100%" in last and "29/29" in last and "<00:00" in last  # done, rate, time left


def read_all(master: int) -> bytes:
    """What the terminal was sent: read until its other end, closed, has nothing more."""
    sent = b""
    try:
        while chunk := os.read(master, 1 << 16):
            sent += chunk
    except OSError:  # Linux says EIO once the other end is closed and drained
        pass
    os.close(master)
    return sent


def end_state() -> dict:
    """What is stored, by natural key, without the keys and times that differ run to run."""
    return {
        "clients": sorted(Client.objects.values_list("identity_code", "last_name", "email")),
        "relationships": sorted(
            ClientRelationship.objects.values_list("client__identity_code", "started_on")
        ),
        "referrals": sorted(
            Referral.objects.values_list(
                "client__identity_code", "group__code", "referred_on", "ended_on", "end_reason"
            )
        ),
        "needs": sorted(
            ServiceNeed.objects.values_list("client__identity_code", "assessed_on", "status")
        ),
    }


def register_of(clients: int) -> list[dict]:
    """Clients with a referral and two assessments each, interleaved as a real export would be."""
    lines = []
    for n in range(1, clients + 1):
        lines += [
            client_line(n, email=f"a{n}@example.fi"),
            referral_line(
                n, **({"ended_on": "2025-09-01", "end_reason": "employed"} if n % 3 else {})
            ),
            need_line(n, assessed_on="2025-02-02"),
            need_line(n, assessed_on="2025-03-03"),
        ]
    return lines


def expected_end_state(clients: int) -> dict:
    """The end state of an uninterrupted import of register_of(clients)."""
    return {
        "clients": sorted(
            (code(n), f"Asiakas{n}", f"a{n}@example.fi") for n in range(1, clients + 1)
        ),
        "relationships": sorted(
            (code(n), datetime.date(2025, 1, 1)) for n in range(1, clients + 1)
        ),
        "referrals": sorted(
            (
                code(n),
                "ohjaamo_youth",
                datetime.date(2025, 2, 1),
                datetime.date(2025, 9, 1) if n % 3 else None,
                "employed" if n % 3 else "",
            )
            for n in range(1, clients + 1)
        ),
        "needs": sorted(
            [(code(n), datetime.date(2025, 2, 2), "superseded") for n in range(1, clients + 1)]
            + [(code(n), datetime.date(2025, 3, 3), "documented") for n in range(1, clients + 1)]
        ),
    }


def state_and_event_counts() -> tuple[dict, dict]:
    state = end_state()
    rows = Client.objects.count() + Referral.objects.count() + ServiceNeed.objects.count()
    events = AccessEvent.objects.values_list("target_type", "target_id")
    return state, {"rows": rows, "events": events.count(), "distinct targets": len(set(events))}


def test_an_uninterrupted_run_gives_the_expected_end_state(official, tmp_path):
    path = write_lines(tmp_path / "register.jsonl", register_of(60))

    run_import(path, official, batch_size=25)

    state, counts = state_and_event_counts()
    assert state == expected_end_state(60)
    assert counts == {"rows": 240, "events": 240, "distinct targets": 240}


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_midway_and_run_again_ends_as_an_uninterrupted_run(tmp_path):
    """A real process, killed by SIGKILL once some batches are committed, then run again."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is in memory, out of another process's reach")
    reseed()  # an earlier transactional test's flush may have emptied the client groups
    joensuu = MunicipalityFactory(code="167")
    user = UserFactory(username="virkailija", roles=[Role.LABOUR_OFFICIAL])
    assign_perm("clients.serve_municipality", user, joensuu)
    clients = 3000
    path = write_lines(tmp_path / "register.jsonl", register_of(clients))
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    command = [sys.executable, "manage.py", "import_register", str(path), "--actor", "virkailija"]
    process = subprocess.Popen(
        [*command, "--batch-size", "100"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while Client.objects.count() < 500 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert process.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    assert 0 < Client.objects.count() < clients
    output, status = run_import(path, user)

    assert status == 0, output
    assert "0 rejected" in output
    state, counts = state_and_event_counts()
    assert state == expected_end_state(clients)
    # Each row has exactly one event: nothing written twice by the second run.
    assert counts == {"rows": 4 * clients, "events": 4 * clients, "distinct targets": 4 * clients}


def test_a_batch_the_fast_path_cannot_write_is_redone_line_by_line_through_the_services(
    official, tmp_path, monkeypatch
):
    from django.db import IntegrityError

    from intake import register_import

    def refused(**kwargs):
        raise IntegrityError("written meanwhile by someone else")

    monkeypatch.setattr(register_import, "change_records", refused)
    path = write_lines(
        tmp_path / "register.jsonl", [client_line(1), referral_line(1), need_line(1)]
    )

    output, status = run_import(path, official)

    assert (status, "3 lines read: 3 created, 0 updated, 0 unchanged, 0 rejected.") == (
        0,
        output.splitlines()[0],
    )
    events = AccessEvent.objects.filter(actor=official)
    assert sorted(events.values_list("action", flat=True)) == sorted(
        [Action.CLIENT_REGISTERED, Action.REFERRAL_RECORDED, Action.SERVICE_NEED_DOCUMENTED]
    )
    assert all("import" not in event.details for event in events)  # the services' own events
