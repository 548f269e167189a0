from __future__ import annotations

from django.db.models import Count, QuerySet

from accounts.models import BusinessUnit

from .models import ActivityType


def activity_type_list(*, business_unit: BusinessUnit) -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(business_unit=business_unit).annotate(
        activity_count=Count("activities")
    )


def activity_types_for_choice(*, business_unit: BusinessUnit) -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(business_unit=business_unit).order_by("name")
