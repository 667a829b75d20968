"""The printed consent form: one per kind, wholly in the client's language of service, naming the
client, with only the bundled fonts, and rendered from the static folder alone (real WeasyPrint;
the text is read back from the PDF with pypdf)."""

import io
import socket
from urllib.parse import urljoin

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from consent import pdf as consent_pdf
from consent.models import Consent
from consent.pdf import (
    STATIC_DIR,
    FetchRefused,
    StaticFilesOnlyFetcher,
    consent_form_html,
    consent_form_pdf,
    html_to_pdf,
)
from tests.factories import ClientFactory, MunicipalityFactory

Kind = Consent.Kind
LANGUAGES = ("fi", "sv", "en")

TITLES = {
    "fi": {
        Kind.VIEWING: "Suostumus asiakastietojen katseluun",
        Kind.EMPLOYER_DISCLOSURE: "Suostumus tietojen luovuttamiseen työnantajalle",
        Kind.HEALTH_DISCLOSURE: "Suostumus terveydentilaa koskevien tietojen luovuttamiseen",
        Kind.MULTI_AGENCY: "Suostumus tietojenvaihtoon monialaisessa palvelussa",
        Kind.HEALTH_OBTAINING: "Suostumus sosiaali- ja terveystietojen hankkimiseen",
    },
    "sv": {
        Kind.VIEWING: "Samtycke till visning av klientuppgifter",
        Kind.EMPLOYER_DISCLOSURE: "Samtycke till utlämnande av uppgifter till en arbetsgivare",
        Kind.HEALTH_DISCLOSURE: "Samtycke till utlämnande av uppgifter om hälsotillstånd",
        Kind.MULTI_AGENCY: "Samtycke till utbyte av uppgifter i sektorsövergripande service",
        Kind.HEALTH_OBTAINING: "Samtycke till inhämtning av social- och hälsovårdsuppgifter",
    },
    "en": {
        Kind.VIEWING: "Consent to viewing client data",
        Kind.EMPLOYER_DISCLOSURE: "Consent to disclosing data to an employer",
        Kind.HEALTH_DISCLOSURE: "Consent to disclosing health data",
        Kind.MULTI_AGENCY: "Consent to data exchange in a multi-agency service",
        Kind.HEALTH_OBTAINING: "Consent to obtaining social and health data",
    },
}
DASH = "\N{EN DASH}"
# Phrases every form has, in each language: the letterhead, the signature, the page counter.
PHRASES = {
    "fi": [f"Joensuu {DASH} työllisyyspalvelut", "Allekirjoitus", "Nimen selvennys", "Sivu 1 /"],
    "sv": [
        f"Joensuu {DASH} sysselsättningstjänster",
        "Underskrift",
        "Namnförtydligande",
        "Sida 1 av",
    ],
    "en": [
        f"Joensuu {DASH} employment services",
        "Signature",
        "Name in block letters",
        "Page 1 of",
    ],
}
# What only one kind of form has: the consent-or-refusal boxes, the itemised health data.
KIND_PHRASES = {
    "fi": {
        Kind.EMPLOYER_DISCLOSURE: ["Suostun tietojeni", "Kiellän tietojeni"],
        Kind.HEALTH_DISCLOSURE: ["Kohta 3", "Mitkä terveydentilaa koskevat tiedot"],
    },
    "sv": {
        Kind.EMPLOYER_DISCLOSURE: ["Jag samtycker till att", "Jag vägrar att"],
        Kind.HEALTH_DISCLOSURE: ["Punkt 3", "Vilka uppgifter om hälsotillståndet"],
    },
    "en": {
        Kind.EMPLOYER_DISCLOSURE: ["I consent to the disclosure", "I refuse the disclosure"],
        Kind.HEALTH_DISCLOSURE: ["Item 3", "Which health data"],
    },
}
# English source text that must not survive in a Finnish or Swedish form.
ENGLISH_ONLY = ["employment services", "Signature", "consent", "Page "]

BUNDLED_FONTS = {"Inter Regular", "Inter Bold"}
FONT_FACE_NAMES = {"ATMT-Form-Sans", "ATMT-Form-Sans-Bold"}


def unsaved_client(**fields):
    """A client built in memory: the form needs no database."""
    fields.setdefault("home_municipality", MunicipalityFactory.build(code="167"))
    return ClientFactory.build(**fields)


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, with runs of whitespace (line breaks included) as one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def embedded_fonts(pdf: bytes) -> set[tuple[str, str]]:
    """(PDF font name without its subset tag, full name inside the embedded font program)."""
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            program_key = next(key for key in descriptor if key.startswith("/FontFile"))
            program = TTFont(io.BytesIO(descriptor[program_key].get_object().get_data()))
            base_name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            fonts.add((base_name, program["name"].getDebugName(4)))
    return fonts


@pytest.fixture
def fetched(monkeypatch):
    """Every URL that WeasyPrint asks the fetcher for, in order."""
    urls = []
    fetch = StaticFilesOnlyFetcher.fetch

    def recording_fetch(self, url, headers=None):
        urls.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(StaticFilesOnlyFetcher, "fetch", recording_fetch)
    return urls


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to resolve a host name or open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network use during PDF rendering: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.mark.rule(
    "000-5-written-consent",
    "003-4-language-rights",
    "001-11-multi-agency",
    "004-6-employer-consent",
    "004-6-health-itemised",
)
@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_is_in_the_clients_language_of_service_and_names_the_client(language, kind):
    client = unsaved_client(
        first_names="Aino Maria", last_name="Kärkkäinen-Öhman", service_language=language
    )

    pages = pdf_pages(consent_form_pdf(client=client, kind=kind))
    text = " ".join(pages)

    assert "Aino Maria Kärkkäinen-Öhman" in pages[0]
    assert client.identity_code in pages[0]
    assert TITLES[language][kind] in pages[0]
    for phrase in PHRASES[language] + KIND_PHRASES[language].get(kind, []):
        assert phrase in text
    if language != "en":
        assert [english for english in ENGLISH_ONLY if english in text] == []
    # The signature belongs on the same sheet as what it consents to; only the itemised health
    # form needs a second page, which names the client again in its running header.
    assert len(pages) == (2 if kind == Kind.HEALTH_DISCLOSURE else 1)
    if len(pages) == 2:
        assert f"Aino Maria Kärkkäinen-Öhman · {client.identity_code}" in pages[1]


