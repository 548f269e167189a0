"""Writes to the catalog ("Paramètres > Gestion catalogue")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import BusinessUnit

from . import billing
from .models import ActivityType

UPDATABLE_FIELDS = (
    "name",
    "reference",
    "operation_type",
    "default_duration",
    "financial_data_enabled",
    "billing_data_enabled",
    "manual_triggers_enabled",
    "default_billing_lines",
)


def _validate(activity_type: ActivityType) -> None:
    activity_type.name = activity_type.name.strip()
    activity_type.reference = activity_type.reference.strip()
    if activity_type.default_duration <= timedelta(0):
        raise ValidationError({"default_duration": [_("La durée doit être positive.")]})
    activity_type.default_billing_lines = billing.clean_lines(activity_type.default_billing_lines)
    # business_unit is not excluded: the (business_unit, reference) constraint must be checked.
    activity_type.full_clean(validate_constraints=True)


@transaction.atomic
def activity_type_create(
    *,
    business_unit: BusinessUnit,
    name: str,
    reference: str = "",
    operation_type: str = "intervention",
    default_duration: timedelta = timedelta(hours=1),
    financial_data_enabled: bool = False,
    billing_data_enabled: bool = False,
    manual_triggers_enabled: bool = False,
    default_billing_lines: list[dict[str, Any]] | None = None,
) -> ActivityType:
    activity_type = ActivityType(
        business_unit=business_unit,
        name=name,
        reference=reference,
        operation_type=operation_type,
        default_duration=default_duration,
        financial_data_enabled=financial_data_enabled,
        billing_data_enabled=billing_data_enabled,
        manual_triggers_enabled=manual_triggers_enabled,
        default_billing_lines=default_billing_lines or [],
    )
    _validate(activity_type)
    activity_type.save()
    return activity_type


@transaction.atomic
def activity_type_update(*, activity_type: ActivityType, data: dict[str, Any]) -> ActivityType:
    """Change the given fields (a subset of UPDATABLE_FIELDS)."""
    unknown = set(data) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Champ non modifiable.")] for name in sorted(unknown)})
    activity_type = ActivityType.objects.select_for_update().get(pk=activity_type.pk)
    for name, value in data.items():
        setattr(activity_type, name, value)
    _validate(activity_type)
    activity_type.save(update_fields=[*data, "updated_at"])
    return activity_type
