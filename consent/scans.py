"""Checking an uploaded scan of a signed consent form by what it contains, not by its name."""

import io

import pypdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def scan_content_type(upload: UploadedFile) -> str:
    """The scan's real content type (PDF, PNG or JPEG), or ValidationError saying what is wrong."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > settings.CONSENT_SCAN_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; a scan may be at most %(limit)s."),
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.CONSENT_SCAN_MAX_BYTES),
            },
        )
    content = _read(upload)
    content_type = _pdf_type(content) or _image_type(content)
    if content_type is None:
        raise ValidationError(_("The file is not a PDF, PNG or JPEG image."))
    return content_type


def _read(upload: UploadedFile) -> bytes:
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return content


def _pdf_type(content: bytes) -> str | None:
    if not content.startswith(b"%PDF-"):
        return None
    try:
        if len(pypdf.PdfReader(io.BytesIO(content)).pages) > 0:
            return "application/pdf"
    except (pypdf.errors.PyPdfError, ValueError, KeyError, OSError):
        pass
    return None


def _image_type(content: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            return IMAGE_TYPES.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
