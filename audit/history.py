"""The history of a set of objects, as people read it: typed events and field-level changes.

Two sources, one timeline: the typed events of the log (what happened, by code) and
django-auditlog's field-level diffs (which fields changed, from what to what). Every line is
built from codes and translated here, with readable values: choices by label, references by
name, yes and no for flags, never a raw id or a stored sentence.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.actions import Action
from audit.models import AccessEvent

DIFF_ACTIONS = {
    LogEntry.Action.CREATE: ("created", _("created")),
    LogEntry.Action.UPDATE: ("changed", _("changed")),
    LogEntry.Action.DELETE: ("deleted", _("deleted")),
    LogEntry.Action.ACCESS: ("viewed", _("viewed")),
}
FLAGS = {"True": _("yes"), "False": _("no")}
# A value label for a many-to-many field's objects, by field name (such as a role's name).
ValueLabels = dict[str, Callable[[str], str]]
# How a typed event's detail is shown, by its key: a (label, value) pair, or None to leave out.
DetailLabels = dict[str, Callable[[Any], tuple[str, str] | None]]


@dataclass(frozen=True)
class Change:
    """One field of one line: its label and the values before and after.

    For a many-to-many field, `added` or `removed` lists the objects instead.
    """

    field: str
    old: str = ""
    new: str = ""
    added: str = ""
    removed: str = ""


@dataclass(frozen=True)
class HistoryLine:
    at: datetime.datetime
    actor: str  # empty: the system
    subject: str  # what kind of object
    object_name: str
    object_key: tuple[str, str]  # ("app_label.model", primary key), to group lines by object
    code: str  # the event's action code, or created / changed / deleted for a diff
    action: str
    changes: list[Change] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)


def history_of(
    objects: Iterable[models.Model],
    *,
    value_labels: ValueLabels | None = None,
    detail_labels: DetailLabels | None = None,
) -> list[HistoryLine]:
    """Every typed event and field-level change of `objects`, newest first."""
    objects = list(objects)
    events = _event_lines(objects, detail_labels or {})
    # A typed event says what a creation was (a consent recorded, a grant approved); the bare
    # "created" of the diff beside it would only repeat it.
    told = {line.object_key for line in events}
    diffs = [
        line
        for line in _diff_lines(objects, value_labels or {})
        if not (line.code == "created" and line.object_key in told)
    ]
    return sorted(events + diffs, key=lambda line: line.at, reverse=True)


def _event_lines(objects: list[models.Model], detail_labels: DetailLabels) -> list[HistoryLine]:
    names = {(obj._meta.label_lower, str(obj.pk)): obj for obj in objects}
    condition = Q(pk__in=[])
    for label in {key[0] for key in names}:
        ids = [pk for kind, pk in names if kind == label]
        condition |= Q(target_type=label, target_id__in=ids)
    lines = []
    for event in AccessEvent.objects.filter(condition).order_by("-pk"):
        target = names[(event.target_type, event.target_id)]
        lines.append(
            HistoryLine(
                at=event.occurred_at,
                actor=event.actor_name or event.actor_username,
                subject=str(target._meta.verbose_name),
                object_name=str(target),
                object_key=(event.target_type, event.target_id),
                code=event.action,
                action=str(Action(event.action).label),
                details=_details(event.details, detail_labels),
            )
        )
    return lines


def _details(details: dict, labels: DetailLabels) -> list[tuple[str, str]]:
    shown = (labels[key](value) for key, value in details.items() if key in labels)
    return [pair for pair in shown if pair is not None]


def _diff_lines(objects: list[models.Model], value_labels: ValueLabels) -> list[HistoryLine]:
    condition = Q(pk__in=[])
    by_model: dict[type[models.Model], list[str]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(str(obj.pk))
    for model, pks in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=pks)
    entries = LogEntry.objects.filter(condition).select_related("actor", "content_type")
    lines = []
    for entry in entries.order_by("-timestamp", "-pk"):
        code, label = DIFF_ACTIONS.get(entry.action, ("changed", _("changed")))
        model = entry.content_type.model_class()
        lines.append(
            HistoryLine(
                at=entry.timestamp,
                actor=(entry.actor.get_full_name() or entry.actor.get_username())
                if entry.actor
                else "",
                subject=str(model._meta.verbose_name) if model else "",
                object_name=entry.object_repr,
                object_key=(model._meta.label_lower if model else "", entry.object_pk),
                code=code,
                action=str(label),
                changes=changes_of(entry, value_labels) if code == "changed" else [],
            )
        )
    return lines


def changes_of(entry: LogEntry, value_labels: ValueLabels | None = None) -> list[Change]:
    """The fields an entry changed, readable: choices and references by name, m2m as lists."""
    value_labels = value_labels or {}
    model = entry.content_type.model_class()
    shown = entry.changes_display_dict  # choices, dates and references made readable
    changes = []
    for name, values in entry.changes_dict.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # not a field: nothing of ours writes such entries any more
        if model_field.auto_created and not model_field.concrete:
            continue  # auditlog also notes reverse relations on creation, always as None
        label = str(model_field.verbose_name)
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation", "objects"}
            name_of = value_labels.get(name, str)
            objects = ", ".join(name_of(obj) for obj in values.get("objects", []))
            if values.get("operation") == "delete":
                changes.append(Change(label, removed=objects))
            else:
                changes.append(Change(label, added=objects))
            continue
        old, new = shown.get(model_field.verbose_name, shown.get(name, values))
        changes.append(Change(label, old=_readable(old), new=_readable(new)))
    return changes


def _readable(value) -> str:
    if value is None or str(value) == "None":
        return ""
    return str(FLAGS.get(str(value), value))
