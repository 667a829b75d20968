"""Noticing upload file names that try to name a folder, such as "../../settings.py".

Django already strips every folder part from an uploaded file's name before any view sees it,
and ATMT never uses the name anyway (scans get generated names). But such a name is a sign of a
tampered request, and the worker deserves a clear error rather than a silently renamed file, so
these views parse uploads with a parser that notices when Django had to clean a name.
"""

from functools import wraps

from django.http.multipartparser import MultiPartParser
from django.views.decorators.csrf import csrf_exempt, csrf_protect


def notice_unsafe_upload_names(view):
    """Set `request.upload_name_was_unsafe` before the view reads the uploaded files."""
    protected_view = csrf_protect(view)

    # csrf_exempt only defers the check: the CSRF middleware would read the upload before the
    # parser could be chosen, so the check runs inside, through csrf_protect, once it is set.
    # This is the pattern of Django's "Modifying upload handlers on the fly".
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.upload_name_was_unsafe = False

        class NoticingParser(MultiPartParser):
            def sanitize_file_name(self, file_name):
                sanitized = super().sanitize_file_name(file_name)
                if sanitized != file_name:
                    request.upload_name_was_unsafe = True
                return sanitized

        request.multipart_parser_class = NoticingParser
        return protected_view(request, *args, **kwargs)

    return wrapper
