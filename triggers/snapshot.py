"""Plain, JSON-safe pictures of an activity: for conditions, and for the firing's snapshot."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from activities.models import Activity, Customer

if TYPE_CHECKING:
    from .models import Trigger


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def customer_values(customer: Customer | None) -> dict[str, Any]:
    if customer is None:
        return {}
    return {
        "id": customer.pk,
        "kind": customer.kind,
        "reference": customer.reference,
        "name": customer.display_name,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "emails": list(customer.emails or []),
        "phone": customer.phone,
        "address": customer.address,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": customer.country,
        "vat_number": customer.vat_number,
        "siren": customer.siren,
    }


def condition_values(activity: Activity, *, with_customer: bool) -> dict[str, Any]:
    totals = activity.totals
    values: dict[str, Any] = {
        "status": activity.status,
        "title": activity.title,
        "reference": activity.reference,
        "comment": activity.comment,
        "address": activity.address,
        "postal_code": activity.postal_code,
        "city": activity.city,
        "scheduled_start": _iso(activity.scheduled_start),
        "closed_at": _iso(activity.closed_at),
        "cancel_reason": activity.cancel_reason,
        "total_excl_tax": str(totals.excl_tax),
        "total_incl_tax": str(totals.incl_tax),
    }
    for code, value in (activity.custom_fields or {}).items():
        values[f"custom.{code}"] = value
    if with_customer:
        for key, value in customer_values(activity.customer).items():
            values[f"customer.{key}"] = value
    return values


def _assignees(activity: Activity) -> list[str]:
    users = getattr(activity, "_assignees_for_snapshot", None)
    if users is None:
        users = list(activity.assignees.all())
    return [u.get_full_name() or u.username for u in users]


def build(activity: Activity, trigger: Trigger, *, event: str) -> dict[str, Any]:
    totals = activity.totals
    return {
        "event": event,
        "taken_at": timezone.now().isoformat(),
        "business_unit_id": activity.business_unit_id,
        "activity": {
            "id": activity.pk,
            "reference": activity.reference,
            "title": activity.title,
            "status": activity.status,
            "activity_type": activity.activity_type_id,
            "comment": activity.comment,
            "address": activity.address,
            "postal_code": activity.postal_code,
            "city": activity.city,
            "scheduled_start": _iso(activity.scheduled_start),
            "scheduled_end": _iso(activity.scheduled_end),
            "closed_at": _iso(activity.closed_at),
            "custom_fields": dict(activity.custom_fields or {}),
            "billing_lines": list(activity.billing_lines or []),
            "total_excl_tax": str(totals.excl_tax),
            "total_tax": str(totals.tax),
            "total_incl_tax": str(totals.incl_tax),
            "assignees": _assignees(activity),
        },
        "customer": customer_values(activity.customer) or None,
        "trigger": {
            "id": trigger.pk,
            "name": trigger.name,
            "type": trigger.trigger_type,
            "config": trigger.config,
        },
    }
