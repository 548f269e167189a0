"""Template helpers of the triggers partials included in the activity page."""

from __future__ import annotations

import json
from typing import Any

from django import template

from ..models import Firing

register = template.Library()


@register.simple_tag(takes_context=True)
def firing_for(context: template.Context, entry: Any) -> Firing | None:
    """The firing of a "Déclenchement" history row, from the prefetched map of ui_hooks.

    Without the map (a page that did not call the hook) it falls back to one query."""
    firings = context.get("trigger_firings_by_entry")
    if firings is not None:
        return firings.get(entry.pk)
    try:
        return entry.firing
    except Firing.DoesNotExist:
        return None


@register.filter
def pretty_json(value: Any) -> str:
    if value in (None, "", {}, []):
        return ""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


STATUS_BADGES = {
    "succeeded": "ok",
    "failed": "ko",
    "paused": "warn",
    "pending": "",
    "running": "",
    "skipped": "",
    "cancelled": "",
}


@register.filter
def firing_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "")
