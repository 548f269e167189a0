"""REST shapes of triggers and firings. Input serializers check types and tenant scoping; the
services validate the rest (conditions, config) and name the field in their errors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api import BusinessUnitRelatedField
from activities.models import Activity
from activities.status import Status
from catalog.models import ActivityType

from . import conditions as conditions_module
from .models import Event, Firing, FiringAttempt, Logic, Recurrence, Trigger, TriggerType

MAX_PRIORITY = 10000


class ConditionSerializer(serializers.Serializer):
    """Documentation of one condition; validated by triggers.conditions.clean_conditions."""

    field = serializers.CharField(help_text=_("Champ de l'activité, custom.<code> ou customer.<champ>."))
    operator = serializers.ChoiceField(choices=list(conditions_module.OPERATORS))
    value = serializers.JSONField(required=False, help_text=_("Texte, nombre, ou liste pour in / not_in."))


class PennylaneConfigSerializer(serializers.Serializer):
    """Documentation of the "Facturer avec Pennylane" settings (triggers.types.pennylane_billing)."""

    document = serializers.ChoiceField(choices=["invoice", "quote"], required=False)
    invoice_mode = serializers.ChoiceField(choices=["draft", "finalized"], required=False)
    send_email = serializers.BooleanField(required=False)
    extra_recipients = serializers.ListField(child=serializers.EmailField(), required=False)
    date_rule = serializers.ChoiceField(
        choices=["firing_date", "closure_date", "scheduled_date"], required=False
    )
    deadline_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    fields = serializers.ListField(child=serializers.CharField(), required=False)
    custom_fields = serializers.ListField(child=serializers.CharField(), required=False)
    free_text = serializers.CharField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=["fr_FR", "en_GB", "de_DE"], required=False)


@extend_schema_field(ConditionSerializer(many=True))
class ConditionsField(serializers.JSONField):
    pass


@extend_schema_field(PennylaneConfigSerializer)
class ConfigField(serializers.JSONField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("Un objet de paramètres est attendu."))
        return super().to_internal_value(data)


class TriggerInputSerializer(serializers.Serializer):
    activity_type = BusinessUnitRelatedField(queryset=ActivityType.objects.all())
    name = serializers.CharField(max_length=200)
    trigger_type = serializers.ChoiceField(choices=TriggerType.choices, default=TriggerType.PENNYLANE_BILLING)
    active = serializers.BooleanField(required=False)
    event = serializers.ChoiceField(choices=Event.choices, required=False)
    event_status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, required=False)
    conditions = ConditionsField(required=False)
    condition_logic = serializers.ChoiceField(choices=Logic.choices, required=False)
    priority = serializers.IntegerField(min_value=0, max_value=MAX_PRIORITY, required=False)
    config = ConfigField(required=False)


class TriggerOutputSerializer(serializers.ModelSerializer):
    activity_type_name = serializers.CharField(source="activity_type.name", read_only=True)
    conditions = ConditionsField(read_only=True)
    config = ConfigField(read_only=True)

    class Meta:
        model = Trigger
        fields = [
            "id",
            "activity_type",
            "activity_type_name",
            "name",
            "active",
            "trigger_type",
            "mode",
            "event",
            "event_status",
            "recurrence",
            "conditions",
            "condition_logic",
            "priority",
            "config",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProblemSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["error", "warning"])
    message = serializers.CharField()
    code = serializers.CharField()
    connect_button = serializers.BooleanField()


class ProblemsOutputSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text=_("Vrai quand il n'y a aucune erreur."))
    problems = ProblemSerializer(many=True)


class PreviewQuerySerializer(serializers.Serializer):
    activity = BusinessUnitRelatedField(queryset=Activity.objects.all())


class PreviewOutputSerializer(serializers.Serializer):
    method = serializers.CharField()
    path = serializers.CharField()
    body = serializers.DictField()


class FiringAttemptSerializer(serializers.ModelSerializer):
    steps = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = FiringAttempt
        fields = ["number", "started_at", "duration_ms", "outcome", "steps", "error_message"]
        read_only_fields = fields


class FiringOutputSerializer(serializers.ModelSerializer):
    activity_reference = serializers.CharField(source="activity.reference", read_only=True)
    forced_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Firing
        fields = [
            "id",
            "trigger",
            "trigger_name",
            "trigger_type",
            "activity",
            "activity_reference",
            "event",
            "status",
            "forced_by",
            "forced_by_name",
            "attempts",
            "next_attempt_at",
            "finished_at",
            "error_message",
            "document_external_reference",
            "history_entry",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_forced_by_name(self, firing: Firing) -> str:
        return str(firing.forced_by) if firing.forced_by_id else ""


class FiringDetailSerializer(FiringOutputSerializer):
    request_data = serializers.DictField(read_only=True, help_text=_("Ce qui a été envoyé à Pennylane."))
    response_data = serializers.DictField(read_only=True, help_text=_("Ce que Pennylane a répondu."))
    attempt_rows = FiringAttemptSerializer(many=True, read_only=True)

    class Meta(FiringOutputSerializer.Meta):
        fields = [*FiringOutputSerializer.Meta.fields, "request_data", "response_data", "attempt_rows"]
        read_only_fields = fields


class ForceInputSerializer(serializers.Serializer):
    trigger = BusinessUnitRelatedField(queryset=Trigger.objects.all())
