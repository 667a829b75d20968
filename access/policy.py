"""The one place that decides whether a member of staff may open a client's record.

A case worker may open a record only when all of these hold at that moment (agreement §§4-5):
the client has an active referral with a client group tag, a documented service need and a
valid consent to viewing (the newest answer counts); the worker has a worker agreement in force
with the client's municipality and a valid access grant covering that municipality and one of
the client's referred groups; and the worker has stated a purpose. There is no override.

A worker's own client record is not a condition that can be met but a refusal: when the keyed
hash of the identity code kept with the actor's account equals the client's, every action is
refused with `own_record`, named beside every other failing condition. Both hashes are on rows
the policy has already loaded, so the refusal costs no query.

`decide` answers for one client, one action and one moment: it names every failing condition
and returns the sections of the record that may be shown (`Decision.sections`).
`clients_openable_by` is the same rule as a queryset, for the same action. A property test holds
the two to the same answer, action by action.

The health and work-ability section has a gate of its own on top of the record's (004 §3; 003):
the grant that answers for the client must include health data and the stated purpose must need
it. Reading that data in the register rests on the law, not on a disclosure consent. A record
may be open with that section closed; `Decision.closed` says why, from the conditions alone.

Actions: viewing, printing and exporting read; recording writes, and needs a covering grant with
the recording authority (a view grant reads only). A refusal or a withdrawal of a consent only
narrows access and may be recorded at any time (seed 000 §§4-5, 001 §11; GDPR Art. 7(3)): it
needs only what viewing the consent request needs.

The labour authority's intake (registering, referring, documenting the service need) is one more
action with its own condition: the official serves the client's home municipality, an
organisational scope held with django-guardian (access.scope). Nothing else applies to it but
the own record, refused to an official as to a worker: the referral and the service need are
what the official records, and an intake official never sees consents or the case worker's
record.

Asking for a consent needs a little of the client before there is a consent: when everything
but the consent holds, the worker may see the consent request (name, identity code, language of
service, each consent kind's status and dates) and nothing else (seed 000 §5 bars the rest).
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.models import AccessGrant, AccessScope, User, WorkerAgreement
from access.purposes import CASE_WORK_PURPOSES, Purpose
from access.scope import municipalities_served_by
from clients.models import Client, Referral, ServiceNeed
from consent.models import Consent
from consent.selectors import (
    EXPIRED,
    REFUSED,
    SCAN_MISSING,
    WITHDRAWN,
    newest_answers,
    why_not_counting,
)

POLICY_VERSION = "2026.2"


class Section(models.TextChoices):
    """The parts of a client's record. Each has one provider that fetches it (client_data.py)."""

    IDENTITY = "identity", _("identity and contact details")
    REFERRALS = "referrals", _("client group tags")
    SERVICE_NEEDS = "service_needs", _("service needs")
    CONSENTS = "consents", _("consents with their details, history and scans")
    ENTRIES = "entries", _("case entries with their versions")
    # What asking for a consent needs, and nothing more.
    CONSENT_REQUEST = "consent_request", _("name, identity code, language and consent status")
    # Health and work-ability data: a gate of its own on top of the record's (HEALTH_REASONS).
    HEALTH = "health", _("health and work-ability data")


class Action(models.TextChoices):
    """What the actor wants to do with the record."""

    VIEW = "view", _("view")
    RECORD = "record", _("record")
    PRINT = "print", _("print")
    EXPORT = "export", _("export")
    # The labour authority's: registering and referring the client, documenting the need.
    INTAKE = "intake", _("intake")


FULL_RECORD = (
    Section.IDENTITY,
    Section.REFERRALS,
    Section.SERVICE_NEEDS,
    Section.CONSENTS,
    Section.ENTRIES,
)
INTAKE_RECORD = (Section.IDENTITY, Section.REFERRALS, Section.SERVICE_NEEDS)
CONSENT_REQUEST = (Section.CONSENT_REQUEST,)
# The authority each action needs of the covering grant.
NEEDED_AUTHORITY = {
    Action.VIEW: AccessScope.Authority.VIEW,
    Action.PRINT: AccessScope.Authority.VIEW,
    Action.EXPORT: AccessScope.Authority.VIEW,
    Action.RECORD: AccessScope.Authority.RECORD,
    Action.INTAKE: None,  # no grant: the official's organisational scope answers instead
}


