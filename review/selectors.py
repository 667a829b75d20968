"""What a supervisor may see of the log, and the reads of the review's own records.

A supervisor oversees the use of the service in municipalities (access.scope, django-guardian);
a worker belongs to a municipality through their worker agreement with it (seed 000). So the
events in a supervisor's scope are those whose actor has, or has had, a worker agreement with a
municipality the supervisor oversees: a worker whose agreement has ended still answers for what
they did under it. Everything a review page shows starts from `events_in_scope_of`, and a case
is in scope when its worker is (`cases_overseen_by`).

The detection rules' settings are the deployment's, not a supervisor's: `rule_states` is the
same for everyone, which is what the page telling workers how they are screened relies on.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from access.models import User, WorkerAgreement
from access.scope import municipalities_overseen_by
from audit.models import AccessEvent
from review.models import Case, RuleSetting
from review.rules import RULES, Rule, Threshold


def workers_overseen_by(supervisor: User) -> QuerySet[User]:
    """The workers with an agreement, now or before, with a municipality `supervisor` oversees."""
    agreements = WorkerAgreement.objects.filter(
        worker=OuterRef("pk"), municipality__in=municipalities_overseen_by(supervisor)
    )
    return User.objects.filter(Exists(agreements))


def events_in_scope_of(supervisor: User) -> QuerySet[AccessEvent]:
    """The events whose actor is a worker `supervisor` oversees, as overseen when called.

    The workers' ids are read first, in one small query, and the events filtered by the list:
    as a subquery, PostgreSQL checked each event's actor against the agreements and the
    guardian tables row by row and misjudged how many events a scope holds, which at 10 M
    events made the searches slow (bench/log_search.py).
    """
    workers = list(workers_overseen_by(supervisor).values_list("pk", flat=True))
    return AccessEvent.objects.filter(actor__in=workers)


def cases_overseen_by(supervisor: User) -> QuerySet[Case]:
    """The cases of the workers `supervisor` oversees, open or closed."""
    return Case.objects.filter(worker__in=workers_overseen_by(supervisor))


@dataclass(frozen=True)
class RuleState:
    """One rule of the registry with its settings' versions, newest first (none: never set)."""

    rule: Rule
    versions: tuple[RuleSetting, ...] = ()

    @property
    def newest(self) -> RuleSetting | None:
        return self.versions[0] if self.versions else None

    @property
    def enabled(self) -> bool:
        return self.newest is not None and self.newest.enabled

    @property
    def values(self) -> dict[str, int]:
        """The thresholds in force: the newest version's, a threshold it does not name at its
        default (and the defaults for a rule never set)."""
        return self.rule.defaults() | (self.newest.values if self.newest else {})

    @property
    def thresholds(self) -> list[tuple[Threshold, int]]:
        values = self.values
        return [(threshold, values[threshold.code]) for threshold in self.rule.thresholds]

    @property
    def on_since(self) -> datetime.datetime | None:
        """When the rule was last switched on, if it is on: a change of thresholds while on
        does not restart it."""
        since = None
        for version in self.versions:
            if not version.enabled:
                break
            since = version.changed_at
        return since


def rule_states() -> list[RuleState]:
    """Every rule of the registry, in its order, with its settings' versions (one query)."""
    versions: dict[str, list[RuleSetting]] = {}
    for setting in RuleSetting.objects.select_related("changed_by").order_by("-changed_at", "-id"):
        versions.setdefault(setting.rule, []).append(setting)
    return [RuleState(rule, tuple(versions.get(rule.code, ()))) for rule in RULES]
