"""REST input/output shapes of customers, activities and their history."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api import BusinessUnitRelatedField, unique_reference
from accounts.models import User
from catalog.models import ActivityType
from catalog.serializers import BillingLinesField, TotalsSerializer, clean_billing_lines

from .models import Activity, Customer, CustomerKind, HistoryEntry
from .services import CUSTOMER_FIELDS
from .status import CancelReason, allowed_actions

# --- customers ------------------------------------------------------------------------------


class CustomerInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    reference = serializers.CharField(max_length=100)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    emails = serializers.ListField(child=serializers.CharField(max_length=254), max_length=20, required=False)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, help_text="ISO 3166 alpha-2, e.g. FR.")
    vat_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    siren = serializers.CharField(max_length=11, required=False, allow_blank=True)

    def validate_reference(self, value: str) -> str:
        return unique_reference(self, Customer, value)


class CustomerOutputSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField()

    class Meta:
        model = Customer
        fields = ["id", "display_name", *CUSTOMER_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields


# --- activities -----------------------------------------------------------------------------


class AssigneeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
            "nullable": True,
        },
    }
)
class CustomFieldsField(serializers.JSONField):
    """{code: value}; checked by activities.services.clean_custom_fields (errors `custom_fields.code`)."""


class ActivityInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Generated (ACT-000001) when empty."
    )
    activity_type = BusinessUnitRelatedField(queryset=ActivityType.objects.all())
    customer = BusinessUnitRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    scheduled_start = serializers.DateTimeField(required=False, allow_null=True)
    scheduled_end = serializers.DateTimeField(required=False, allow_null=True)
    comment = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    custom_fields = CustomFieldsField(required=False)
    billing_lines = BillingLinesField(
        required=False, help_text="On create, defaults to the activity type's default billing lines."
    )
    assignees = BusinessUnitRelatedField(
        many=True,
        queryset=User.objects.all(),
        bu_lookup="memberships__business_unit",
        required=False,
        help_text="User ids, members of the business unit.",
    )

    def validate_reference(self, value: str) -> str:
        return unique_reference(self, Activity, value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "billing_lines" in attrs:
            attrs["billing_lines"] = clean_billing_lines(attrs["billing_lines"])
        return attrs


class ActivityOutputSerializer(serializers.ModelSerializer):
    activity_type_name = serializers.CharField(source="activity_type.name")
    customer_name = serializers.CharField(source="customer.display_name", allow_null=True)
    assignees = AssigneeSerializer(many=True)
    custom_fields = CustomFieldsField()
    billing_lines = BillingLinesField()
    totals = TotalsSerializer()
    billing_locked = serializers.BooleanField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "reference",
            "title",
            "status",
            "allowed_actions",
            "activity_type",
            "activity_type_name",
            "customer",
            "customer_name",
            "assignees",
            "address",
            "postal_code",
            "city",
            "scheduled_start",
            "scheduled_end",
            "cancel_reason",
            "cancel_details",
            "closed_at",
            "cancelled_at",
            "comment",
            "custom_fields",
            "billing_lines",
            "totals",
            "billing_locked",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, activity: Activity) -> list[str]:
        return allowed_actions(activity.status)


class TransitionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class ScheduleInputSerializer(TransitionInputSerializer):
    scheduled_start = serializers.DateTimeField(required=False, allow_null=True)
    scheduled_end = serializers.DateTimeField(required=False, allow_null=True)


class CancelInputSerializer(TransitionInputSerializer):
    reason = serializers.ChoiceField(choices=CancelReason.choices)
    details = serializers.CharField(max_length=5000, required=False, allow_blank=True)


# --- history --------------------------------------------------------------------------------


class HistoryEntryOutputSerializer(serializers.ModelSerializer):
    activity_reference = serializers.CharField(source="activity.reference")
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="{field: [old value, new value]}", read_only=True
    )

    class Meta:
        model = HistoryEntry
        fields = [
            "id",
            "activity",
            "activity_reference",
            "kind",
            "actor_kind",
            "actor_label",
            "actor_user",
            "actor_api_key",
            "origin",
            "changes",
            "message",
            "created_at",
        ]
        read_only_fields = fields
