"""Every action the log records, looks and changes alike, as one vocabulary of stable codes.

A code is `atmt.<object>.<what happened>`, always in the past tense, so that a supervisor's
search or the client's report can name one action whatever page or service wrote it. The codes
are stored; the labels are translated when shown. Renaming a code needs a data migration of the
stored rows (see 0004_action_codes).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    # Looks at client data, each decided by the access policy.
    CLIENT_VIEWED = "atmt.client.viewed", _("view")
    CLIENT_SEARCHED = "atmt.client.searched", _("search")
    CLIENT_PRINTED = "atmt.client.printed", _("print")
    CLIENT_EXPORTED = "atmt.client.exported", _("export")
    CLIENT_LISTED = "atmt.client.listed", _("caseload listed")
    # Looks at the log itself by a supervisor: who watches the watchers (000 §8).
    LOG_SEARCHED = "atmt.log.searched", _("access log searched")
    LOG_EXPORTED = "atmt.log.exported", _("access log exported")
    LOG_EVENT_VIEWED = "atmt.log.event_viewed", _("access log event viewed")
    LOG_WORKER_VIEWED = "atmt.log.worker_viewed", _("a worker's use of the log reviewed")
    LOG_CLIENT_VIEWED = "atmt.log.client_viewed", _("the looks at a client reviewed")
    LOG_CASE_VIEWED = "atmt.log.case_viewed", _("a review case opened")
    LOG_RULE_PREVIEWED = "atmt.log.rule_previewed", _("a detection rule previewed")
    # Changes to client records: intake by the labour authority.
    CLIENT_REGISTERED = "atmt.client.registered", _("client registered")
    CLIENT_MOVED = "atmt.client.moved", _("home municipality changed")
    CLIENT_CONTACT_CHANGED = "atmt.client.contact_changed", _("contact details changed")
    RELATIONSHIP_STARTED = "atmt.relationship.started", _("client relationship started")
    RELATIONSHIP_ENDED = "atmt.relationship.ended", _("client relationship ended")
    REFERRAL_RECORDED = "atmt.referral.recorded", _("referral recorded")
    REFERRAL_ENDED = "atmt.referral.ended", _("referral ended")
    # Changes to client records.
    SERVICE_NEED_DOCUMENTED = "atmt.service_need.documented", _("service need documented")
    CONSENT_RECORDED = "atmt.consent.recorded", _("consent recorded")
    CONSENT_WITHDRAWN = "atmt.consent.withdrawn", _("consent withdrawn")
    CONSENT_SCAN_ATTACHED = "atmt.consent.scan_attached", _("scan of a consent attached")
    HEALTH_ITEM_RECORDED = "atmt.health_item.recorded", _("health or work-ability item recorded")
    HEALTH_ITEM_ERASED = (
        "atmt.health_item.erased",
        _("health items erased: their consent was withdrawn"),
    )
    ENTRY_RECORDED = "atmt.entry.recorded", _("case entry recorded")
    ENTRY_CORRECTED = "atmt.entry.corrected", _("case entry corrected")
    # Changes to access rights.
    APPLICATION_SUBMITTED = "atmt.application.submitted", _("access application submitted")
    APPLICATION_APPROVED = "atmt.application.approved", _("access application approved")
    APPLICATION_REJECTED = "atmt.application.rejected", _("access application rejected")
    GRANT_APPROVED = "atmt.grant.approved", _("access right granted")
    GRANT_CHANGED = "atmt.grant.changed", _("access right narrowed")
    GRANT_REVOKED = "atmt.grant.revoked", _("access right revoked")
    AGREEMENT_RECORDED = "atmt.agreement.recorded", _("worker agreement recorded")
    AGREEMENT_TERMINATED = "atmt.agreement.terminated", _("worker agreement terminated")
    AGREEMENT_ENDED = "atmt.agreement.ended", _("worker agreement ended: duties changed")
    # Changes to staff accounts.
    ACCOUNT_CREATED = "atmt.account.created", _("staff account created")
    ACCOUNT_CHANGED = "atmt.account.changed", _("roles or scope of a staff account changed")
    ACCOUNT_DEACTIVATED = "atmt.account.deactivated", _("staff account deactivated")
    ACCOUNT_REACTIVATED = "atmt.account.reactivated", _("staff account reactivated")
    # Changes to how someone signs in.
    TWO_FACTOR_ENROLLED = "atmt.two_factor.enrolled", _("two-factor sign-in enrolled")
    TWO_FACTOR_RESET = "atmt.two_factor.reset", _("two-factor sign-in reset")
    ACCOUNT_UNLOCKED = "atmt.account.unlocked", _("account unlocked")
    SESSIONS_ENDED = "atmt.sessions.ended", _("other sessions ended")
    # A supervisor's request that a worker justify views (000 §8), and its grounds reported.
    JUSTIFICATION_REQUESTED = "atmt.justification.requested", _("justification requested")
    JUSTIFICATION_ANSWERED = "atmt.justification.answered", _("justification answered")
    JUSTIFICATION_CLOSED = "atmt.justification.closed", _("justification request closed")
    JUSTIFICATION_REPORT_HANDLED = (
        "atmt.justification.report_handled",
        _("reported grounds handled by the access administration"),
    )
    # The supervisors' detection rules, their screening and the cases of alerts it finds.
    RULE_CHANGED = "atmt.rule.changed", _("detection rule changed")
    SCREENING_REQUESTED = "atmt.screening.requested", _("screening of a day asked for")
    CASE_CLOSED = "atmt.case.closed", _("review case closed")
    # Changes to the log itself: the retention purge of a client's personal fields.
    LOG_REDACTED = "atmt.log.redacted", _("personal data purged from the log")


LOOKS = frozenset(
    {
        Action.CLIENT_VIEWED,
        Action.CLIENT_SEARCHED,
        Action.CLIENT_PRINTED,
        Action.CLIENT_EXPORTED,
        Action.CLIENT_LISTED,
        Action.LOG_SEARCHED,
        Action.LOG_EXPORTED,
        Action.LOG_EVENT_VIEWED,
        Action.LOG_WORKER_VIEWED,
        Action.LOG_CLIENT_VIEWED,
        Action.LOG_CASE_VIEWED,
        Action.LOG_RULE_PREVIEWED,
    }
)
CHANGES = frozenset(Action) - LOOKS
