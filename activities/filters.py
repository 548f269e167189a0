"""Query-string filters of the REST API. Ids in filters resolve inside the principal's business unit
only: another tenant's id is a 400 naming the filter, never a peek at its data (RELIABILITY.md F19)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.api import request_principal
from accounts.models import User
from catalog.models import ActivityType

from .models import Activity, Customer, CustomerKind, HistoryEntry, HistoryKind, OriginChoice
from .status import Status


def scoped(model: type[Model], lookup: str = "business_unit") -> Callable[[Any], QuerySet[Any]]:
    def queryset(request: Any) -> QuerySet[Any]:
        principal = request_principal(request)
        if principal is None:
            return model._default_manager.none()
        return model._default_manager.filter(**{lookup: principal.business_unit})

    return queryset


class BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 date-time within years 1900-2200: farther dates overflow timezone conversions."""

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        if result is not None and not (1900 <= result.year <= 2200):
            raise forms.ValidationError(_("Date hors limites (années 1900 à 2200)."), code="invalid")
        return result


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class ActivityFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    activity_type = django_filters.ModelChoiceFilter(queryset=scoped(ActivityType))
    customer = django_filters.ModelChoiceFilter(queryset=scoped(Customer))
    assignee = django_filters.ModelChoiceFilter(
        field_name="assignees", queryset=scoped(User, "memberships__business_unit")
    )
    scheduled_after = DateTimeFilter(field_name="scheduled_start", lookup_expr="gte")
    scheduled_before = DateTimeFilter(field_name="scheduled_start", lookup_expr="lte")
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte")
    reference = django_filters.CharFilter(max_length=100)

    class Meta:
        model = Activity
        fields: list[str] = []


class CustomerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", max_length=200, label=_("recherche"))
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices)
    reference = django_filters.CharFilter(max_length=100)
    siren = django_filters.CharFilter(max_length=11)
    vat_number = django_filters.CharFilter(max_length=20)
    city = django_filters.CharFilter(lookup_expr="iexact", max_length=100)
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        query = Q()
        for field in ("name", "first_name", "last_name", "reference", "city"):
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


class HistoryFilter(django_filters.FilterSet):
    activity = django_filters.ModelChoiceFilter(queryset=scoped(Activity))
    kind = django_filters.MultipleChoiceFilter(choices=HistoryKind.choices)
    origin = django_filters.ChoiceFilter(choices=OriginChoice.choices)

    class Meta:
        model = HistoryEntry
        fields: list[str] = []


class ActivityHistoryFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=HistoryKind.choices)
    origin = django_filters.ChoiceFilter(choices=OriginChoice.choices)

    class Meta:
        model = HistoryEntry
        fields: list[str] = []
