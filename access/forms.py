import dataclasses
import datetime

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.models import AccessGrant, User
from access.roles import Role
from access.selectors import GrantFilter
from access.services import GrantScope
from atmt.forms import (
    SERVICE_RECORDS_BEGIN,
    DateBounds,
    HdsFormMixin,
    IsoDateInput,
    today,
    years_from_today,
)
from clients.identity_code import parse_identity_code
from clients.models import ClientGroup, Municipality


class GrantScopeForm(HdsFormMixin, forms.Form):
    """What access is asked for or granted: groups, municipality, authority and the days."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), empty_label=_("Choose")
    )
    client_groups = forms.ModelMultipleChoiceField(
        label=_("Client groups"),
        queryset=ClientGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one client group.")},
    )
    authority = forms.ChoiceField(label=_("Authority"), choices=AccessGrant.Authority.choices)
    health_data = forms.BooleanField(
        label=_("Health and work-ability data"),
        required=False,
        help_text=_("Only where the tasks include assessing work ability (act 916/2012 13:3)."),
    )
    first_day = forms.DateField(label=_("First day"), widget=IsoDateInput())
    last_day = forms.DateField(label=_("Last day"), widget=IsoDateInput())

    # A grant is decided for the near future; GRANT_MAX_MONTHS limits its length further.
    date_bounds = {
        "first_day": DateBounds(SERVICE_RECORDS_BEGIN, years_from_today(2)),
        "last_day": DateBounds(SERVICE_RECORDS_BEGIN, years_from_today(3)),
    }

    def clean(self):
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot come before the first."))
        return cleaned

    def scope(self) -> GrantScope:
        data = self.cleaned_data
        return GrantScope(
            municipality=data["municipality"],
            client_groups=tuple(data["client_groups"]),
            authority=data["authority"],
            health_data=data["health_data"],
            valid_from=_start_of(data["first_day"]),
            valid_until=_start_of(data["last_day"] + datetime.timedelta(days=1)),
        )


class AccessApplicationForm(GrantScopeForm):
    tasks = forms.CharField(
        label=_("Tasks that need the access"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ApplicationForWorkerForm(AccessApplicationForm):
    """A manager applies on a worker's behalf."""

    applicant = forms.ModelChoiceField(
        label=_("Worker"), queryset=User.objects.none(), empty_label=_("Choose")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        applicant = self.fields["applicant"]
        assert isinstance(applicant, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        applicant.queryset = User.objects.filter(
            groups__name=Role.CASE_WORKER, is_active=True
        ).order_by("last_name", "first_name")


class DecisionForm(GrantScopeForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for a rejection."),
    )


class RevocationForm(HdsFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class GrantChangeForm(GrantScopeForm):
    """Narrow a grant. The days shown are whole days; a day left as it was keeps its exact time."""

    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, grant: AccessGrant, **kwargs):
        self.grant = grant
        super().__init__(*args, initial=initial_from(grant), **kwargs)
        self.fields["municipality"].disabled = True
        # Only the grant's own groups: a change can take groups away, never add one.
        groups = self.fields["client_groups"]
        assert isinstance(groups, forms.ModelMultipleChoiceField)  # noqa: S101 (narrows the type)
        groups.queryset = grant.client_groups.all()

    def scope(self) -> GrantScope:
        scope = super().scope()
        initial = initial_from(self.grant)
        if self.cleaned_data["first_day"] == initial["first_day"]:
            scope = dataclasses.replace(scope, valid_from=self.grant.valid_from)
        if self.cleaned_data["last_day"] == initial["last_day"]:
            scope = dataclasses.replace(scope, valid_until=self.grant.valid_until)
        return scope


class GrantFilterForm(HdsFormMixin, forms.Form):
    """Filters for the grant lists, sent with GET."""

    text = forms.CharField(label=_("Name or user name"), required=False, max_length=100)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    client_group = forms.ModelChoiceField(
        label=_("Client group"),
        queryset=ClientGroup.objects.all(),
        required=False,
        empty_label=_("All"),
    )

    def grant_filter(self) -> GrantFilter:
        """The filters chosen; none if any is invalid (the form then shows why)."""
        if not self.is_valid():
            return GrantFilter()
        return GrantFilter(**self.cleaned_data)


class UserSearchForm(HdsFormMixin, forms.Form):
    text = forms.CharField(label=_("Name or user name"), required=False, max_length=100)


class WorkerAgreementForm(HdsFormMixin, forms.Form):
    worker = forms.ModelChoiceField(
        label=_("Worker"), queryset=User.objects.none(), empty_label=_("Choose")
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Nobody records their own agreement, so the form does not offer oneself.
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        worker.queryset = (
            User.objects.filter(is_active=True)
            .exclude(pk=actor.pk)
            .order_by("last_name", "first_name")
        )

    employment_area = forms.CharField(label=_("Employment area"), max_length=200)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), empty_label=_("Choose")
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=IsoDateInput())

    # Recorded once signed: never in the future.
    date_bounds = {"signed_on": DateBounds(SERVICE_RECORDS_BEGIN, today)}


class AgreementTerminationForm(HdsFormMixin, forms.Form):
    notice_given_on = forms.DateField(
        label=_("Written notice given on"),
        widget=IsoDateInput(),
        help_text=_("The agreement ends two weeks later, at midnight."),
    )

    # Recorded once the notice is given: never in the future.
    date_bounds = {"notice_given_on": DateBounds(SERVICE_RECORDS_BEGIN, today)}


class DutiesChangedForm(HdsFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm that the worker's duties have changed and they no longer work in these "
            "services."
        ),
        error_messages={"required": _("Confirm the change of duties first.")},
    )


