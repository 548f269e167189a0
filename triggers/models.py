from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit
from activities.models import Activity, HistoryEntry
from activities.status import Status
from catalog.models import ActivityType


class TriggerType(models.TextChoices):
    PENNYLANE_BILLING = "pennylane_billing", _("Facturer avec Pennylane")


class Mode(models.TextChoices):
    ON_EVENT = "on_event", _("Sur événement")


class Event(models.TextChoices):
    CREATED = "created", _("Création")
    UPDATED = "updated", _("Modification")
    STATUS_CHANGED = "status_changed", _("Changement de statut vers…")
    CLOSED_OK = "closed_ok", _("Clôture OK")
    CLOSED_KO = "closed_ko", _("Clôture KO")
    CANCELLED = "cancelled", _("Annulation")


class Recurrence(models.TextChoices):
    EVERY_TIME = "every_time", _("À chaque fois")
    FIRST_TIME = "first_time", _("La première fois")
    AGAIN = "again", _("Dès que les conditions sont de nouveau réunies")


class Logic(models.TextChoices):
    AND = "and", _("ET")
    OR = "or", _("OU")


class Trigger(models.Model):
    """A rule of "Paramètres > Déclenchements", attached to one activity type."""

    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="triggers")
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.CASCADE, related_name="triggers", verbose_name=_("type d'activité")
    )
    name = models.CharField(_("nom"), max_length=200)
    active = models.BooleanField(_("actif"), default=True)
    trigger_type = models.CharField(
        _("type de déclenchement"),
        max_length=40,
        choices=TriggerType.choices,
        default=TriggerType.PENNYLANE_BILLING,
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ON_EVENT)
    event = models.CharField(_("événement"), max_length=20, choices=Event.choices, default=Event.CLOSED_OK)
    event_status = models.CharField(_("statut visé"), max_length=20, choices=Status.choices, blank=True)
    recurrence = models.CharField(
        _("quand déclencher"), max_length=20, choices=Recurrence.choices, default=Recurrence.FIRST_TIME
    )
    # [{"field": "custom.urgent", "operator": "eq", "value": "oui"}, ...]
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    condition_logic = models.CharField(
        _("opérateur logique"), max_length=3, choices=Logic.choices, default=Logic.AND
    )
    priority = models.PositiveIntegerField(
        _("priorité"), default=100, help_text=_("Les plus petits passent en premier.")
    )
    # Type-specific settings, validated by the type's module (triggers/types/).
    config = models.JSONField(_("paramètres"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("déclencheur")
        ordering = ["activity_type__name", "priority", "id"]
        indexes = [models.Index(fields=["business_unit", "activity_type", "active"])]

    def __str__(self) -> str:
        return self.name


class TriggerState(models.Model):
    """What the recurrence rule needs to remember per (trigger, activity)."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="states")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="trigger_states")
    conditions_met = models.BooleanField(default=False)
    fired_count = models.PositiveIntegerField(default=0)
    last_fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "activity"], name="triggerstate_unique_trigger_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trigger_id}/{self.activity_id}: {self.fired_count}"


class FiringStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    SUCCEEDED = "succeeded", _("Transmis")
    FAILED = "failed", _("Échec")
    PAUSED = "paused", _("En pause (connexion Pennylane à rétablir)")
    SKIPPED = "skipped", _("Ignoré")
    CANCELLED = "cancelled", _("Annulé")


ACTIVE_FIRING_STATUSES = (FiringStatus.PENDING, FiringStatus.RUNNING, FiringStatus.PAUSED)


class Firing(models.Model):
    """One execution of a trigger for an activity: the outbox row, written with the save."""

    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="firings")
    trigger = models.ForeignKey(
        Trigger, null=True, blank=True, on_delete=models.SET_NULL, related_name="firings"
    )
    trigger_name = models.CharField(max_length=200)
    trigger_type = models.CharField(max_length=40, choices=TriggerType.choices)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="firings")
    event = models.CharField(max_length=20, blank=True)
    forced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=FiringStatus.choices, default=FiringStatus.PENDING)
    # Deterministic: trigger, activity and occurrence number. Also the Pennylane external_reference seed.
    idempotency_key = models.CharField(max_length=100, unique=True)
    # The activity and the trigger's settings as they were when the trigger matched.
    snapshot = models.JSONField(default=dict)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    request_data = models.JSONField(default=dict, blank=True)
    response_data = models.JSONField(default=dict, blank=True)
    document_external_reference = models.CharField(max_length=100, blank=True)
    history_entry = models.OneToOneField(
        HistoryEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="firing"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["activity", "trigger"]),
        ]

    def __str__(self) -> str:
        return f"{self.trigger_name} / {self.activity_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_FIRING_STATUSES


class FiringAttempt(models.Model):
    """One run of a firing by a worker: what it sent, what came back, how long it took."""

    firing = models.ForeignKey(Firing, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20)  # succeeded, retry, failed, paused, skipped
    steps = models.JSONField(default=list, blank=True)  # [{"step", "status", "ms", "error"}]
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["number", "id"]

    def __str__(self) -> str:
        return f"{self.firing_id} #{self.number} {self.outcome}"
