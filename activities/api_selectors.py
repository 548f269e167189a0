"""Reads of the REST API, scoped to the principal (business unit, and own activities for field workers)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from accounts.principal import Principal

from .models import Activity, Customer, HistoryEntry


def activity_list(*, principal: Principal) -> QuerySet[Activity]:
    """Activities the principal may see, with what the output needs in a fixed number of queries."""
    queryset = (
        Activity.objects.filter(business_unit=principal.business_unit)
        .select_related("activity_type", "customer")
        .prefetch_related(Prefetch("assignees", queryset=User.objects.order_by("username")))
    )
    if principal.is_field_worker:
        # A field worker sees the activities assigned to them; a field-worker API key has no
        # person behind it, hence nothing.
        if principal.user is None:
            return queryset.none()
        queryset = queryset.filter(assignees=principal.user)
    return queryset


def activity_get(*, principal: Principal, pk: int) -> Activity:
    return activity_list(principal=principal).get(pk=pk)


def customer_list(*, principal: Principal) -> QuerySet[Customer]:
    return Customer.objects.filter(business_unit=principal.business_unit)


def history_list(*, principal: Principal, activity: Activity | None = None) -> QuerySet[HistoryEntry]:
    queryset = HistoryEntry.objects.filter(business_unit=principal.business_unit).select_related("activity")
    if activity is not None:
        queryset = queryset.filter(activity=activity)
    if principal.is_field_worker:
        queryset = queryset.filter(activity__in=activity_list(principal=principal).values("pk"))
    return queryset