class UnlockForm(HdsFormMixin, forms.Form):
    # Not required: the service refuses an empty or unlocked user name with a clear message.
    username = forms.CharField(max_length=150, required=False, widget=forms.HiddenInput)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def initial_from(scope_owner) -> dict:
    """Form values for an application's or grant's scope: the days it covers."""
    last_moment = timezone.localtime(scope_owner.valid_until) - datetime.timedelta(microseconds=1)
    return {
        "municipality": scope_owner.municipality_id,
        "client_groups": list(scope_owner.client_groups.all()),
        "authority": scope_owner.authority,
        "health_data": scope_owner.health_data,
        "first_day": timezone.localdate(scope_owner.valid_from),
        "last_day": last_moment.date(),
    }


class ScopeChoiceField(forms.ModelMultipleChoiceField):
    """Municipalities as a list of checkboxes, named in the page's language."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Municipality.objects.all(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


class StaffRolesForm(HdsFormMixin, forms.Form):
    """An account's roles, and the municipalities it serves (official) or oversees (supervisor)."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    served = ScopeChoiceField(
        label=_("Municipalities served"),
        help_text=_("Only for a labour-authority official: whose clients they register and refer."),
    )
    overseen = ScopeChoiceField(
        label=_("Municipalities overseen"),
        help_text=_("Only for a supervisor: whose use of the service they review."),
    )


class IdentityCodeInput(forms.TextInput):
    """A text field that never writes its value back into the page, not even after an error."""

    def format_value(self, value):
        return None


class StaffAccountForm(StaffRolesForm):
    username = forms.CharField(
        label=_("User name"), max_length=150, validators=[UnicodeUsernameValidator()]
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Work e-mail address"), required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    identity_code = forms.CharField(
        label=_("Identity code (optional)"),
        required=False,
        max_length=20,
        widget=IdentityCodeInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "Kept only as a keyed hash, so that the person's own client record can be "
            "recognised; never shown again."
        ),
    )

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "organisation",
        "identity_code",
        "roles",
        "served",
        "overseen",
    ]

    def clean_identity_code(self) -> str:
        value = self.cleaned_data["identity_code"].strip()
        # The validator's messages never repeat the code.
        return parse_identity_code(value).code if value else ""


class StaffFilterForm(HdsFormMixin, forms.Form):
    """Filters for the staff list, sent with GET."""

    state = forms.ChoiceField(
        label=_("Accounts"),
        required=False,
        choices=[("", _("All")), ("active", _("In use")), ("inactive", _("Not in use"))],
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All")), *Role.choices]
    )

    def staff_filter(self) -> dict:
        """Keyword arguments for access.selectors.staff_accounts; none if a value is invalid."""
        if not self.is_valid():
            return {}
        state = self.cleaned_data["state"]
        return {
            "active": {"active": True, "inactive": False}.get(state),
            "role": self.cleaned_data["role"],
        }
