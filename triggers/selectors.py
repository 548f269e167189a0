"""Reads of triggers and firings, always scoped to one business unit, with the joins lists need."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import BusinessUnit
from activities.models import Activity, HistoryEntry, HistoryKind
from catalog.models import ActivityType

from .models import Firing, FiringAttempt, FiringStatus, Trigger

PREVIEW_ACTIVITIES = 50
RECENT_FIRINGS = 20


def trigger_list(*, business_unit: BusinessUnit) -> QuerySet[Trigger]:
    return (
        Trigger.objects.filter(business_unit=business_unit)
        .select_related("activity_type")
        .annotate(
            failed_count=Count("firings", filter=Q(firings__status=FiringStatus.FAILED)),
        )
        .order_by("activity_type__name", "activity_type_id", "priority", "id")
    )


def triggers_by_activity_type(*, business_unit: BusinessUnit) -> list[tuple[ActivityType, list[Trigger]]]:
    """ "Paramètres > Déclenchements": the triggers grouped by activity type (one query)."""
    triggers = list(trigger_list(business_unit=business_unit))
    return [(t, list(group)) for t, group in groupby(triggers, key=lambda trigger: trigger.activity_type)]


def trigger_detail(*, business_unit: BusinessUnit) -> QuerySet[Trigger]:
    return Trigger.objects.filter(business_unit=business_unit).select_related(
        "activity_type", "business_unit"
    )


def activity_types(*, business_unit: BusinessUnit) -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(business_unit=business_unit).order_by("name", "id")


def preview_activities(*, trigger: Trigger) -> QuerySet[Activity]:
    """The latest activities of the trigger's type, to preview the Pennylane request on."""
    return (
        Activity.objects.filter(
            business_unit_id=trigger.business_unit_id, activity_type_id=trigger.activity_type_id
        )
        .only("id", "reference", "title", "created_at")
        .order_by("-created_at", "-id")[:PREVIEW_ACTIVITIES]
    )


def firing_list(*, business_unit: BusinessUnit) -> QuerySet[Firing]:
    return (
        Firing.objects.filter(business_unit=business_unit)
        .select_related("activity", "forced_by")
        .order_by("-created_at", "-id")
    )


def firing_detail(*, business_unit: BusinessUnit) -> QuerySet[Firing]:
    return firing_list(business_unit=business_unit).prefetch_related(
        Prefetch("attempt_rows", queryset=FiringAttempt.objects.order_by("number", "id"))
    )


def recent_firings(*, trigger: Trigger) -> list[Firing]:
    return list(firing_list(business_unit=trigger.business_unit).filter(trigger=trigger)[:RECENT_FIRINGS])


def active_triggers_for(*, activity: Activity) -> list[Trigger]:
    """The triggers an activity can be forced with (same type, active)."""
    return list(
        Trigger.objects.filter(
            business_unit_id=activity.business_unit_id,
            activity_type_id=activity.activity_type_id,
            active=True,
        ).order_by("priority", "name", "id")
    )


def activity_billing_documents(*, activity: Activity) -> list[Any]:
    return list(
        activity.billing_documents.filter(business_unit_id=activity.business_unit_id).order_by(
            "created_at", "id"
        )
    )


def activity_failed_firings(*, activity: Activity) -> list[Firing]:
    return list(
        Firing.objects.filter(
            activity=activity, business_unit_id=activity.business_unit_id, status=FiringStatus.FAILED
        )
        .select_related("trigger")
        .order_by("-created_at", "-id")
    )


def firings_by_history_entry(*, activity: Activity) -> dict[int, Firing]:
    """The firing of each "Déclenchement" row of the activity's history, attempts included.

    Two queries whatever the number of history rows (firings + their attempts)."""
    entry_ids = HistoryEntry.objects.filter(activity=activity, kind=HistoryKind.TRIGGER).values("id")
    firings = (
        Firing.objects.filter(
            activity=activity, business_unit_id=activity.business_unit_id, history_entry_id__in=entry_ids
        )
        .select_related("forced_by")
        .prefetch_related(Prefetch("attempt_rows", queryset=FiringAttempt.objects.order_by("number", "id")))
    )
    return {firing.history_entry_id: firing for firing in firings if firing.history_entry_id is not None}
