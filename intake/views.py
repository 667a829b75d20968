"""The labour authority's pages: find or register a client, refer them, document their service
need, record a move, end or restart the client relationship.

Every page about one client is a client page of the intake action: the door decides (the
official serves the client's home municipality) and logs the look before the view runs, and a
client outside the official's municipalities is answered as missing (404). Every change is a
service of clients.services, which refuses with a stable code; the page shows that refusal.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access.decorators import role_required
from access.policy import INTAKE_RECORD, Action
from access.purposes import Purpose
from access.roles import Role
from access.scope import municipalities_served_by
from audit.context import RequestContext
from clients.models import Referral
from clients.services import (
    ClientDetails,
    IntakeRefused,
    client_move,
    client_register,
    referral_end,
    referral_record,
    relationship_end,
    relationship_start,
    service_need_document,
)
from intake import forms
from intake.refusals import REFUSAL_MESSAGES
from records.accessors import (
    AccessLogUnavailable,
    ClientRecord,
    IntakeLookup,
    StatedPurpose,
    look_up_for_intake,
)
from records.pages import access_log_unavailable, client_not_found, client_page

INTAKE_PURPOSE = StatedPurpose(Purpose.INTAKE)


def intake_page(view):
    """A page about one client for the labour authority: opened with the intake action."""
    return client_page(action=Action.INTAKE, needs=INTAKE_RECORD, purpose=INTAKE_PURPOSE)(view)


@role_required(Role.LABOUR_OFFICIAL)
@require_http_methods(["GET", "POST"])
def intake_home(request):
    """Find a client by identity code; if not registered, go on to register them."""
    form = forms.IntakeLookupForm(request.POST if request.method == "POST" else None)
    lookup = None
    if form.is_valid():
        try:
            lookup = _look_up(request, form.cleaned_data["identity_code"])
        except AccessLogUnavailable:
            return access_log_unavailable(request)
        if lookup.client is not None:
            return redirect("intake:client", client_id=lookup.client.pk)
    return render(
        request,
        "intake/home.html",
        {
            "form": form,
            "lookup": lookup,
            "municipalities": municipalities_served_by(request.user),
        },
    )


@role_required(Role.LABOUR_OFFICIAL)
@require_http_methods(["GET", "POST"])
def client_register_page(request):
    served = municipalities_served_by(request.user)
    if "prefill" in request.POST:
        # From the lookup's "not registered": begin with the code just looked up, unsent.
        code = forms.IntakeLookupForm(request.POST)
        initial = (
            {"identity_code": code.cleaned_data["identity_code"].code} if code.is_valid() else {}
        )
        form = forms.ClientRegisterForm(initial=initial, municipalities=served)
    else:
        form = forms.ClientRegisterForm(
            request.POST if request.method == "POST" else None, municipalities=served
        )
    lookup = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            lookup = _look_up(request, data["identity_code"])
        except AccessLogUnavailable:
            return access_log_unavailable(request)
        if lookup == IntakeLookup():
            try:
                client = client_register(
                    actor=request.user,
                    details=_client_details(data),
                    started_on=data["started_on"],
                    source=data["source"],
                )
            except IntakeRefused as refused:
                form.add_error(None, REFUSAL_MESSAGES[refused.code])
            else:
                messages.success(request, _("The client has been registered."))
                return redirect("intake:client", client_id=client.pk)
    return render(request, "intake/register.html", {"form": form, "lookup": lookup})


@intake_page
def intake_client(request, record: ClientRecord):
    client = record.client
    return render(
        request,
        "intake/client.html",
        {
            "record": record,
            "relationships": client.relationships.select_related("recorded_by"),
            "moves": client.moves.select_related("moved_from", "moved_to", "recorded_by"),
            "today": timezone.localdate(record.decision.at),
        },
    )


@require_http_methods(["GET", "POST"])
@intake_page
def referral_new(request, record: ClientRecord):
    form = forms.ReferralForm(request.POST or None)
    return _change(
        request,
        record,
        form,
        lambda data: referral_record(actor=request.user, client=record.client, **data),
        title=_("Refer the client"),
        done=_("The referral has been recorded."),
    )


@require_http_methods(["GET", "POST"])
@intake_page
def referral_end_page(request, record: ClientRecord, referral_id: int):
    referral = _referral_of(record, referral_id)
    if referral is None:
        return client_not_found(request)
    form = forms.ReferralEndForm(request.POST or None)
    return _change(
        request,
        record,
        form,
        lambda data: referral_end(
            actor=request.user,
            referral=referral,
            ended_on=data["ended_on"],
            reason=Referral.EndReason(data["reason"]),
        ),
        title=_("End the referral: %(group)s") % {"group": referral.group},
        done=_("The referral has been ended."),
    )


@require_http_methods(["GET", "POST"])
@intake_page
def service_need_new(request, record: ClientRecord):
    form = forms.ServiceNeedForm(request.POST or None)
    return _change(
        request,
        record,
        form,
        lambda data: service_need_document(actor=request.user, client=record.client, **data),
        title=_("Document the service need"),
        done=_("The service need has been documented. The previous assessment is kept."),
        lead=_("The new assessment supersedes the current one, which stays in the history."),
    )


@require_http_methods(["GET", "POST"])
@intake_page
def client_move_page(request, record: ClientRecord):
    form = forms.ClientMoveForm(request.POST or None)
    return _change(
        request,
        record,
        form,
        lambda data: client_move(actor=request.user, client=record.client, **data),
        title=_("Record a move"),
        done=_("The move has been recorded."),
        lead=_(
            "From the day of the move, the client's referrals follow them, and access rights "
            "and agreements of the new municipality apply. If you do not serve the new "
            "municipality, you no longer see the client after the move."
        ),
    )


@require_http_methods(["GET", "POST"])
@intake_page
def relationship_end_page(request, record: ClientRecord):
    form = forms.RelationshipEndForm(request.POST or None)
    return _change(
        request,
        record,
        form,
        lambda data: relationship_end(actor=request.user, client=record.client, **data),
        title=_("End the client relationship"),
        done=_("The client relationship has been ended."),
        lead=_(
            "Referrals still in force end with it. The end date starts the four-year "
            "retention period of the client's data."
        ),
    )


@require_http_methods(["GET", "POST"])
@intake_page
def relationship_start_page(request, record: ClientRecord):
    form = forms.RelationshipStartForm(request.POST or None)
    return _change(
        request,
        record,
        form,
        lambda data: relationship_start(actor=request.user, client=record.client, **data),
        title=_("Start a new client relationship"),
        done=_("The new client relationship has been started."),
        lead=_("For a returning client. It restarts the retention period of their data."),
    )


def _change(request, record, form, change, *, title, done, lead=""):
    """Run `change` on a valid form, or show the form with the service's refusal."""
    if form.is_valid():
        try:
            change(form.cleaned_data)
        except IntakeRefused as refused:
            form.add_error(None, REFUSAL_MESSAGES[refused.code])
        else:
            messages.success(request, done)
            return redirect("intake:client", client_id=record.client.pk)
    return render(
        request,
        "intake/change.html",
        {"record": record, "form": form, "title": title, "lead": lead},
    )


def _look_up(request, identity_code) -> IntakeLookup:
    return look_up_for_intake(
        actor=request.user,
        context=RequestContext.from_request(request),
        identity_code=identity_code,
    )


def _client_details(data: dict) -> ClientDetails:
    fields = ClientDetails.__dataclass_fields__
    return ClientDetails(
        **{
            name: value
            for name, value in data.items()
            if name in fields and name != "identity_code"
        },
        identity_code=data["identity_code"].code,
    )


def _referral_of(record: ClientRecord, referral_id: int) -> Referral | None:
    """One of the shown client's referrals; another client's is answered as missing."""
    return next((r for r in record.referrals if r.pk == referral_id), None)
