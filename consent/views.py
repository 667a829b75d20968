"""Consent pages. Each opens the client through the accessor, which checks and logs it first."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.models import AccessEvent
from clients.accessors import ClientRecord, open_client_consents
from clients.responses import open_or_refuse
from consent.forms import ConsentRecordForm, ConsentWithdrawForm
from consent.models import Consent
from consent.pdf import consent_form_pdf
from consent.selectors import consent_histories
from consent.services import ConsentNotWithdrawable, consent_record, consent_withdraw
from consent.uploads import notice_unsafe_upload_names


def consent_list(request, client_id: int):
    record = open_or_refuse(request, client_id, open_client_consents)
    if isinstance(record, HttpResponse):
        return record
    histories = consent_histories(record.consents)
    return render(
        request,
        "consent/list.html",
        {
            "record": record,
            "consents": [(consent, histories[consent.pk]) for consent in record.consents],
            "kinds": Consent.Kind.choices,
        },
    )


def consent_form_print(request, client_id: int):
    kind = request.GET.get("kind", "")
    if kind not in Consent.Kind.values:
        raise Http404
    record = open_or_refuse(
        request,
        client_id,
        open_client_consents,
        action=AccessEvent.Action.PRINT,
        sections=("identity", f"consent_form:{kind}"),
    )
    if isinstance(record, HttpResponse):
        return record
    pdf = consent_form_pdf(client=record.client, kind=kind)
    # The file name names the kind only: a name or identity code would end up in download lists.
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="consent-form-{kind}.pdf"'},
    )


@notice_unsafe_upload_names
@require_http_methods(["GET", "POST"])
def consent_new(request, client_id: int):
    record = open_or_refuse(request, client_id, open_client_consents)
    if isinstance(record, HttpResponse):
        return record
    form = ConsentRecordForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"kind": request.GET.get("kind", Consent.Kind.VIEWING)},
        upload_name_was_unsafe=request.upload_name_was_unsafe,
    )
    if form.is_valid():
        data = form.cleaned_data
        consent_record(
            actor=request.user,
            client=record.client,
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
        return redirect("consent:list", client_id=client_id)
    return render(request, "consent/new.html", {"record": record, "form": form})


@require_http_methods(["GET", "POST"])
def consent_withdraw_page(request, client_id: int, consent_id: int):
    record = open_or_refuse(request, client_id, open_client_consents)
    if isinstance(record, HttpResponse):
        return record
    consent = _consent_of(record, consent_id)
    form = ConsentWithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            consent_withdraw(
                actor=request.user,
                consent=consent,
                channel=form.cleaned_data["channel"],
                note=form.cleaned_data["note"],
            )
        except ConsentNotWithdrawable:
            messages.error(request, _("Only a given consent can be withdrawn."))
        else:
            messages.success(request, _("The consent has been withdrawn. It no longer counts."))
        return redirect("consent:list", client_id=client_id)
    return render(
        request, "consent/withdraw.html", {"record": record, "consent": consent, "form": form}
    )


def consent_scan(request, client_id: int, consent_id: int):
    record = open_or_refuse(
        request,
        client_id,
        open_client_consents,
        sections=("identity", f"consent_scan:{consent_id}"),
    )
    if isinstance(record, HttpResponse):
        return record
    consent = _consent_of(record, consent_id)
    if not consent.scan:
        raise Http404
    return FileResponse(
        consent.scan.open("rb"),
        as_attachment=True,
        filename=f"consent-{consent.pk}{consent.scan_extension}",
        content_type=consent.scan_content_type,
    )


def _consent_of(record: ClientRecord, consent_id: int) -> Consent:
    """One of the consents the accessor returned: never one of another client's."""
    for consent in record.consents:
        if consent.pk == consent_id:
            return consent
    raise Http404
