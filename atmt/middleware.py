import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

from atmt.identity_codes import holds_identity_code, without_identity_codes

logger = logging.getLogger(__name__)


class IdentityCodeQueryMiddleware:
    """Send a request whose query string holds an identity code to the same address without it.

    First in the stack, so that nothing after it (the sign-in redirect, the second factor's
    redirect, a page's links, the language switcher's next=) ever sees the code. The answer is
    a bare redirect that repeats nothing of the query; the server's own request log is filtered
    (settings.LOGGING, gunicorn.conf.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if not query or not holds_identity_code(query):
            return self.get_response(request)
        response = HttpResponseRedirect(without_identity_codes(f"{request.path}?{query}"))
        patch_cache_control(response, no_store=True)
        response.headers["Referrer-Policy"] = "no-referrer"
        return response


class HealthCheckMiddleware:
    """Answer /healthz before host validation, HTTPS redirects and sign-in.

    The container healthcheck calls it over plain HTTP on 127.0.0.1, which is neither an allowed
    host nor HTTPS. It reveals nothing but whether the database answers.
    """

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != self.path:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:
            # The kind of error only: a message could carry the database URL and its password.
            logger.warning("healthz: database unavailable (%s)", type(error).__name__)
            return _plain_response("database unavailable\n", status=503)
        return _plain_response("ok\n", status=200)


def _plain_response(text: str, *, status: int) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    patch_cache_control(response, no_store=True)
    return response


class NoStoreForAuthenticatedMiddleware:
    """Keep every page a signed-in user sees out of browser and proxy caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Finnish unless the user has chosen Swedish or English with the switcher.

    The browser's Accept-Language is not consulted: a case worker's screen should not change
    language with the machine they happen to use, and Finnish is the service's default.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
