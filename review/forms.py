"""The log search form: the criteria a supervisor narrows the log by.

The identity code of a client is taken from a POST only and never written back into the page:
the view then keeps the client found in the session under an opaque key, which is all a URL
carries (`client`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from access.models import User
from access.policy import Reason
from access.purposes import Purpose
from atmt.forms import SERVICE_RECORDS_BEGIN, DateBounds, HdsFormMixin, IsoDateInput, today
from audit.actions import Action
from audit.models import AccessEvent
from audit.services import CLIENT_NOT_FOUND, ITEM_NOT_FOUND
from clients.identity_code import parse_identity_code
from clients.models import Client
from review.search import Criteria
from review.selectors import workers_overseen_by

# The largest id a page link may carry: PostgreSQL's bigint.
LARGEST_ID = 2**63 - 1


class UnechoedInput(forms.TextInput):
    """A text input that never writes its value back into the page: for the identity code."""

    def format_value(self, value):
        return None


def _all(choices) -> list[tuple[str, str]]:
    return [("", _("All")), *choices]


class LogSearchForm(HdsFormMixin, forms.Form):
    """Narrow the supervisor's log; every field is optional, and the fields combine."""

    worker = forms.ModelChoiceField(
        label=_("Worker"), queryset=User.objects.none(), required=False, empty_label=_("All")
    )
    identity_code = forms.CharField(
        label=_("Client's personal identity code"),
        required=False,
        max_length=20,
        widget=UnechoedInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Sent only with the form, never in the address; the log keeps it masked."),
    )
    client = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    period_from = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    period_to = forms.DateField(label=_("To"), required=False, widget=IsoDateInput())
    action = forms.ChoiceField(label=_("Action"), required=False, choices=_all(Action.choices))
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=_all(AccessEvent.Decision.choices)
    )
    reason = forms.ChoiceField(
        label=_("Failing condition"),
        required=False,
        choices=_all(
            [
                *Reason.choices,
                (CLIENT_NOT_FOUND, _("no such client")),
                (ITEM_NOT_FOUND, _("not this client's")),
            ]
        ),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), required=False, choices=_all(Purpose.choices))
    before = forms.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput
    )
    after = forms.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput
    )

    # The log begins with the service: no event before 2000, none in the future.
    date_bounds = {
        "period_from": DateBounds(SERVICE_RECORDS_BEGIN, today),
        "period_to": DateBounds(SERVICE_RECORDS_BEGIN, today),
    }

    def __init__(self, *args, supervisor: User, known_clients: dict[str, int], posted: bool, **kw):
        super().__init__(*args, **kw)
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        worker.queryset = workers_overseen_by(supervisor).order_by(
            "last_name", "first_name", "username"
        )
        self.known_clients = known_clients
        self.posted = posted
        self.found_client: Client | None = None

    def clean_identity_code(self):
        value = self.cleaned_data["identity_code"].strip()
        if not value:
            return None
        if not self.posted:
            raise ValidationError(
                _("Send an identity code with the search form, never in the address."),
                code="identity_code_in_url",
            )
        code = parse_identity_code(value)
        self.found_client = Client.objects.filter(identity_code=code.code).first()
        if self.found_client is None:
            raise ValidationError(_("No client has this identity code."), code="no_such_client")
        return code

    def clean_client(self):
        key = self.cleaned_data["client"]
        if key and key not in self.known_clients:
            raise ValidationError(
                _("The client searched for is no longer remembered: give the identity code again."),
                code="client_forgotten",
            )
        return key

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and start > end:
            self.add_error(
                "period_to",
                ValidationError(_("The period ends before it begins."), code="period_reversed"),
            )
        if cleaned.get("before") and cleaned.get("after"):
            raise ValidationError(_("Ask for older or newer events, not both."), code="both_ways")
        return cleaned

    def criteria(self) -> Criteria:
        """The valid form's criteria; the client is the one found now, or the one remembered."""
        data = self.cleaned_data
        client = self.found_client
        if client is None and data["client"]:
            client = Client.objects.filter(pk=self.known_clients[data["client"]]).first()
        return Criteria(
            worker=data["worker"],
            client=client,
            period_from=data["period_from"],
            period_to=data["period_to"],
            action=data["action"],
            decision=data["decision"],
            reason=data["reason"],
            purpose=data["purpose"],
        )