@pytest.mark.rule("003-4-language-rights")
def test_a_language_given_overrides_the_language_of_service():
    client = unsaved_client(service_language="fi")

    text = " ".join(pdf_pages(consent_form_pdf(client=client, kind=Kind.VIEWING, language="sv")))

    assert TITLES["sv"][Kind.VIEWING] in text
    assert "Allekirjoitus" not in text


@pytest.mark.rule("000-5-written-consent", "001-11-multi-agency")
def test_there_is_a_form_for_every_kind_of_consent():
    assert set(consent_pdf.FORM_TEXTS) == set(Kind.values)


@pytest.mark.parametrize(
    ("kind", "language"), [("no_such_kind", None), (Kind.VIEWING, "de"), (Kind.VIEWING, "")]
)
def test_an_unknown_kind_or_language_is_refused(kind, language):
    client = unsaved_client(service_language="" if language == "" else "fi")

    with pytest.raises(ValueError):
        consent_form_pdf(client=client, kind=kind, language=language)


@pytest.mark.django_db
def test_the_clients_name_is_escaped_not_interpreted():
    client = ClientFactory(
        first_names='Eeva "<b>"', last_name="Ström & Co</style>", service_language="en"
    )

    html = consent_form_html(client=client, kind=Kind.HEALTH_DISCLOSURE)
    pages = pdf_pages(consent_form_pdf(client=client, kind=Kind.HEALTH_DISCLOSURE))

    assert "<b>" not in html
    assert "Eeva &quot;&lt;b&gt;&quot; Ström &amp; Co&lt;/style&gt;" in html
    assert 'Eeva "<b>" Ström & Co</style>' in pages[0]
    # The second page's running header carries the name as a CSS string.
    assert f'Eeva "<b>" Ström & Co</style> · {client.identity_code}' in pages[1]
    assert "Consent to disclosing health data" in pages[1]


@pytest.mark.parametrize("kind", list(Kind))
def test_the_pdf_embeds_only_the_bundled_fonts(kind):
    pdf = consent_form_pdf(client=unsaved_client(service_language="fi"), kind=kind)

    fonts = embedded_fonts(pdf)

    assert {font_face for font_face, _ in fonts} == FONT_FACE_NAMES
    assert {program for _, program in fonts} == BUNDLED_FONTS


@pytest.mark.rule("001-12-no-transfer")
def test_rendering_fetches_only_the_stylesheet_and_fonts_and_never_the_network(fetched, no_network):
    base_url = StaticFilesOnlyFetcher().base_url

    consent_form_pdf(client=unsaved_client(service_language="sv"), kind=Kind.VIEWING)

    assert sorted(set(fetched)) == [
        urljoin(base_url, "consent/form_pdf.css"),
        urljoin(base_url, "fonts/Inter-Bold.otf"),
        urljoin(base_url, "fonts/Inter-Regular.otf"),
    ]
    assert len(fetched) == 3


def test_the_fetcher_serves_a_file_from_the_static_folder():
    fetcher = StaticFilesOnlyFetcher()

    response = fetcher.fetch(urljoin(fetcher.base_url, "consent/form_pdf.css"))

    assert response.read() == (STATIC_DIR / "consent" / "form_pdf.css").read_bytes()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/form.css",
        "https://example.org/fonts/Inter-Regular.otf",
        "ftp://example.org/form.css",
        "data:text/css,body{}",
        "../../atmt/settings.py",
        "fonts/Inter-Regular.otf",
        "file:///etc/passwd",
        "file://example.org/" + str(STATIC_DIR / "consent" / "form_pdf.css"),
    ],
)
def test_the_fetcher_refuses_what_is_not_a_static_file(url):
    with pytest.raises(FetchRefused):
        StaticFilesOnlyFetcher().fetch(url)


@pytest.mark.parametrize(
    "reference",
    [
        "../../atmt/settings.py",
        "../atmt/settings.py",
        "consent/../../atmt/settings.py",
        "%2e%2e/atmt/settings.py",
        "fonts/",
        "fonts/no-such-font.otf",
    ],
)
def test_the_fetcher_refuses_paths_that_leave_the_static_folder_or_are_no_file(reference):
    fetcher = StaticFilesOnlyFetcher()

    with pytest.raises(FetchRefused):
        fetcher.fetch(urljoin(fetcher.base_url + "consent/", reference))


def test_the_fetcher_refuses_a_symbolic_link_out_of_its_folder(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("not for the PDF")
    (root / "innocent.css").symlink_to(tmp_path / "secret.txt")
    fetcher = StaticFilesOnlyFetcher(root)

    with pytest.raises(FetchRefused):
        fetcher.fetch(urljoin(fetcher.base_url, "innocent.css"))


@pytest.mark.parametrize(
    "html",
    [
        '<link rel="stylesheet" href="https://example.org/form.css"><p>x</p>',
        '<img src="http://example.org/logo.png">',
        '<img src="../atmt/settings.py">',
        "<style>@import url(../../atmt/settings.py);</style><p>x</p>",
    ],
)
def test_a_refused_reference_stops_the_rendering(html, fetched, no_network):
    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(html)
