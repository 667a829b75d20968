"""The one place that decides whether a member of staff may open a client's record.

A case worker may open a record only when all of these hold at that moment (agreement §§4-5):
the client has an active referral with a client group tag, a documented service need and a
valid consent to viewing (the newest answer counts); the worker has a worker agreement in force
and a valid access grant covering the client's municipality and one of the client's referred
groups; and the worker has stated a purpose. There is no override.

`decide` answers for one client and names every failing condition; `clients_openable_by` is the
same rule as a queryset. A property test holds the two to the same answer.

Asking for a consent needs the client's identity and consent status before there is a consent,
so a decision also says whether everything but the consent holds (`consents_allowed`): then the
worker may see identity and consents only (consent issue; seed 000 §5 still bars the rest).
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.models import AccessGrant, User, WorkerAgreement
from access.purposes import Purpose
from clients.models import Client, Referral, ServiceNeed
from consent.models import Consent

POLICY_VERSION = "2026.1"


class Reason(models.TextChoices):
    """Stable codes for failing conditions, stored in the access log, with short labels."""

    REFERRAL_MISSING = "referral_missing", _("no client group tag")
    SERVICE_NEED_MISSING = "service_need_missing", _("no documented service need")
    CONSENT_MISSING = "consent_missing", _("no consent")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("consent withdrawn")
    CONSENT_EXPIRED = "consent_expired", _("consent expired")
    AGREEMENT_MISSING = "agreement_missing", _("no worker agreement")
    GRANT_MISSING = "grant_missing", _("no access right")
    GRANT_OUT_OF_SCOPE = "grant_out_of_scope", _("outside the access right")
    PURPOSE_MISSING = "purpose_missing", _("no purpose")


# What the denied page tells the worker: what is missing, and what they can do about it.
REASON_EXPLANATIONS = {
    Reason.REFERRAL_MISSING: (
        _("The labour authority has not referred the client with a client group tag."),
        _("Ask the labour authority whether the client should be referred to the service."),
    ),
    Reason.SERVICE_NEED_MISSING: (
        _("The client's service need has not been assessed and documented."),
        _("Ask the labour authority to document the client's service need."),
    ),
    Reason.CONSENT_MISSING: (
        _("The client has not given a written consent to viewing their data."),
        _("Ask the client to sign the consent form."),
    ),
    Reason.CONSENT_WITHDRAWN: (
        _("The client has withdrawn their consent to viewing their data."),
        _("The data cannot be viewed unless the client signs a new consent form."),
    ),
    Reason.CONSENT_EXPIRED: (
        _("The client's consent to viewing their data has expired."),
        _("Ask the client to sign a new consent form."),
    ),
    Reason.AGREEMENT_MISSING: (
        _("You have no worker agreement in force."),
        _("Ask your access administrator about your worker agreement."),
    ),
    Reason.GRANT_MISSING: (
        _("You have no valid access right."),
        _("Apply for an access right from your access administrator."),
    ),
    Reason.GRANT_OUT_OF_SCOPE: (
        _("Your access rights do not cover this client's client group."),
        _("If your duties need it, apply for a change to your access right."),
    ),
    Reason.PURPOSE_MISSING: (
        _("You have not stated the purpose of the view."),
        _("Choose the purpose of the view."),
    ),
}


CONSENT_REASONS = frozenset(
    {Reason.CONSENT_MISSING, Reason.CONSENT_WITHDRAWN, Reason.CONSENT_EXPIRED}
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[Reason, ...]
    # Ids of the rows that satisfied a condition, by kind: the evidence behind an allowed view.
    basis: dict[str, int]
    # False when the client is outside every municipality of the actor's valid grants: such a
    # client is answered as if it did not exist.
    client_visible: bool
    at: datetime.datetime
    decision_id: uuid.UUID = field(default_factory=uuid.uuid4)
    policy_version: str = POLICY_VERSION

    @property
    def consents_allowed(self) -> bool:
        """Everything but the consent holds: identity and consent status may be shown."""
        return self.client_visible and CONSENT_REASONS.issuperset(self.reasons)


def decide(*, actor: User, client: Client, purpose: str | None, at: datetime.datetime) -> Decision:
    """Decide whether `actor` may open `client`'s record at `at`; name every failing condition."""
    reasons: list[Reason] = []
    basis: dict[str, int] = {}
    today = timezone.localdate(at)

    referrals = list(Referral.objects.filter(_referral_active(today), client=client))
    need = ServiceNeed.objects.filter(_need_documented(today), client=client).first()
    consent_id, consent_reason = _viewing_consent(client, at, today)
    agreement = WorkerAgreement.objects.filter(_agreement_in_force(at, today), worker=actor).first()
    grants = list(
        AccessGrant.objects.filter(_grant_valid(at), grantee=actor).prefetch_related(
            "client_groups"
        )
    )

    if referrals:
        basis["referral"] = referrals[0].pk
    else:
        reasons.append(Reason.REFERRAL_MISSING)
    if need:
        basis["service_need"] = need.pk
    else:
        reasons.append(Reason.SERVICE_NEED_MISSING)
    if consent_reason:
        reasons.append(consent_reason)
    else:
        basis["consent"] = consent_id
    if agreement:
        basis["agreement"] = agreement.pk
    else:
        reasons.append(Reason.AGREEMENT_MISSING)

    local_grants = [g for g in grants if g.municipality_id == client.home_municipality_id]
    covering = _covering_grant_and_referral(local_grants, referrals)
    if not grants:
        reasons.append(Reason.GRANT_MISSING)
    elif not local_grants or (referrals and covering is None):
        reasons.append(Reason.GRANT_OUT_OF_SCOPE)
    if covering:
        basis["grant"], basis["referral"] = covering
    elif local_grants:
        basis["grant"] = local_grants[0].pk

    if purpose not in Purpose.values:
        reasons.append(Reason.PURPOSE_MISSING)

    return Decision(
        allowed=not reasons,
        reasons=tuple(reasons),
        basis=basis,
        client_visible=bool(local_grants),
        at=at,
    )


