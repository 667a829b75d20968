"""Parsing consent uploads: noticing tampered file names, and the size limit while streaming.

Django already strips every folder part from an uploaded file's name before any view sees it,
and ATMT never uses the name anyway (scans get generated names). But such a name is a sign of a
tampered request, and the worker deserves a clear error rather than a silently renamed file, so
these views parse uploads with a parser that notices when Django had to clean a name.

A scan may be at most CONSENT_SCAN_MAX_BYTES. The limit holds while the body streams in: a file
that passes it is not stored any further (not in memory, not in a temporary file), and the form
says why, instead of the whole file being received first and measured afterwards.
"""

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http.multipartparser import MultiPartParser
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class ScanSizeLimitHandler(FileUploadHandler):
    """First of the upload handlers: drops a file as soon as it passes the scan limit."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.CONSENT_SCAN_MAX_BYTES:
            setattr(self.request, "upload_too_large", True)  # noqa: B010 (not an HttpRequest field)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file


def parse_consent_uploads(view):
    """Set `request.upload_name_was_unsafe` and `request.upload_too_large` before the view reads
    the uploaded files."""
    protected_view = csrf_protect(view)

    # csrf_exempt only defers the check: the CSRF middleware would read the upload before the
    # parser could be chosen, so the check runs inside, through csrf_protect, once it is set.
    # This is the pattern of Django's "Modifying upload handlers on the fly".
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.upload_name_was_unsafe = False
        request.upload_too_large = False

        class NoticingParser(MultiPartParser):
            def sanitize_file_name(self, file_name):
                sanitized = super().sanitize_file_name(file_name)
                if sanitized != file_name:
                    request.upload_name_was_unsafe = True
                return sanitized

        request.multipart_parser_class = NoticingParser
        request.upload_handlers.insert(0, ScanSizeLimitHandler(request))
        return protected_view(request, *args, **kwargs)

    return wrapper