class Reason(models.TextChoices):
    """Stable codes for failing conditions, stored in the access log, with short labels."""

    REFERRAL_MISSING = "referral_missing", _("no client group tag")
    SERVICE_NEED_MISSING = "service_need_missing", _("no documented service need")
    CONSENT_MISSING = "consent_missing", _("no consent")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("consent withdrawn")
    CONSENT_EXPIRED = "consent_expired", _("consent expired")
    CONSENT_SCAN_MISSING = "consent_scan_missing", _("signed consent form not scanned in time")
    AGREEMENT_MISSING = "agreement_missing", _("no worker agreement")
    GRANT_MISSING = "grant_missing", _("no access right")
    GRANT_OUT_OF_SCOPE = "grant_out_of_scope", _("outside the access right")
    AUTHORITY_MISSING = "authority_missing", _("no recording authority")
    PURPOSE_MISSING = "purpose_missing", _("no purpose")
    SCOPE_MISSING = "scope_missing", _("outside the municipalities served")
    OWN_RECORD = "own_record", _("own client record")
    # Why the health section stays closed on a record that may be opened.
    HEALTH_SCOPE_MISSING = "health_scope_missing", _("access right does not cover health data")
    HEALTH_PURPOSE_MISSING = "health_purpose_missing", _("purpose does not need health data")


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
    Reason.CONSENT_SCAN_MISSING: (
        _("The scan of the client's signed consent form was not attached in time."),
        _("Attach the scan of the signed form to the consent."),
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
    Reason.AUTHORITY_MISSING: (
        _("Your access right allows viewing only, not recording."),
        _("If your duties need it, apply for an access right with the recording authority."),
    ),
    Reason.PURPOSE_MISSING: (
        _("You have not stated the purpose of the view."),
        _("Choose the purpose of the view."),
    ),
    Reason.SCOPE_MISSING: (
        _("You do not serve the client's home municipality."),
        _("Ask your access administrator which municipalities you serve."),
    ),
    Reason.OWN_RECORD: (
        _("This is your own client record."),
        _("Your own data is handled by another worker; ask your supervisor."),
    ),
    Reason.HEALTH_SCOPE_MISSING: (
        _("Your access right for this client does not cover health and work-ability data."),
        _("If your duties need it, apply for an access right that covers health data."),
    ),
    Reason.HEALTH_PURPOSE_MISSING: (
        _("Your stated purpose does not need health and work-ability data."),
        _("State the purpose of assessing work ability if that is what you are doing."),
    ),
}


# The health section's own conditions: they close that section only, never the record.
HEALTH_REASONS = (Reason.HEALTH_SCOPE_MISSING, Reason.HEALTH_PURPOSE_MISSING)
# The purposes that need health and work-ability data (004 §3: only where it affects employment).
HEALTH_PURPOSES = frozenset({Purpose.WORK_ABILITY})

# The case worker's actions and the reasons they can fail for; intake has its own (above).
CASE_WORK_ACTIONS = tuple(action for action in Action if action != Action.INTAKE)
CASE_WORK_REASONS = tuple(
    reason for reason in Reason if reason != Reason.SCOPE_MISSING and reason not in HEALTH_REASONS
)

CONSENT_REASONS = frozenset(
    {
        Reason.CONSENT_MISSING,
        Reason.CONSENT_WITHDRAWN,
        Reason.CONSENT_EXPIRED,
        Reason.CONSENT_SCAN_MISSING,
    }
)


