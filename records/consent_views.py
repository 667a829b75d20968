"""Consent pages. Each is a client page: the door has decided and logged before the view runs.

Viewing the consents, asking for one and recording a refusal or a withdrawal need only the
consent request; recording a given consent is a write that widens access, and needs the
recording authority; a scan is evidence behind the full record.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from access.policy import REASON_EXPLANATIONS, Action, Reason, Section
from consent.forms import ConsentRecordForm, ConsentScanForm, ConsentWithdrawForm
from consent.models import Consent
from consent.pdf import consent_form_pdf
from consent.selectors import consent_histories
from consent.services import (
    ConsentNotWithdrawable,
    ConsentScanNotAttachable,
    consent_record,
    consent_scan_attach,
)
from records.accessors import ClientRecord, may
from records.pages import client_page
from records.uploads import parse_consent_uploads
from records.withdrawal import consent_withdraw_and_erase

CONSENT_PAGE = (Section.CONSENTS, Section.CONSENT_REQUEST)


@client_page(needs=CONSENT_PAGE)
def consent_list(request, record: ClientRecord):
    histories = consent_histories(record.consents) if not record.limited else {}
    return render(
        request,
        "consent/list.html",
        {
            "record": record,
            "consents": [(consent, histories.get(consent.pk, [])) for consent in record.consents],
            "kinds": Consent.Kind.choices,
        },
    )


def _form_kind(request, **kwargs) -> dict:
    kind = request.GET.get("kind", "")
    if kind not in Consent.Kind.values:
        raise Http404
    return {"consent_form": kind}


@client_page(action=Action.PRINT, needs=(Section.CONSENT_REQUEST,), details=_form_kind)
def consent_form_print(request, record: ClientRecord):
    kind = request.GET["kind"]
    pdf = consent_form_pdf(client=record.client, kind=kind)
    # The file name names the kind only: a name or identity code would end up in download lists.
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="consent-form-{kind}.pdf"'},
    )


@parse_consent_uploads
@require_http_methods(["GET", "POST"])
@client_page(needs=CONSENT_PAGE)
def consent_new(request, record: ClientRecord):
    client = record.client
    form = _upload_form(
        ConsentRecordForm, request, initial={"kind": request.GET.get("kind", Consent.Kind.VIEWING)}
    )
    refusal = None
    if form.is_valid() and (refusal := _refusal_to_record(request, record, form)) is None:
        data = form.cleaned_data
        consent_record(
            actor=request.user,
            client=client,
            kind=data["kind"],
            status=data["status"],
            signed_on=data["signed_on"],
            place=data["place"],
            valid_until=form.valid_until_instant(),
            data_items=data["data_items"],
            recipient=data["recipient"],
            disclosure_purpose=data["disclosure_purpose"],
            scan=data["scan"],
            scan_content_type=data.get("scan_content_type", ""),
            paper_held_confirmed=data["paper_held_confirmed"],
        )
        messages.success(request, _("The client's answer has been recorded."))
        return redirect("consent:list", client_id=client.pk)
    return render(
        request,
        "consent/new.html",
        {
            "record": record,
            "form": form,
            "refusal": refusal,
            "health_kind": Consent.Kind.HEALTH_DISCLOSURE,
        },
    )


def _upload_form(form_class, request, **kwargs):
    """A form with a scan upload, told what the upload parser noticed (records/uploads.py)."""
    posted = request.method == "POST"
    return form_class(
        request.POST if posted else None,
        request.FILES if posted else None,
        upload_name_was_unsafe=request.upload_name_was_unsafe,
        upload_too_large=request.upload_too_large,
        **kwargs,
    )


def _refusal_to_record(request, record: ClientRecord, form: ConsentRecordForm) -> Reason | None:
    """A given consent widens access: it needs the recording authority. A refusal does not."""
    if form.cleaned_data["status"] != Consent.Status.GIVEN:
        return None
    return _refusal_to_widen(request, record, form)


def _refusal_to_widen(request, record: ClientRecord, form) -> Reason | None:
    """What widens access (a given consent, a scan that makes one count) needs the recording
    authority. Returns the policy's reason and says it on the form when the policy refuses; the
    page was opened (and logged) already, and nothing is written.
    """
    decision = may(
        actor=request.user,
        client_id=record.client.pk,
        purpose=record.purpose,
        action=Action.RECORD,
    )
    if Section.CONSENT_REQUEST in decision.sections:
        return None
    reason = Reason.AUTHORITY_MISSING
    if reason not in decision.reasons:
        reason = decision.reasons[0]
    form.add_error(None, REASON_EXPLANATIONS[reason][0])
    return reason


@require_http_methods(["GET", "POST"])
@client_page(needs=CONSENT_PAGE)
def consent_withdraw_page(request, record: ClientRecord, consent_id: int):
    consent = _consent_of(record, consent_id)
    form = ConsentWithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            _consent, erased = consent_withdraw_and_erase(
                actor=request.user,
                consent=consent,
                channel=form.cleaned_data["channel"],
                note=form.cleaned_data["note"],
            )
        except ConsentNotWithdrawable:
            messages.error(request, _("Only a given consent can be withdrawn."))
        else:
            messages.success(request, _("The consent has been withdrawn. It no longer counts."))
            if erased:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d health item obtained on it has been erased.",
                        "%(count)d health items obtained on it have been erased.",
                        len(erased),
                    )
                    % {"count": len(erased)},
                )
        return redirect("consent:list", client_id=record.client.pk)
    return render(
        request, "consent/withdraw.html", {"record": record, "consent": consent, "form": form}
    )


@parse_consent_uploads
@require_http_methods(["GET", "POST"])
@client_page(needs=CONSENT_PAGE)
def consent_scan_attach_page(request, record: ClientRecord, consent_id: int):
    """Attach the scan to a given consent recorded on the worker's word that they hold it."""
    consent = _consent_of(record, consent_id)
    form = _upload_form(ConsentScanForm, request)
    refusal = None
    if form.is_valid() and (refusal := _refusal_to_widen(request, record, form)) is None:
        try:
            consent_scan_attach(
                actor=request.user,
                consent=consent,
                scan=form.cleaned_data["scan"],
                scan_content_type=form.cleaned_data["scan_content_type"],
            )
        except ConsentScanNotAttachable:
            messages.error(request, _("Only a given consent that awaits its scan takes one."))
        else:
            messages.success(request, _("The scan has been attached."))
        return redirect("consent:list", client_id=record.client.pk)
    return render(
        request,
        "consent/attach_scan.html",
        {"record": record, "consent": consent, "form": form, "refusal": refusal},
    )


def _scan_of(request, consent_id: int) -> dict:
    return {"consent_scan": consent_id}


@client_page(needs=(Section.CONSENTS,), details=_scan_of, item="consent_id")
def consent_scan(request, record: ClientRecord, consent_id: int):
    consent = _consent_of(record, consent_id)
    if not consent.scan:
        raise Http404
    return FileResponse(
        consent.scan.open("rb"),
        as_attachment=True,
        filename=f"consent-{consent.pk}{consent.scan_extension}",
        content_type=consent.scan_content_type,
    )


def _consent_of(record: ClientRecord, consent_id: int):
    """One of the consents the door returned: never one of another client's."""
    for consent in record.consents:
        if consent.pk == consent_id:
            return consent
    raise Http404
