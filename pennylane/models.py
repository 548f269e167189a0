from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit


class ConnectionStatus(models.TextChoices):
    NEVER = "never", _("Jamais connecté")
    CONNECTED = "connected", _("Connecté")
    TO_RECONNECT = "to_reconnect", _("À reconnecter")
    DISCONNECTED = "disconnected", _("Déconnecté")


class PennylaneConnection(models.Model):
    """One business unit's OAuth connection to one Pennylane company. Tokens are Fernet-encrypted."""

    business_unit = models.OneToOneField(
        BusinessUnit, on_delete=models.CASCADE, related_name="pennylane_connection"
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.NEVER
    )
    company_id = models.BigIntegerField(_("identifiant de la société Pennylane"), null=True, blank=True)
    company_name = models.CharField(_("société Pennylane"), max_length=300, blank=True)
    scopes = models.JSONField(_("autorisations"), default=list, blank=True)
    # Ciphertexts (pennylane.crypto); never shown, serialized or logged.
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("connexion Pennylane")
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.business_unit} → {self.company_name or '—'} ({self.status})"

    @property
    def has_tokens(self) -> bool:
        return bool(self.access_token_encrypted and self.refresh_token_encrypted)

    @property
    def is_usable(self) -> bool:
        return self.status == ConnectionStatus.CONNECTED and self.has_tokens

    @property
    def is_failing(self) -> bool:
        """Connected on paper, but the last call failed: never show it as plainly connected."""
        if self.last_error_at is None:
            return False
        return self.last_success_at is None or self.last_error_at > self.last_success_at

    @property
    def health(self) -> str:
        """never / connected / failing / to_reconnect / disconnected, for display."""
        if self.status == ConnectionStatus.CONNECTED and (self.is_failing or not self.has_tokens):
            return "failing"
        return self.status


class OAuthState(models.Model):
    """A pending authorization: single-use, bound to a session, a user and a business unit."""

    state_hash = models.CharField(max_length=64, unique=True)
    session_hash = models.CharField(max_length=64)
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    next_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"OAuth state {self.state_hash[:8]}… ({self.business_unit_id})"


class CustomerLink(models.Model):
    """Which Pennylane customer (in which company) a local customer is."""

    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "activities.Customer", on_delete=models.CASCADE, related_name="pennylane_links"
    )
    company_id = models.BigIntegerField()
    pennylane_customer_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "company_id"], name="customerlink_unique_customer_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.pennylane_customer_id}@{self.company_id}"


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    QUOTE = "quote", _("Devis")


class BillingDocument(models.Model):
    """A quote or invoice created in Pennylane for an activity (what Pennylane answered)."""

    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.CASCADE, related_name="billing_documents"
    )
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, related_name="billing_documents"
    )
    kind = models.CharField(_("type"), max_length=10, choices=DocumentKind.choices)
    company_id = models.BigIntegerField(null=True, blank=True)
    external_reference = models.CharField(max_length=200, unique=True)
    pennylane_id = models.BigIntegerField(null=True, blank=True)
    number = models.CharField(_("numéro"), max_length=100, blank=True)
    status = models.CharField(_("statut"), max_length=40, blank=True)
    draft = models.BooleanField(_("brouillon"), default=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    amount_excl_tax = models.DecimalField(
        _("montant HT"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_incl_tax = models.DecimalField(
        _("montant TTC"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    customer_pennylane_id = models.BigIntegerField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document Pennylane")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["business_unit", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.external_reference}"


class RateLimitBucket(models.Model):
    """The database-backed rate-limit window (used when there is no Redis): one row per token hash."""

    key = models.CharField(max_length=64, primary_key=True)
    hits = models.JSONField(default=list)
    cooldown_until = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return self.key[:8]
