"""Uploads: the scan limit holds while the body streams in, and scans are stored private."""

import stat

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from consent.models import Consent
from tests.consent.conftest import png_bytes, stored_scans
from tests.consent.test_scans import ELEVEN_MEGABYTES, post_scan
from tests.pages import state_purpose

DEFAULT_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


class StoredBytesCounter(FileUploadHandler):
    """Stands in front of Django's handlers and counts what reaches them."""

    largest_offset = 0

    def receive_data_chunk(self, raw_data, start):
        StoredBytesCounter.largest_offset = max(
            StoredBytesCounter.largest_offset, start + len(raw_data)
        )
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def upload_url(worker_client, setting):
    state_purpose(worker_client, setting.without_consent, purpose="consent")
    return f"/clients/{setting.without_consent.pk}/consents/new/"


@pytest.fixture
def counted_uploads(settings):
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.StoredBytesCounter", *DEFAULT_HANDLERS]
    StoredBytesCounter.largest_offset = 0
    return StoredBytesCounter


@pytest.mark.rule("000-5-written-consent")
def test_an_oversized_scan_is_stopped_at_the_limit_while_it_streams_in(
    worker_client, setting, upload_url, counted_uploads, scan_root
):
    scan = SimpleUploadedFile("form.png", b"\x89PNG" + b"0" * ELEVEN_MEGABYTES, "image/png")

    response = post_scan(worker_client, upload_url, scan)

    assert response.status_code == 200
    codes = {error.code for error in response.context["form"].errors.as_data()["scan"]}
    assert codes == {"too_large"}
    # Nothing past the limit was handed on to be kept in memory or in a temporary file.
    assert 0 < counted_uploads.largest_offset <= settings.CONSENT_SCAN_MAX_BYTES
    assert not Consent.objects.filter(client=setting.without_consent).exists()
    assert stored_scans(scan_root) == []


def test_a_scan_at_the_limit_is_not_refused_for_its_size(
    worker_client, upload_url, counted_uploads
):
    limit = settings.CONSENT_SCAN_MAX_BYTES
    scan = SimpleUploadedFile("form.png", b"0" * limit, "image/png")

    response = post_scan(worker_client, upload_url, scan)

    codes = {error.code for error in response.context["form"].errors.as_data()["scan"]}
    assert "too_large" not in codes
    assert counted_uploads.largest_offset == limit


@pytest.mark.rule("003-5-confidential")
def test_a_stored_scan_is_readable_by_the_app_user_only(worker_client, upload_url, scan_root):
    scan = SimpleUploadedFile("form.png", png_bytes(), "image/png")

    response = post_scan(worker_client, upload_url, scan)

    assert response.status_code == 302
    (stored,) = stored_scans(scan_root)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(scan_root.stat().st_mode) == 0o700