@dataclass(frozen=True)
class Decision:
    action: Action
    allowed: bool
    reasons: tuple[Reason, ...]
    # The sections that may be shown: the full record when allowed, the consent request when
    # only the consent is missing, else none.
    sections: tuple[Section, ...]
    # Ids of the rows that satisfied a condition, by kind: the evidence behind an allowed view.
    basis: dict[str, int]
    # False when the client is outside every municipality of the actor's valid grants: such a
    # client is answered as if it did not exist.
    client_visible: bool
    at: datetime.datetime
    # The gated sections that stay closed, with why: known from the conditions alone, never
    # from what the section holds, so that a closed section looks the same full or empty.
    closed: dict[Section, tuple[Reason, ...]] = field(default_factory=dict)
    # Whether recording would be allowed at the same moment: what lets a page that views the
    # record offer its write links without deciding again.
    record_allowed: bool = False
    decision_id: uuid.UUID = field(default_factory=uuid.uuid4)
    policy_version: str = POLICY_VERSION


def decide(
    *,
    actor: User,
    client: Client,
    purpose: str | None,
    action: Action,
    at: datetime.datetime,
) -> Decision:
    """Decide whether `actor` may do `action` on `client`'s record at `at`.

    Names every failing condition and the sections that may be shown.
    """
    if action == Action.INTAKE:
        return _decide_intake(actor=actor, client=client, purpose=purpose, at=at)
    reasons: list[Reason] = [Reason.OWN_RECORD] if _is_own_record(actor, client) else []
    basis: dict[str, int] = {}
    today = timezone.localdate(at)

    referrals = list(Referral.objects.active_on(today).filter(client=client))
    need = ServiceNeed.objects.filter(_need_documented(today), client=client).first()
    consent_id, consent_reason = _viewing_consent(client, at, today)
    # The agreement is the municipality's: it must be with the municipality whose grant covers
    # the client, which is the client's home municipality (a grant covers one municipality).
    agreement = WorkerAgreement.objects.filter(
        _agreement_in_force(at, today), worker=actor, municipality=client.home_municipality_id
    ).first()
    grants = list(
        AccessGrant.objects.in_force(at).filter(grantee=actor).prefetch_related("client_groups")
    )

    if referrals:
        basis["referral"] = referrals[0].pk
    else:
        reasons.append(Reason.REFERRAL_MISSING)
    if need:
        basis["service_need"] = need.pk
    else:
        reasons.append(Reason.SERVICE_NEED_MISSING)
    if consent_reason or consent_id is None:
        reasons.append(consent_reason or Reason.CONSENT_MISSING)
    else:
        basis["consent"] = consent_id
    if agreement:
        basis["agreement"] = agreement.pk
    else:
        reasons.append(Reason.AGREEMENT_MISSING)

    local_grants = [g for g in grants if g.municipality_id == client.home_municipality_id]
    covering = _covering_grants(local_grants, referrals)
    authorised = [g for g in (covering or local_grants or grants) if _authorises(g, action)]
    if not grants:
        reasons.append(Reason.GRANT_MISSING)
    elif not local_grants or (referrals and not covering):
        reasons.append(Reason.GRANT_OUT_OF_SCOPE)
    # The grants that would answer (covering ones, else those of the client's municipality)
    # must hold the authority the action needs; with no grant there is no authority to lack.
    if grants and not authorised:
        reasons.append(Reason.AUTHORITY_MISSING)
    if covering:
        grant = (authorised or covering)[0]
        basis["grant"], basis["referral"] = grant.pk, _referral_in(grant, referrals)
    elif local_grants:
        basis["grant"] = local_grants[0].pk

    if purpose not in CASE_WORK_PURPOSES:
        reasons.append(Reason.PURPOSE_MISSING)

    answering = (authorised or covering) if covering else []
    health_grant, health_reasons = _health_gate(answering, purpose)
    if not reasons and not health_reasons and health_grant is not None:
        basis["health_grant"] = health_grant.pk
    sections = _sections(reasons, client_visible=bool(local_grants))
    closed = tuple(reasons) + health_reasons
    return Decision(
        action=action,
        allowed=not reasons,
        reasons=tuple(reasons),
        sections=sections + (() if closed else (Section.HEALTH,)),
        basis=basis,
        client_visible=bool(local_grants),
        at=at,
        closed={Section.HEALTH: closed} if closed else {},
        record_allowed=not reasons and any(_authorises(g, Action.RECORD) for g in covering),
    )


