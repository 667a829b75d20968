"""Case entry pages. Each is a client page: the door has decided and logged before the view runs.

Writing and correcting need the recording authority: the door opens those pages for
`Action.RECORD`, so a worker without it is refused the page and every forged POST to it
(logged as a refusal), and nothing is written. The history of one entry is a page of its own.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access.policy import Action, Section
from entries.forms import (
    EntryCorrectionForm,
    EntryForm,
    explained,
    findings_digest,
    initial_from,
)
from entries.models import EntryVersion
from entries.quality import CHECKED_LANGUAGES
from entries.services import entry_correct, entry_record
from records.accessors import ClientRecord
from records.pages import client_page

ENTRY_PAGE = (Section.IDENTITY, Section.ENTRIES)


@require_http_methods(["GET", "POST"])
@client_page(action=Action.RECORD, needs=(Section.IDENTITY,))
def entry_new(request, record: ClientRecord):
    client = record.client
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        initial={"language": _entry_language(client.service_language)},
    )
    findings = []
    if form.is_valid():
        findings = form.findings()
        if not findings or form.acknowledges(findings):
            entry_record(
                actor=request.user,
                client=client,
                text=form.text(),
                findings=findings,
                acknowledged=bool(findings),
            )
            messages.success(request, _("The entry has been saved."))
            return redirect("clients:record", client_id=client.pk)
    return _entry_form_page(request, "entries/new.html", record, form, findings)


@client_page(needs=ENTRY_PAGE, item="entry_id")
def entry_history(request, record: ClientRecord, entry_id: int):
    versions = record.sections[Section.ENTRIES].versions(entry_id)
    return render(
        request,
        "entries/history.html",
        {
            "record": record,
            "versions": versions,
            "newest": versions[0],
            "may_record": record.decision.record_allowed,
        },
    )


@require_http_methods(["GET", "POST"])
@client_page(action=Action.RECORD, needs=ENTRY_PAGE, item="entry_id")
def entry_correct_page(request, record: ClientRecord, entry_id: int):
    versions = record.sections[Section.ENTRIES].versions(entry_id)
    if not versions:
        raise Http404
    form = EntryCorrectionForm(
        request.POST if request.method == "POST" else None, initial=initial_from(versions[0])
    )
    findings = []
    if form.is_valid():
        findings = form.findings()
        if not findings or form.acknowledges(findings):
            entry_correct(
                actor=request.user,
                client=record.client,
                entry_id=entry_id,
                text=form.text(),
                reason=form.cleaned_data["reason"],
                findings=findings,
                acknowledged=bool(findings),
            )
            messages.success(request, _("The correction has been saved as a new version."))
            return redirect("entries:history", client_id=record.client.pk, entry_id=entry_id)
    return _entry_form_page(
        request, "entries/correct.html", record, form, findings, newest=versions[0]
    )


def _entry_form_page(request, template, record, form, findings, **context):
    if findings:
        # The acknowledgement is tied to these findings; a fresh, unticked box each time.
        form.data = form.data.copy()
        form.data["acknowledged_for"] = findings_digest(findings)
        form.data["acknowledged"] = ""
    return render(
        request,
        template,
        {
            "record": record,
            "form": form,
            "findings": explained(findings),
            "checked_languages": sorted(CHECKED_LANGUAGES),
            "not_checked": _language_of(form) == EntryVersion.Language.OTHER,
            **context,
        },
    )


def _language_of(form) -> str:
    """The language the entry is written in: as sent, else as the form starts."""
    if form.is_bound:
        return form.cleaned_data.get("language", "")
    return form.initial.get("language", "")


def _entry_language(service_language: str) -> str:
    """Entries are written in the client's language of service where the check knows it."""
    return service_language if service_language in CHECKED_LANGUAGES else "other"
