from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit

from . import billing


class OperationType(models.TextChoices):
    INTERVENTION = "intervention", _("Intervention")
    INTERVENTION_NO_LOCATION = "intervention_no_location", _("Intervention sans localisation")
    CALL = "call", _("Appel")
    TASK = "task", _("Tâche")


class ActivityType(models.Model):
    """An entry of "Paramètres > Gestion catalogue"."""

    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="activity_types")
    name = models.CharField(_("nom"), max_length=200)
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    operation_type = models.CharField(
        _("type d'opération"),
        max_length=30,
        choices=OperationType.choices,
        default=OperationType.INTERVENTION,
    )
    default_duration = models.DurationField(_("durée par défaut"), default=timedelta(hours=1))
    financial_data_enabled = models.BooleanField(_("Activer les données financières"), default=False)
    billing_data_enabled = models.BooleanField(_("Activer les données de facturation"), default=False)
    manual_triggers_enabled = models.BooleanField(
        _("Les déclencheurs sont disponibles manuellement sur l'activité"), default=False
    )
    default_billing_lines = models.JSONField(_("lignes de facturation par défaut"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("type d'activité")
        verbose_name_plural = _("types d'activité")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_unit", "reference"],
                condition=~models.Q(reference=""),
                name="activitytype_unique_reference_per_bu",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def billing_active(self) -> bool:
        """Billing data only counts when financial data is on too."""
        return self.financial_data_enabled and self.billing_data_enabled

    @property
    def default_totals(self) -> billing.Totals:
        return billing.totals(self.default_billing_lines or [])

    @property
    def default_duration_minutes(self) -> int:
        return int(self.default_duration.total_seconds() // 60)
