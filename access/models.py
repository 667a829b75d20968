import datetime

from auditlog.registry import auditlog
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A member of staff. Clients never sign in."""

    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("The employment area, municipality or unit the person works for."),
    )
    # The person's own identity code, only as a keyed hash (clients.identity_code):
    # enough to recognise the person's own client record, never enough to read the code.
    # db_default too: rows written by code that predates the column (an older migration's
    # model, a raw insert) get the empty hash rather than a NOT NULL error.
    identity_code_hash = models.CharField(
        _("keyed hash of the identity code"),
        max_length=64,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )

    class Meta(AbstractUser.Meta):
        # The stubs type AbstractUser.Meta's names as str; a lazy translation is what Django uses.
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username


class WorkerAgreement(models.Model):
    """The agreement between an employment area, a municipality and one worker (seed 000)."""

    worker = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("worker")
    )
    employment_area = models.CharField(_("employment area"), max_length=200)
    municipality = models.ForeignKey(
        "clients.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    signed_on = models.DateField(_("signed on"))
    ends_at = models.DateTimeField(
        _("ends at"), null=True, blank=True, help_text=_("Empty: in force until further notice.")
    )

    class Meta:
        verbose_name = _("worker agreement")
        verbose_name_plural = _("worker agreements")
        ordering = ["-signed_on", "-id"]

    def __str__(self):
        return f"{self.worker}, {self.municipality} ({self.signed_on:%Y-%m-%d})"


class AccessScope(models.Model):
    """What an access right covers: client groups in one municipality, an authority, a time.

    Shared by the application and the grant it may become, so the two can be compared field
    by field when a decision narrows what was applied for.
    """

    class Authority(models.TextChoices):
        VIEW = "view", _("view")
        RECORD = "record", _("view, record entries and consents")

    municipality = models.ForeignKey(
        "clients.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    client_groups = models.ManyToManyField(
        "clients.ClientGroup", related_name="+", verbose_name=_("client groups")
    )
    authority = models.CharField(_("authority"), max_length=10, choices=Authority)
    # Health and work-ability data is a section of its own: only a right that names it opens it.
    health_data = models.BooleanField(
        _("health and work-ability data"),
        default=False,
        help_text=_("Only where the tasks include assessing work ability (act 916/2012 13:3)."),
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))

    class Meta:
        abstract = True


class AccessGrantQuerySet(models.QuerySet):
    def in_force(self, at: datetime.datetime) -> "AccessGrantQuerySet":
        """Grants in force at `at`: begun, not yet ended, and not revoked by then.

        The one answer to "which grants count at this moment", for the policy and every list.
        """
        return self.filter(valid_from__lte=at, valid_until__gt=at).filter(
            models.Q(revoked_at__isnull=True) | models.Q(revoked_at__gt=at)
        )

    def live(self, at: datetime.datetime) -> "AccessGrantQuerySet":
        """Grants that can still be in force after `at`: not ended and not revoked, begun or not.

        What a revocation or a change of duties ends.
        """
        return self.filter(valid_until__gt=at).filter(
            models.Q(revoked_at__isnull=True) | models.Q(revoked_at__gt=at)
        )


class AccessGrant(AccessScope):
    """A personal access right, limited in scope (client groups, municipality), authority and time.

    This row is the one source of truth for a worker's access; the access policy reads it at the
    moment of every request, so an ended or revoked grant stops working without any job running.
    """

    grantee = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="grants", verbose_name=_("grantee")
    )
    reason = models.TextField(_("tasks that justify the access"))
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class RevocationCause(models.TextChoices):
        DECISION = "decision", _("revoked by a decision")
        DUTIES_CHANGED = "duties_changed", _("the worker's duties changed: the agreement lapsed")

    revocation_cause = models.CharField(
        _("cause of revocation"), max_length=20, choices=RevocationCause, blank=True
    )

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")),
                name="grant_ends_after_it_starts",
            )
        ]

    def __str__(self):
        period = f"{self.valid_from:%Y-%m-%d} to {self.valid_until:%Y-%m-%d}"
        return f"{self.grantee}, {self.municipality} ({period})"


# The change history of everything but the access log, which is append-only by itself.
auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
auditlog.register(WorkerAgreement)
auditlog.register(AccessGrant, m2m_fields={"client_groups"})


class AccessApplication(AccessScope):
    """An application for a personal access right (act 916/2012 13:4a): granted only on one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    applicant = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    applied_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("applied by"),
        help_text=_("The applicant, or their manager applying for them."),
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    tasks = models.TextField(_("tasks that justify the access"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    grant = models.OneToOneField(
        AccessGrant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("grant"),
    )

    class Meta:
        verbose_name = _("access application")
        verbose_name_plural = _("access applications")
        ordering = ["-applied_at", "-id"]

    def __str__(self):
        return f"{self.applicant}, {self.municipality} ({self.get_status_display()})"


auditlog.register(AccessApplication, m2m_fields={"client_groups"})
