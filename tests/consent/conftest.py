import io

import pypdf
import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def scan_root(settings, tmp_path):
    """Each test stores scans in a folder of its own, so that what it stored can be counted."""
    settings.CONSENT_SCAN_ROOT = str(tmp_path / "scans")
    return tmp_path / "scans"


def stored_scans(scan_root) -> list:
    return sorted(scan_root.iterdir()) if scan_root.exists() else []


def pdf_bytes() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, format="PNG")
    return buffer.getvalue()