def clients_openable_by(actor: User, *, at: datetime.datetime) -> QuerySet[Client]:
    """The clients whose record `actor` may open at `at` (given a purpose), as one query."""
    today = timezone.localdate(at)
    covering_grant = AccessGrant.objects.filter(
        _grant_valid(at),
        grantee=actor,
        municipality=OuterRef(OuterRef("home_municipality")),
        client_groups=OuterRef("group"),
    )
    covered_referral = Referral.objects.filter(
        _referral_active(today), Exists(covering_grant), client=OuterRef("pk")
    )
    newest_consent = newest_viewing_consents(today).filter(client=OuterRef("pk")).values("pk")
    return Client.objects.alias(newest_consent=Subquery(newest_consent[:1])).filter(
        Exists(covered_referral),
        Exists(ServiceNeed.objects.filter(_need_documented(today), client=OuterRef("pk"))),
        Exists(Consent.objects.filter(_consent_valid(at), pk=OuterRef("newest_consent"))),
        Exists(WorkerAgreement.objects.filter(_agreement_in_force(at, today), worker=actor)),
    )


def clients_visible_to(actor: User, *, at: datetime.datetime) -> QuerySet[Client]:
    """The clients `actor` may know to exist: those in a municipality of their valid grants."""
    municipalities = AccessGrant.objects.filter(_grant_valid(at), grantee=actor).values(
        "municipality"
    )
    return Client.objects.filter(home_municipality__in=municipalities)


def _covering_grant_and_referral(grants, referrals) -> tuple[int, int] | None:
    for grant in grants:
        groups = {group.pk for group in grant.client_groups.all()}
        for referral in referrals:
            if referral.group_id in groups:
                return grant.pk, referral.pk
    return None


def _viewing_consent(client, at, today) -> tuple[int | None, Reason | None]:
    """The newest viewing consent's id if it counts, else the reason why it does not.

    Only the newest answer counts: a later refusal overrides an earlier consent.
    """
    newest = newest_viewing_consents(today).filter(client=client).first()
    if newest is None or newest.status == Consent.Status.REFUSED:
        return None, Reason.CONSENT_MISSING
    if newest.status == Consent.Status.WITHDRAWN and newest.withdrawn_at <= at:
        return None, Reason.CONSENT_WITHDRAWN
    if newest.valid_until is not None and newest.valid_until <= at:
        return None, Reason.CONSENT_EXPIRED
    return newest.pk, None


# The conditions as Q objects, shared by both forms so that they cannot drift apart.
# Dates are local (Europe/Helsinki) days; instants are compared as instants.


def _referral_active(today: datetime.date) -> Q:
    return Q(referred_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gt=today))


def _need_documented(today: datetime.date) -> Q:
    return Q(status=ServiceNeed.Status.DOCUMENTED, assessed_on__lte=today)


def newest_viewing_consents(today: datetime.date) -> QuerySet[Consent]:
    return Consent.objects.filter(kind=Consent.Kind.VIEWING, signed_on__lte=today).order_by(
        "-signed_on", "-id"
    )


def _consent_valid(at: datetime.datetime) -> Q:
    """For the newest viewing consent: given and unexpired at `at`.

    A consent withdrawn after `at` still counted at `at`: the decision is about that moment.
    """
    given_at_that_moment = Q(status=Consent.Status.GIVEN) | Q(
        status=Consent.Status.WITHDRAWN, withdrawn_at__gt=at
    )
    return given_at_that_moment & (Q(valid_until__isnull=True) | Q(valid_until__gt=at))


def _agreement_in_force(at: datetime.datetime, today: datetime.date) -> Q:
    return Q(signed_on__lte=today) & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))


def _grant_valid(at: datetime.datetime) -> Q:
    return Q(valid_from__lte=at, valid_until__gt=at) & (
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=at)
    )
