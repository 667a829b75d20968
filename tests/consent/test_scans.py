"""Scans of signed forms: checked by content, stored under generated names, served only when
the policy allows and always logged."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access.roles import Role
from audit.models import AccessEvent
from audit.services import ITEM_NOT_FOUND
from consent.models import Consent
from tests.consent.conftest import pdf_bytes, png_bytes, stored_scans
from tests.factories import (
    AccessGrantFactory,
    UserFactory,
    WorkerAgreementFactory,
    client_group,
)
from tests.pages import state_purpose
from tests.sign_in import SignedInClient as BrowserSession

ELEVEN_MEGABYTES = 11 * 1024 * 1024


@pytest.fixture
def upload_url(worker_client, setting):
    state_purpose(worker_client, setting.without_consent, purpose="consent")
    return f"/clients/{setting.without_consent.pk}/consents/new/"


def post_scan(worker_client, upload_url, scan):
    return worker_client.post(
        upload_url,
        {
            "kind": "viewing",
            "status": "given",
            "signed_on": timezone.localdate().isoformat(),
            "place": "appointment",
            "scan": scan,
        },
    )


@pytest.mark.rule("000-5-written-consent")
@pytest.mark.parametrize(
    ("scan", "message"),
    [
        (SimpleUploadedFile("tyhja.pdf", b""), "Lähetetty tiedosto on tyhjä"),
        (SimpleUploadedFile("iso.pdf", b"%PDF-" + b"0" * ELEVEN_MEGABYTES), "enintään 10,0"),
        (
            SimpleUploadedFile("lomake.pdf", b"<html><script>alert(1)</script></html>"),
            "ei ole PDF-tiedosto",
        ),
        (SimpleUploadedFile("kuva.png", png_bytes()[:40]), "ei ole PDF-tiedosto"),
    ],
    ids=["empty", "11-megabytes", "html-named-pdf", "truncated-png"],
)
def test_bad_scans_are_refused_with_a_clear_error_and_nothing_is_stored(
    worker_client, setting, upload_url, scan_root, scan, message
):
    response = post_scan(worker_client, upload_url, scan)

    assert response.status_code == 200
    assert message in response.text
    assert not setting.without_consent.consents.exists()
    assert stored_scans(scan_root) == []


def test_a_file_name_with_folders_is_refused_and_nothing_is_stored(
    worker_client, setting, upload_url, scan_root
):
    # Built by hand: Django's own test client would strip the folders before sending.
    body, content_type = multipart(
        {"kind": "viewing", "status": "given", "signed_on": "2026-01-02", "place": "other"},
        file_field="scan",
        file_name="../../atmt/lomake.pdf",
        file_content=pdf_bytes(),
    )

    response = worker_client.generic("POST", upload_url, body, content_type=content_type)

    assert response.status_code == 200
    assert "kansioiden nimiä" in response.text
    assert not setting.without_consent.consents.exists()
    assert stored_scans(scan_root) == []


def multipart(fields, *, file_field, file_name, file_content):
    boundary = "atmt-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + file_content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.rule("000-5-written-consent")
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("skannaus.pdf", pdf_bytes(), "application/pdf"),
        ("kuva.png", png_bytes(), "image/png"),
        ("kuva.pdf", png_bytes(), "image/png"),  # the name says PDF; the content decides
    ],
)
def test_good_scans_are_stored_by_what_they_contain(
    worker_client, setting, upload_url, scan_root, name, content, content_type
):
    post_scan(worker_client, upload_url, SimpleUploadedFile(name, content))

    consent = setting.without_consent.consents.get()
    assert consent.scan_content_type == content_type
    [stored] = stored_scans(scan_root)
    assert stored.read_bytes() == content
    assert name not in consent.scan.name


@pytest.fixture
def scanned_consent(worker_client, setting, upload_url):
    post_scan(worker_client, upload_url, SimpleUploadedFile("s.pdf", pdf_bytes()))
    return setting.without_consent.consents.get()


def scan_url(consent):
    return f"/clients/{consent.client_id}/consents/{consent.pk}/scan/"


@pytest.mark.rule("000-6-views-logged")
def test_the_scan_is_served_as_an_attachment_and_logged(worker_client, scanned_consent):
    response = worker_client.get(scan_url(scanned_consent))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == pdf_bytes()
    event = AccessEvent.objects.order_by("id").last()
    assert event.sections == ["consents"]
    assert event.details == {"consent_scan": scanned_consent.pk}


@pytest.mark.rule("000-5-nothing-without-consent", "003-5-confidential")
def test_a_colleague_the_policy_denies_cannot_fetch_the_scan(db, scanned_consent):
    colleague = UserFactory(roles=[Role.CASE_WORKER])
    municipality = scanned_consent.client.home_municipality
    WorkerAgreementFactory(worker=colleague, municipality=municipality)
    AccessGrantFactory(
        grantee=colleague,
        municipality=municipality,
        client_groups=[client_group("long_term_unemployed")],
    )
    session = BrowserSession()
    session.force_login(colleague)
    state_purpose(session, scanned_consent.client)

    response = session.get(scan_url(scanned_consent))

    assert response.status_code == 403
    assert not hasattr(response, "streaming_content")
    assert AccessEvent.objects.filter(actor=colleague).last().decision == "denied"


@pytest.mark.rule("003-5-confidential")
def test_a_stranger_gets_404_for_the_scan(client, scanned_consent):
    client.force_login(UserFactory(roles=[Role.CASE_WORKER]))  # no grant of their own

    assert client.get(scan_url(scanned_consent)).status_code == 404


@pytest.mark.rule("003-5-confidential")
def test_scans_have_no_public_url(scanned_consent):
    with pytest.raises(ValueError, match="no URL"):
        scanned_consent.scan.url  # noqa: B018


def test_a_consent_without_a_scan_has_nothing_to_serve(worker_client, setting):
    consent = Consent.objects.get(client=setting.openable)
    state_purpose(worker_client, setting.openable)

    assert worker_client.get(scan_url(consent)).status_code == 404


def test_uploads_work_with_the_csrf_check_as_a_browser_meets_it(setting, scan_root):
    """The CSRF check must not read the upload before the noticing parser is in place."""
    browser = BrowserSession(enforce_csrf_checks=True)
    browser.force_login(setting.worker)
    client_pages = f"/clients/{setting.without_consent.pk}"
    browser.get(f"{client_pages}/purpose/")
    token = browser.cookies["csrftoken"].value
    browser.post(f"{client_pages}/purpose/", {"purpose": "consent", "csrfmiddlewaretoken": token})
    fields = {
        "kind": "viewing",
        "status": "given",
        "signed_on": timezone.localdate().isoformat(),
        "place": "other",
    }

    refused = browser.post(
        f"{client_pages}/consents/new/",
        fields | {"scan": SimpleUploadedFile("s.pdf", pdf_bytes())},
    )
    saved = browser.post(
        f"{client_pages}/consents/new/",
        fields | {"scan": SimpleUploadedFile("s.pdf", pdf_bytes()), "csrfmiddlewaretoken": token},
    )

    assert refused.status_code == 403
    assert saved.status_code == 302
    assert len(stored_scans(scan_root)) == 1


@pytest.mark.rule("000-6-views-logged")
def test_a_scan_of_another_clients_consent_is_missing_and_logged_as_refused(
    worker_client, setting, scanned_consent
):
    """The scan's consent id under another client's address: nothing is served or logged shown."""
    other = setting.openable
    state_purpose(worker_client, other)
    before = AccessEvent.objects.count()

    response = worker_client.get(f"/clients/{other.pk}/consents/{scanned_consent.pk}/scan/")

    assert response.status_code == 404
    [event] = AccessEvent.objects.order_by("id")[before:]
    assert event.client == other
    assert event.decision == AccessEvent.Decision.DENIED
    assert event.sections == []
    assert event.reason_codes == [ITEM_NOT_FOUND]
