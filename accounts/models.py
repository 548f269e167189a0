import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person. What they may do depends on their membership of each business unit."""

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class BusinessUnit(models.Model):
    """The tenant: every object of the product belongs to exactly one business unit."""

    name = models.CharField(_("nom"), max_length=200)
    code = models.SlugField(_("code de rattachement"), max_length=50, unique=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    # Next number of the "ACT-000001" references, taken under a row lock.
    next_activity_number = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("business unit")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    SUPERVISOR = "supervisor", _("Superviseur")
    FIELD_WORKER = "field_worker", _("Intervenant terrain")
    ACCOUNTANT = "accountant", _("Comptable (lecture seule)")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "business_unit"], name="membership_unique_user_bu")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.business_unit} ({self.role})"


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """An "Accès externe": a per-business-unit key for integrators, shown once, stored hashed."""

    PREFIX_LENGTH = 8

    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("nom"), max_length=100)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.SUPERVISOR)
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """Return (raw key, prefix, hash). The raw key is shown once and never stored."""
        prefix = secrets.token_hex(ApiKey.PREFIX_LENGTH // 2)
        raw = f"cad_{prefix}_{secrets.token_urlsafe(32)}"
        return raw, prefix, _hash_key(raw)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_key(raw)

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