def _health_gate(
    answering: list[AccessGrant], purpose: str | None
) -> tuple[AccessGrant | None, tuple[Reason, ...]]:
    """The health section's own conditions on top of the record's (004 §3; 003).

    One of the grants that answer for the client (those covering it, the ones with the action's
    authority first) must include health data, and the stated purpose must need it. Returns
    that grant, if any, and the reasons the section stays closed; the section's content is
    never looked at.
    """
    health_grant = next((grant for grant in answering if grant.health_data), None)
    reasons = []
    if health_grant is None:
        reasons.append(Reason.HEALTH_SCOPE_MISSING)
    if purpose not in HEALTH_PURPOSES:
        reasons.append(Reason.HEALTH_PURPOSE_MISSING)
    return health_grant, tuple(reasons)


def _decide_intake(
    *, actor: User, client: Client, purpose: str | None, at: datetime.datetime
) -> Decision:
    """The labour authority's intake: the official serves the client's home municipality."""
    served = municipalities_served_by(actor).filter(pk=client.home_municipality_id).exists()
    reasons = [Reason.OWN_RECORD] if _is_own_record(actor, client) else []
    if not served:
        reasons.append(Reason.SCOPE_MISSING)
    if purpose != Purpose.INTAKE:
        reasons.append(Reason.PURPOSE_MISSING)
    return Decision(
        action=Action.INTAKE,
        allowed=not reasons,
        reasons=tuple(reasons),
        sections=() if reasons else INTAKE_RECORD,
        basis={"municipality": client.home_municipality_id} if served else {},
        client_visible=served,
        at=at,
    )


def _is_own_record(actor: User, client: Client) -> bool:
    """Whether `client` is the actor themself: their account keeps a hash and it is the client's."""
    return bool(actor.identity_code_hash) and actor.identity_code_hash == client.identity_code_hash


def _sections(reasons: list[Reason], *, client_visible: bool) -> tuple[Section, ...]:
    if not reasons:
        return FULL_RECORD + CONSENT_REQUEST
    if client_visible and CONSENT_REASONS.issuperset(reasons):
        return CONSENT_REQUEST
    return ()


def _authorises(grant: AccessGrant, action: Action) -> bool:
    """A recording grant also views; a viewing grant only views, prints and exports."""
    return grant.authority == AccessScope.Authority.RECORD or (
        NEEDED_AUTHORITY[action] == grant.authority
    )


def clients_openable_by(
    actor: User, *, action: Action = Action.VIEW, at: datetime.datetime
) -> QuerySet[Client]:
    """The clients on whose record `actor` may do `action` at `at` (given a purpose): one query."""
    clients = _others_than(actor)
    if action == Action.INTAKE:
        return clients.filter(home_municipality__in=municipalities_served_by(actor))
    today = timezone.localdate(at)
    newest_consent = newest_viewing_consents(today).filter(client=OuterRef("pk")).values("pk")
    return clients.alias(newest_consent=Subquery(newest_consent[:1])).filter(
        Exists(_covered_referrals(actor, action=action, at=at)),
        Exists(ServiceNeed.objects.filter(_need_documented(today), client=OuterRef("pk"))),
        Exists(Consent.objects.filter(_consent_valid(at), pk=OuterRef("newest_consent"))),
        Exists(
            WorkerAgreement.objects.filter(
                _agreement_in_force(at, today),
                worker=actor,
                municipality=OuterRef("home_municipality"),
            )
        ),
    )


def _others_than(actor: User) -> QuerySet[Client]:
    """Every client but the actor's own record (_is_own_record, as SQL)."""
    if not actor.identity_code_hash:
        return Client.objects.all()
    return Client.objects.exclude(identity_code_hash=actor.identity_code_hash)


def clients_referred_to(actor: User, *, at: datetime.datetime) -> QuerySet[Client]:
    """The clients referred to the actor's service: an active referral that one grant in force
    covers, its municipality and one of its groups together. Whom a name search may list.

    The actor's own record is listed like any other referred client (it says so when opened):
    the worker knows their own name, and a search that hid it would tell them it is not
    referred, which is untrue.
    """
    return Client.objects.filter(Exists(_covered_referrals(actor, action=Action.VIEW, at=at)))


