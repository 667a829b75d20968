"""Printable consent forms: an A4 PDF for each kind of consent, in the client's language of
service, for the client to read, tick and sign on paper (agreement §5: a written consent form).

WeasyPrint renders the form from files in the project's static folder only: the stylesheet and
the bundled fonts. Its fetcher refuses every other URL, so a form never reaches the network nor
reads a file outside static/, whatever its HTML or CSS asks for.
"""

import functools
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from consent.client_data import ClientBrief
from consent.models import Consent

STATIC_DIR = Path(settings.BASE_DIR) / "static"
TEMPLATE = "consent/form_pdf.html"


@dataclass(frozen=True)
class FormText:
    """What one kind of form says: its title, what is consented to, and who gets the data."""

    title: Promise
    paragraphs: tuple[Promise, ...]
    recipients: Promise


FORM_TEXTS: dict[str, FormText] = {
    Consent.Kind.VIEWING: FormText(
        title=_("Consent to viewing client data"),
        paragraphs=(
            _(
                "I consent to the municipal employment services viewing my data in the national "
                "client information system of the employment services. The data may be viewed "
                "only for my own service process: to plan, arrange and follow up the services "
                "agreed with me."
            ),
            _(
                "Every view of my data is recorded in the system, and the employee must be able "
                "to justify the need for it."
            ),
        ),
        recipients=_(
            "Employees of the municipal employment services who work in my service process and "
            "hold a personal access right. The data is not disclosed further on the basis of "
            "this consent."
        ),
    ),
    Consent.Kind.EMPLOYER_DISCLOSURE: FormText(
        title=_("Consent to disclosing data to an employer"),
        paragraphs=(
            _(
                "Data about me that is needed to fill a vacancy, such as my education, work "
                "history and skills, may be disclosed to an employer only with my written "
                "consent. With this form I give or refuse that consent."
            ),
            _("My answer, consent or refusal, is recorded in the client register."),
            _(
                "Data on my health is not disclosed on the basis of this consent. It needs a "
                "separate, itemised written consent."
            ),
        ),
        recipients=_(
            "Employers to whom the employment services present me as a candidate for a vacancy."
        ),
    ),
    Consent.Kind.HEALTH_DISCLOSURE: FormText(
        title=_("Consent to disclosing health data"),
        paragraphs=(
            _(
                "Data on my health may be disclosed to an employer or to a service provider only "
                "with my itemised written consent. The consent covers only the data, recipients "
                "and purposes written below, item by item."
            ),
            _(
                "Only health and work-ability data that affects my employment and is necessary "
                "for the purpose may be disclosed. To an employer, it may be disclosed only where "
                "it is essential to meet the special health requirements of the vacancy or of "
                "the occupation, or to promote the employment of a job seeker whose disability "
                "or illness makes finding work harder."
            ),
        ),
        recipients=_(
            "Only the recipients named item by item above: an employer or a service provider."
        ),
    ),
    Consent.Kind.MULTI_AGENCY: FormText(
        title=_("Consent to data exchange in a multi-agency service"),
        paragraphs=(
            _(
                "The service offered to me requires multi-agency cooperation, in which the "
                "agencies taking part exchange data about me to coordinate services that suit my "
                "situation. The service can start only after I have confirmed my wish with this "
                "signed consent."
            ),
            _(
                "Data is exchanged only as far as the service needs it. Any disclosure of my "
                "data to third parties on the basis of consent is discussed with me first."
            ),
        ),
        recipients=_(
            "The municipal employment services and the following agencies taking part in the "
            "service:"
        ),
    ),
    Consent.Kind.HEALTH_OBTAINING: FormText(
        title=_("Consent to obtaining social and health data for a work-ability assessment"),
        paragraphs=(
            _(
                "I consent to the municipal employment services obtaining data on my health and "
                "work ability from the services named below, for assessing my work ability. Only "
                "data that affects my employment and is necessary is obtained, with its source."
            ),
            _(
                "If I withdraw this consent, the data obtained on it is erased from the client "
                "register. It does not allow disclosing my health data to anyone."
            ),
        ),
        recipients=_(
            "The employees who assess my work ability. Data is obtained from these services:"
        ),
    ),
}

HEALTH_ITEMS = 3
AGENCY_LINES = 3


