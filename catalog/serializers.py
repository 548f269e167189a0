"""REST input/output shapes of the catalog. Billing lines are validated by catalog.billing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api import unique_reference

from . import billing
from .models import ActivityType, OperationType
from .vat import VAT_RATES


class BillingLineSerializer(serializers.Serializer):
    """Documents one billing line; validation is catalog.billing.clean_line (errors `billing_lines[i].field`)."""

    # The metaclass turns this into a declared field; mypy sees it shadow Field.label.
    label = serializers.CharField(max_length=billing.MAX_LABEL)  # type: ignore[assignment]
    quantity = serializers.CharField(help_text='Decimal string, at most 4 decimal places, e.g. "1.5".')
    unit = serializers.CharField(max_length=50, required=False, help_text='Defaults to "piece".')
    unit_price = serializers.CharField(help_text="Excluding VAT, decimal string, at most 2 decimal places.")
    vat_rate = serializers.ChoiceField(
        choices=list(VAT_RATES), help_text="Pennylane VAT code, e.g. FR_200, FR_55."
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)


@extend_schema_field(BillingLineSerializer(many=True))
class BillingLinesField(serializers.JSONField):
    """Raw JSON in, checked whole by catalog.billing.clean_lines so each error names its line and field."""


class TotalsSerializer(serializers.Serializer):
    excl_tax = serializers.DecimalField(max_digits=20, decimal_places=2, coerce_to_string=True)
    tax = serializers.DecimalField(max_digits=20, decimal_places=2, coerce_to_string=True)
    incl_tax = serializers.DecimalField(max_digits=20, decimal_places=2, coerce_to_string=True)


def clean_billing_lines(raw: Any, *, field: str = "billing_lines") -> list[dict[str, str]]:
    """catalog.billing.clean_lines with DRF errors keyed by the API field (`field[i].vat_rate`)."""
    try:
        return billing.clean_lines(raw)
    except DjangoValidationError as exc:
        errors = {
            (field + key[len("billing_lines") :] if key.startswith("billing_lines") else key): messages
            for key, messages in exc.message_dict.items()
        }
        raise serializers.ValidationError(errors) from None


MAX_DURATION_MINUTES = 60 * 24 * 31


class ActivityTypeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    operation_type = serializers.ChoiceField(choices=OperationType.choices, required=False)
    default_duration_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_DURATION_MINUTES, required=False
    )
    financial_data_enabled = serializers.BooleanField(required=False)
    billing_data_enabled = serializers.BooleanField(required=False)
    manual_triggers_enabled = serializers.BooleanField(required=False)
    default_billing_lines = BillingLinesField(required=False)

    def validate_reference(self, value: str) -> str:
        return unique_reference(
            self, ActivityType, value, _("Un type d'activité utilise déjà cette référence.")
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "default_billing_lines" in attrs:
            attrs["default_billing_lines"] = clean_billing_lines(
                attrs["default_billing_lines"], field="default_billing_lines"
            )
        if "default_duration_minutes" in attrs:
            attrs["default_duration"] = timedelta(minutes=attrs.pop("default_duration_minutes"))
        return attrs


class ActivityTypeOutputSerializer(serializers.ModelSerializer):
    default_billing_lines = BillingLinesField()
    default_totals = TotalsSerializer()
    default_duration_minutes = serializers.IntegerField()
    billing_active = serializers.BooleanField()

    class Meta:
        model = ActivityType
        fields = [
            "id",
            "name",
            "reference",
            "operation_type",
            "default_duration_minutes",
            "financial_data_enabled",
            "billing_data_enabled",
            "billing_active",
            "manual_triggers_enabled",
            "default_billing_lines",
            "default_totals",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
