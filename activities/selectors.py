"""Reads of activities and customers, scoped to the principal (tenant + field worker rules)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, User
from accounts.principal import Principal
from catalog.models import ActivityType

from .models import Activity, Customer, HistoryEntry


def activities_visible(*, principal: Principal) -> QuerySet[Activity]:
    """Every activity the principal may see: its business unit's, only its own for field workers."""
    qs = Activity.objects.filter(business_unit=principal.business_unit)
    if principal.is_field_worker:
        qs = qs.filter(assignees=principal.user)
    return qs


def activity_list(*, principal: Principal) -> QuerySet[Activity]:
    """The list page: a fixed number of queries whatever the page size."""
    return (
        activities_visible(principal=principal)
        .select_related("activity_type", "customer")
        .prefetch_related(Prefetch("assignees", queryset=User.objects.order_by("last_name", "username")))
    )


def activities_today(*, principal: Principal, now: datetime | None = None) -> QuerySet[Activity]:
    """Today's activities assigned to the user ("Mes activités du jour"), in the local day."""
    now = timezone.localtime(now or timezone.now())
    start = timezone.make_aware(datetime.combine(now.date(), time.min))
    end = start + timedelta(days=1)
    return (
        Activity.objects.filter(
            business_unit=principal.business_unit,
            assignees=principal.user,
            scheduled_start__gte=start,
            scheduled_start__lt=end,
        )
        .select_related("activity_type", "customer")
        .order_by("scheduled_start", "id")
    )


def activity_detail(*, principal: Principal) -> QuerySet[Activity]:
    return (
        activities_visible(principal=principal)
        .select_related("activity_type", "customer")
        .prefetch_related("assignees")
    )


def activity_history(*, activity: Activity) -> list[HistoryEntry]:
    return list(activity.history.select_related("actor_user").order_by("-created_at", "-id"))


def history_names(*, activity: Activity, entries: list[HistoryEntry]) -> dict[str, dict[str, str]]:
    """Names of the types, customers and assignees a history mentions (three queries at most)."""
    ids: dict[str, set[Any]] = {"activity_type_id": set(), "customer_id": set()}
    for entry in entries:
        for field, ids_of_field in ids.items():
            for value in (entry.changes or {}).get(field, []) or []:
                if isinstance(value, int):
                    ids_of_field.add(value)
    usernames: set[str] = set()
    for entry in entries:
        for value in (entry.changes or {}).get("assignees", []) or []:
            if isinstance(value, list):
                usernames.update(str(v) for v in value)
    names: dict[str, dict[str, str]] = {"activity_type_id": {}, "customer_id": {}, "assignees": {}}
    if usernames:
        for user in User.objects.filter(
            username__in=usernames, memberships__business_unit_id=activity.business_unit_id
        ):
            names["assignees"][user.username] = str(user)
    bu = activity.business_unit_id
    if ids["activity_type_id"]:
        for t in ActivityType.objects.filter(business_unit_id=bu, pk__in=ids["activity_type_id"]).only(
            "name"
        ):
            names["activity_type_id"][str(t.pk)] = t.name
    if ids["customer_id"]:
        for c in Customer.objects.filter(business_unit_id=bu, pk__in=ids["customer_id"]):
            names["customer_id"][str(c.pk)] = c.display_name
    return names


def assignable_users(*, principal: Principal) -> QuerySet[User]:
    return User.objects.filter(memberships__business_unit=principal.business_unit).order_by(
        "last_name", "first_name", "username"
    )


def members(*, principal: Principal) -> QuerySet[Membership]:
    return Membership.objects.filter(business_unit=principal.business_unit).select_related("user")


def customer_list(*, principal: Principal, search: str = "") -> QuerySet[Customer]:
    qs = Customer.objects.filter(business_unit=principal.business_unit)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(reference__icontains=search)
            | Q(city__icontains=search)
            | Q(postal_code__icontains=search)
        )
    return qs.order_by("name", "last_name", "first_name", "id")


def customers_for_choice(*, principal: Principal) -> QuerySet[Customer]:
    return Customer.objects.filter(business_unit=principal.business_unit).order_by(
        "name", "last_name", "first_name"
    )
