"""One function per kind of history row. Callers are inside the transaction of the change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.principal import Actor

from .models import Activity, HistoryEntry, HistoryKind


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-by-field diff; `_id` suffixes are kept so the reader can resolve names."""
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before != after:
            changes[name] = [_json_safe(before), _json_safe(after)]
    return changes


def _entry(
    activity: Activity,
    actor: Actor,
    kind: str,
    *,
    changes: dict[str, Any] | None = None,
    message: str = "",
    at: dt.datetime | None = None,
) -> HistoryEntry:
    return HistoryEntry.objects.create(
        created_at=at or timezone.now(),
        business_unit_id=activity.business_unit_id,
        activity=activity,
        kind=kind,
        actor_kind=actor.kind,
        actor_user=actor.user,
        actor_api_key=actor.api_key,
        actor_label=actor.label[:200],
        origin=actor.origin,
        changes=changes or {},
        message=message,
    )


def history_created(
    activity: Activity, actor: Actor, values: dict[str, Any], at: dt.datetime | None = None
) -> HistoryEntry:
    return _entry(activity, actor, HistoryKind.CREATED, changes=diff({}, values), at=at)


def history_updated(activity: Activity, actor: Actor, changes: dict[str, list[Any]]) -> HistoryEntry:
    return _entry(activity, actor, HistoryKind.UPDATED, changes=changes)


def history_status(
    activity: Activity, actor: Actor, changes: dict[str, list[Any]], message: str = ""
) -> HistoryEntry:
    return _entry(activity, actor, HistoryKind.STATUS, changes=changes, message=message)


def history_trigger(activity: Activity, actor: Actor, message: str) -> HistoryEntry:
    return _entry(activity, actor, HistoryKind.TRIGGER, message=message)


def history_note(activity: Activity, actor: Actor, message: str) -> HistoryEntry:
    return _entry(activity, actor, HistoryKind.NOTE, message=message)
