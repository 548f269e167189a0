"""What the triggers app adds to the activity page (activities.views_base.trigger_extra_context).

Fixed number of queries whatever the length of the history: the firings of the "Déclenchement"
rows and their attempts are loaded in two queries and looked up by history entry id.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from activities.models import Activity

from . import selectors


def activity_detail_extra_context(request: HttpRequest, activity: Activity) -> dict[str, Any]:
    principal = getattr(request, "principal", None)
    can_force = bool(principal and principal.can_force_triggers)
    manual = can_force and activity.activity_type.manual_triggers_enabled
    return {
        "trigger_can_force": can_force,
        "trigger_manual_enabled": manual,
        "trigger_manual_triggers": selectors.active_triggers_for(activity=activity) if manual else [],
        "trigger_failed_firings": selectors.activity_failed_firings(activity=activity) if can_force else [],
        "billing_documents": selectors.activity_billing_documents(activity=activity),
        "trigger_firings_by_entry": selectors.firings_by_history_entry(activity=activity),
    }