class FetchRefused(ValueError):
    """WeasyPrint asked for a URL that is not a file in the static folder."""


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves WeasyPrint the files under `root` from `file:` URLs, and refuses everything else.

    Refused: any other scheme (http, https, ftp, data, ...), a `file:` URL naming another host,
    and any path that resolves (after `..` and symbolic links) outside `root` or to something
    that is not a regular file. A refusal stops the rendering, so a form is never produced
    without its fonts or stylesheet, nor with something fetched from elsewhere.
    """

    def __init__(self, root: Path = STATIC_DIR):
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.root = root.resolve()

    @property
    def base_url(self) -> str:
        """The URL that relative references in the form's HTML are resolved against."""
        return self.root.as_uri() + "/"

    def path_for(self, url: str) -> Path:
        """The file under `root` that `url` names; raises FetchRefused for anything else."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"Only files in the static folder are served, not {url!r}")
        try:
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, ValueError, RuntimeError) as error:
            raise FetchRefused(f"No such file in the static folder: {url!r}") from error
        if not path.is_relative_to(self.root) or not path.is_file():
            raise FetchRefused(f"Only files in the static folder are served, not {url!r}")
        return path

    def fetch(self, url, headers=None):
        path = self.path_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


@functools.cache
def static_files_fetcher() -> StaticFilesOnlyFetcher:
    """The process's one fetcher. It keeps no state between fetches, and building one costs tens
    of milliseconds (WeasyPrint's base class sets up urllib's handlers, SSL included, which this
    fetcher never uses)."""
    return StaticFilesOnlyFetcher()


def html_to_pdf(html: str) -> bytes:
    """Render `html` to PDF with WeasyPrint, resolving its references in the static folder only."""
    fetcher = static_files_fetcher()
    return HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher).write_pdf()


def consent_form_html(*, client: ClientBrief, kind: str, language: str | None = None) -> str:
    """The HTML of the consent form that `consent_form_pdf` prints. See there."""
    try:
        text = FORM_TEXTS[kind]
    except KeyError:
        raise ValueError(f"No consent form for the kind {kind!r}") from None
    language = language or client.service_language
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"No consent form in the language {language!r}")

    with translation.override(language):
        printed_on = date_format(timezone.localdate(), "DATE_FORMAT")
        title = str(text.title)
        return render_to_string(
            TEMPLATE,
            {
                "kind": str(kind),
                "title": title,
                "paragraphs": [str(paragraph) for paragraph in text.paragraphs],
                "recipients": str(text.recipients),
                "municipality": client.home_municipality.name,
                "client_name": client.full_name,
                "identity_code": client.identity_code,
                "health_items": range(1, HEALTH_ITEMS + 1),
                "agency_lines": range(AGENCY_LINES),
                "footer_left_css": _css_string(
                    gettext("%(title)s · printed %(date)s") % {"title": title, "date": printed_on}
                ),
                "page_counter_css": _page_counter_css(),
                "running_header_css": _css_string(f"{client.full_name} · {client.identity_code}"),
            },
        )


def consent_form_pdf(*, client: ClientBrief, kind: str, language: str | None = None) -> bytes:
    """A blank consent form of `kind` (a Consent.Kind value) for `client` to sign, as PDF bytes.

    The whole form is in `language`, by default the client's language of service. It names the
    client and their identity code, so the caller must already have opened the client through
    the access policy; this function decides nothing and records nothing. Raises ValueError for
    a kind or a language that has no form.
    """
    return html_to_pdf(consent_form_html(client=client, kind=kind, language=language))


def _css_string(text: str) -> SafeString:
    """`text` as a quoted CSS string, safe to place inside a <style> element."""
    escaped = "".join(
        f"\\{ord(character):x} " if _needs_css_escape(character) else character
        for character in text
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every special character is escaped above


def _needs_css_escape(character: str) -> bool:
    # Quotes and backslashes would end the string; < > & could close the <style> element; control
    # characters are not allowed in CSS strings.
    return character in "\\\"'<>&" or ord(character) < 0x20 or ord(character) == 0x7F


def _page_counter_css() -> SafeString:
    """The translated "Page X of Y" as CSS content, with the page counters in their places."""
    pattern = gettext("Page %(page)s of %(pages)s")
    pieces = []
    for piece in re.split(r"(%\(pages?\)s)", pattern):
        if piece == "%(page)s":
            pieces.append("counter(page)")
        elif piece == "%(pages)s":
            pieces.append("counter(pages)")
        elif piece:
            pieces.append(_css_string(piece.replace("%%", "%")))
    return mark_safe(" ".join(pieces))  # noqa: S308 - built of escaped strings and counters
