"""Noticing upload file names that try to name a folder, such as "../../settings.py".

Django already strips every folder part from an uploaded file's name before any view sees it,
and ATMT never uses the name anyway (scans get generated names). But such a name is a sign of a
tampered request, and the worker deserves a clear error rather than a silently renamed file, so
these views parse uploads with a parser that notices when Django had to clean a name.
"""

from functools import wraps

from django.http.multipartparser import MultiPartParser


def notice_unsafe_upload_names(view):
    """Set `request.upload_name_was_unsafe` before the view reads the uploaded files."""

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
        return view(request, *args, **kwargs)

    return wrapper
