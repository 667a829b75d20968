"""The health and work-ability section: pages of its own, each logged as the `health` section.

The record page only says whether the section is open, and if not, why (Decision.closed): the
items are fetched, and the look logged, only here. Recording an item from social or health
services needs the client's consent to obtaining that data (001 §5; 002), looked up here because
consent and health are sibling layers that know nothing of each other.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access.policy import Action, Section
from consent.models import Consent
from consent.selectors import consent_in_force
from health.forms import HealthItemForm
from health.models import CONSENT_SOURCES
from health.services import HealthItemRefused, health_item_record
from records.accessors import ClientRecord
from records.pages import client_page

HEALTH_PAGE = (Section.HEALTH,)


@client_page(needs=HEALTH_PAGE)
def health_section(request, record: ClientRecord):
    return render(request, "health/section.html", {"record": record, "items": record.health_items})


@require_http_methods(["GET", "POST"])
@client_page(action=Action.RECORD, needs=HEALTH_PAGE)
def health_item_new(request, record: ClientRecord):
    client = record.client
    form = HealthItemForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            health_item_record(
                actor=request.user,
                client=client,
                kind=data["kind"],
                description=data["description"],
                source=data["source"],
                source_detail=data["source_detail"],
                information_date=data["information_date"],
                consent=_obtaining_consent(client.pk, data["source"]),
            )
        except HealthItemRefused as refused:
            form.add_error("source", _refusal(refused))
        else:
            messages.success(request, _("The item has been recorded."))
            return redirect("health:section", client_id=client.pk)
    return render(request, "health/new.html", {"record": record, "form": form})


def _obtaining_consent(client_id: int, source: str) -> Consent | None:
    """The client's consent to obtaining health data, if the source needs one and it counts."""
    if source not in CONSENT_SOURCES:
        return None
    return consent_in_force(
        client_id=client_id, kind=Consent.Kind.HEALTH_OBTAINING, at=timezone.now()
    )


def _refusal(refused: HealthItemRefused) -> ValidationError:
    return ValidationError(
        _(
            "Data from social or health services may be recorded only with the client's valid "
            "consent to obtaining it. Ask the client for that consent first."
        ),
        code=refused.code,
    )