def _covered_referrals(actor: User, *, action: Action, at: datetime.datetime) -> QuerySet[Referral]:
    """Active referrals of the outer client that a grant of the actor covers for `action`."""
    covering_grant = AccessGrant.objects.in_force(at).filter(
        grantee=actor,
        municipality=OuterRef(OuterRef("home_municipality")),
        client_groups=OuterRef("group"),
    )
    if NEEDED_AUTHORITY[action] == AccessScope.Authority.RECORD:
        covering_grant = covering_grant.filter(authority=AccessScope.Authority.RECORD)
    return Referral.objects.active_on(timezone.localdate(at)).filter(
        Exists(covering_grant), client=OuterRef("pk")
    )


def clients_visible_to(
    actor: User, *, action: Action = Action.VIEW, at: datetime.datetime
) -> QuerySet[Client]:
    """The clients `actor` may know to exist (`Decision.client_visible`): for case work, those
    in a municipality of their valid grants; for intake, those of a municipality they serve."""
    if action == Action.INTAKE:
        return Client.objects.filter(home_municipality__in=municipalities_served_by(actor))
    municipalities = AccessGrant.objects.in_force(at).filter(grantee=actor).values("municipality")
    return Client.objects.filter(home_municipality__in=municipalities)


def _covering_grants(grants: list[AccessGrant], referrals: list[Referral]) -> list[AccessGrant]:
    """The grants that cover one of the client's referred groups."""
    referred = {referral.group_id for referral in referrals}
    return [g for g in grants if referred & {group.pk for group in g.client_groups.all()}]


def _referral_in(grant: AccessGrant, referrals: list[Referral]) -> int:
    """The first referral whose group `grant` covers."""
    groups = {group.pk for group in grant.client_groups.all()}
    return next(referral.pk for referral in referrals if referral.group_id in groups)


def _viewing_consent(client, at, today) -> tuple[int | None, Reason | None]:
    """The newest viewing consent's id if it counts, else the reason why it does not.

    Only the newest answer counts: a later refusal overrides an earlier consent.
    """
    newest = newest_viewing_consents(today).filter(client=client).first()
    if newest is None:
        return None, Reason.CONSENT_MISSING
    why = why_not_counting(newest, at)
    if why is not None:
        return None, CONSENT_REASON_FOR[why]
    return newest.pk, None


# The policy's reason for each way the newest viewing answer fails to count.
CONSENT_REASON_FOR = {
    REFUSED: Reason.CONSENT_MISSING,
    WITHDRAWN: Reason.CONSENT_WITHDRAWN,
    EXPIRED: Reason.CONSENT_EXPIRED,
    SCAN_MISSING: Reason.CONSENT_SCAN_MISSING,
}


# The conditions as Q objects, shared by both forms so that they cannot drift apart.
# Dates are local (Europe/Helsinki) days; instants are compared as instants.


def _need_documented(today: datetime.date) -> Q:
    return Q(status=ServiceNeed.Status.DOCUMENTED, assessed_on__lte=today)


def newest_viewing_consents(today: datetime.date) -> QuerySet[Consent]:
    return newest_answers(Consent.Kind.VIEWING, today)


def _consent_valid(at: datetime.datetime) -> Q:
    """For the newest viewing consent: given, unexpired, and scanned or not yet due at `at`.

    A consent withdrawn after `at` still counted at `at`: the decision is about that moment.
    """
    given_at_that_moment = Q(status=Consent.Status.GIVEN) | Q(
        status=Consent.Status.WITHDRAWN, withdrawn_at__gt=at
    )
    scan_not_overdue = ~Q(scan="") | Q(scan_due_at__isnull=True) | Q(scan_due_at__gt=at)
    return (
        given_at_that_moment
        & (Q(valid_until__isnull=True) | Q(valid_until__gt=at))
        & scan_not_overdue
    )


def _agreement_in_force(at: datetime.datetime, today: datetime.date) -> Q:
    return Q(signed_on__lte=today) & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))
