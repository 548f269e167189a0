from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiKey, BusinessUnit
from catalog import billing
from catalog.models import ActivityType

from .status import CancelReason, Status
from .validators import validate_country, validate_no_nul, validate_siren, validate_vat_number


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Professionnel")
    INDIVIDUAL = "individual", _("Particulier")


class Customer(models.Model):
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="customers")
    kind = models.CharField(
        _("type"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.COMPANY
    )
    reference = models.CharField(_("référence"), max_length=100, validators=[validate_no_nul])
    name = models.CharField(_("raison sociale"), max_length=200, blank=True, validators=[validate_no_nul])
    first_name = models.CharField(_("prénom"), max_length=100, blank=True, validators=[validate_no_nul])
    last_name = models.CharField(_("nom"), max_length=100, blank=True, validators=[validate_no_nul])
    emails = models.JSONField(_("e-mails"), default=list, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True, validators=[validate_no_nul])
    address = models.CharField(_("adresse"), max_length=300, blank=True, validators=[validate_no_nul])
    postal_code = models.CharField(_("code postal"), max_length=20, blank=True, validators=[validate_no_nul])
    city = models.CharField(_("ville"), max_length=100, blank=True, validators=[validate_no_nul])
    country = models.CharField(_("pays"), max_length=2, default="FR", validators=[validate_country])
    vat_number = models.CharField(
        _("numéro de TVA"), max_length=20, blank=True, validators=[validate_vat_number]
    )
    siren = models.CharField(_("SIREN"), max_length=11, blank=True, validators=[validate_siren])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("client")
        ordering = ["name", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_unit", "reference"], name="customer_unique_reference_per_bu"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == CustomerKind.INDIVIDUAL:
            return f"{self.first_name} {self.last_name}".strip()
        return self.name

    @property
    def has_billing_address(self) -> bool:
        return bool(self.address and self.postal_code and self.city and self.country)


# Fields whose changes are diffed into the history and handed to the trigger engine.
TRACKED_FIELDS = (
    "reference",
    "title",
    "activity_type_id",
    "customer_id",
    "address",
    "postal_code",
    "city",
    "scheduled_start",
    "scheduled_end",
    "status",
    "cancel_reason",
    "cancel_details",
    "closed_at",
    "cancelled_at",
    "comment",
    "custom_fields",
    "billing_lines",
)


class ActivityQuerySet(models.QuerySet["Activity"]):
    """Bulk paths send no post_save, so they would silently skip the triggers (RELIABILITY.md
    F24): they are refused for the fields triggers look at. Go through activities.services."""

    def update(self, **kwargs: Any) -> int:
        touched = {name.removesuffix("_id") for name in kwargs} & {
            f.removesuffix("_id") for f in TRACKED_FIELDS
        }
        if touched:
            raise TypeError(
                f"Activity.objects.update() on {sorted(touched)} would bypass the triggers: use activities.services"
            )
        return super().update(**kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "Activity bulk_create would bypass the triggers: use activities.services.activity_create"
        )

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "Activity bulk_update would bypass the triggers: use activities.services.activity_update"
        )


class Activity(models.Model):
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="activities")
    reference = models.CharField(_("référence"), max_length=100, validators=[validate_no_nul])
    title = models.CharField(_("titre"), max_length=300, validators=[validate_no_nul])
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("type d'activité")
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("client"),
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True, validators=[validate_no_nul])
    postal_code = models.CharField(_("code postal"), max_length=20, blank=True, validators=[validate_no_nul])
    city = models.CharField(_("ville"), max_length=100, blank=True, validators=[validate_no_nul])
    scheduled_start = models.DateTimeField(_("début prévu"), null=True, blank=True)
    scheduled_end = models.DateTimeField(_("fin prévue"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.TO_SCHEDULE)
    cancel_reason = models.CharField(
        _("motif d'annulation"), max_length=30, choices=CancelReason.choices, blank=True
    )
    cancel_details = models.TextField(_("détails de l'annulation"), blank=True, validators=[validate_no_nul])
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True, validators=[validate_no_nul])
    custom_fields = models.JSONField(_("champs personnalisés"), default=dict, blank=True)
    billing_lines = models.JSONField(_("lignes de facturation"), default=list, blank=True)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_activities",
        verbose_name=_("intervenants"),
    )
    # Set when a Pennylane document of this activity is finalized or sent: lines are frozen.
    billing_locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activité")
        ordering = ["-scheduled_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_unit", "reference"], name="activity_unique_reference_per_bu"
            )
        ]
        indexes = [
            models.Index(fields=["business_unit", "status"]),
            models.Index(fields=["business_unit", "scheduled_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Activity:  # type: ignore[override]
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.remember_state()
        return instance

    def remember_state(self) -> None:
        """Keep the values as loaded, so a save can be diffed (history) and matched (triggers)."""
        self._loaded_values = self.tracked_values()

    def tracked_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in TRACKED_FIELDS if name in self.__dict__}

    @property
    def loaded_values(self) -> dict[str, Any]:
        return getattr(self, "_loaded_values", {})

    @property
    def totals(self) -> billing.Totals:
        return billing.totals(self.billing_lines or [])

    @property
    def billing_locked(self) -> bool:
        return self.billing_locked_at is not None

    @property
    def is_closed(self) -> bool:
        return self.status in (Status.CLOSED_OK, Status.CLOSED_KO)


class ActorKind(models.TextChoices):
    USER = "user", _("Utilisateur")
    API_KEY = "api_key", _("Clé d'API")
    SYSTEM = "system", _("Système")


class OriginChoice(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    ADMIN = "admin", _("Administration")
    IMPORT = "import", _("Import")
    SYSTEM = "system", _("Système")


class HistoryKind(models.TextChoices):
    CREATED = "created", _("Création")
    UPDATED = "updated", _("Modification")
    STATUS = "status", _("Changement de statut")
    TRIGGER = "trigger", _("Déclenchement")
    NOTE = "note", _("Note")


class HistoryEntry(models.Model):
    """A row of "Historique des modifications", written in the transaction of the change."""

    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=20, choices=HistoryKind.choices)
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices, default=ActorKind.SYSTEM)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    origin = models.CharField(max_length=20, choices=OriginChoice.choices, default=OriginChoice.SYSTEM)
    # {field: [old, new]} with JSON-safe values
    changes = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("entrée d'historique")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.activity_id} {self.created_at:%Y-%m-%d %H:%M}"
