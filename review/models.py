"""A supervisor's request that a worker justify views of client data (000 §8; 004 §5a).

The worker "must be able to justify the need and context of a view when asked": the supervisor
asks about one or more of the worker's events, the worker answers, the supervisor closes the
request with a finding. Nothing is deleted and each step fills its own fields once, so the row
keeps the whole exchange; the typed events in the log say who did each step and when.
A request closed "not justified" is the grounds the access administrators are told of
(004 §5a ¶4): they see it until one of them records that it has been handled.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JustificationRequest(models.Model):
    class Finding(models.TextChoices):
        JUSTIFIED = "justified", _("justified")
        NOT_JUSTIFIED = "not_justified", _("not justified")
        NEEDS_FOLLOW_UP = "needs_follow_up", _("needs follow-up")

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="justification_requests",
        verbose_name=_("worker"),
    )
    events = models.ManyToManyField(
        "audit.AccessEvent", related_name="+", verbose_name=_("events asked about")
    )
    question = models.TextField(_("question"))
    due_on = models.DateField(_("answer by"))
    asked_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The access administrator's record that the reported grounds have been dealt with.
    report_handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report handled by"),
    )
    report_handled_at = models.DateTimeField(_("report handled at"), null=True, blank=True)
    report_handling_note = models.TextField(_("how the report was handled"), blank=True)

    class Meta:
        verbose_name = _("justification request")
        verbose_name_plural = _("justification requests")
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | models.Q(answered_at__isnull=False),
                name="justification_closed_only_after_an_answer",
            ),
            models.CheckConstraint(
                condition=models.Q(report_handled_at__isnull=True)
                | models.Q(finding="not_justified"),
                name="justification_report_only_when_not_justified",
            ),
        ]

    def __str__(self):
        return f"{self.pk}: {self.worker} ({self.status})"

    @property
    def status(self) -> str:
        """Derived from which steps have been taken: never stored, so never out of step."""
        if self.closed_at is not None:
            return self.Status.CLOSED
        if self.answered_at is not None:
            return self.Status.ANSWERED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    def is_overdue(self, today: datetime.date) -> bool:
        """Still waiting for the worker's answer after the day it was due."""
        return self.status == self.Status.OPEN and self.due_on < today

    @property
    def grounds_reported(self) -> bool:
        """Closed "not justified": the access administrators are told (004 §5a ¶4)."""
        return self.finding == self.Finding.NOT_JUSTIFIED


class RuleSetting(models.Model):
    """One version of a detection rule's setting (review/rules.py): whether it screens, and its
    thresholds. Never changed: a change is a new version, and the newest of a rule counts, so
    the history says who switched what on and when. A rule with no version is off."""

    rule = models.CharField(_("rule"), max_length=40)
    enabled = models.BooleanField(_("switched on"))
    values = models.JSONField(_("thresholds"), default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("detection rule setting")
        verbose_name_plural = _("detection rule settings")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["rule", "-id"])]

    def __str__(self):
        return f"{self.rule}: {'on' if self.enabled else 'off'} {self.values}"


class ScreeningRun(models.Model):
    """One screening of one day of the log: nightly (nobody asked) or asked for by a supervisor."""

    day = models.DateField(_("day screened"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked for by"),
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The rules that screened, with their thresholds: what the alerts were found with.
    rules = models.JSONField(_("rules used"), default=dict)
    looks_read = models.PositiveIntegerField(_("looks read"), default=0)
    alerts_found = models.PositiveIntegerField(_("alerts found"), default=0)

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-day", "-id"]

    def __str__(self):
        return f"screening of {self.day}"


class ScreenedDay(models.Model):
    """The numbers of one worker's screened day that later days' baselines read.

    Derived from the log and written again if the day is screened again: not evidence itself.
    """

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    looks = models.PositiveIntegerField(default=0)
    clients = models.PositiveIntegerField(default=0)
    unexplained_clients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "day"], name="screened_day_once_a_worker")
        ]

    def __str__(self):
        return f"{self.worker_id} on {self.day}"


class Case(models.Model):
    """The alerts of one worker, grouped for the supervisor (Maize, FairWarning): a worker has
    at most one open case, which every new alert joins. A supervisor closes it with a note; a
    later alert opens a new one. Nothing is deleted."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_cases",
        verbose_name=_("worker"),
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_case_a_worker",
            )
        ]

    def __str__(self):
        return f"case {self.pk} of {self.worker_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Alert(models.Model):
    """What one rule found in one worker's day, in the worker's case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    rule = models.CharField(_("rule"), max_length=40)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    events = models.ManyToManyField("audit.AccessEvent", related_name="+")
    # The numbers behind the finding, by code (looks, clients, usual…): never translated text.
    details = models.JSONField(_("details"), default=dict)
    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="alerts")
    found_at = models.DateTimeField(_("found at"))

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-day", "rule", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "worker", "day"], name="alert_once_a_rule_worker_and_day"
            )
        ]

    def __str__(self):
        return f"{self.rule} of {self.worker_id} on {self.day}"
