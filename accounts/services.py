"""Writes of the accounts app used by the web UI: external accesses (API keys) and members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiKey, BusinessUnit, Membership, Role, User


@transaction.atomic
def api_key_create(
    *, business_unit: BusinessUnit, name: str, role: str, created_by: User | None
) -> tuple[ApiKey, str]:
    """Create a key; return it with the raw secret, which is never stored (only its hash)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Ce champ est obligatoire.")]})
    if role not in Role.values:
        raise ValidationError({"role": [_("Rôle inconnu.")]})
    raw, prefix, key_hash = ApiKey.generate()
    key = ApiKey(
        business_unit=business_unit,
        name=name,
        role=role,
        prefix=prefix,
        key_hash=key_hash,
        created_by=created_by,
    )
    key.full_clean(exclude=["business_unit", "created_by"])
    key.save()
    return key, raw


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


@transaction.atomic
def membership_add(
    *,
    business_unit: BusinessUnit,
    role: str,
    username: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> Membership:
    """Add an existing user (by username) or a new one (with a password) to the business unit."""
    if role not in Role.values:
        raise ValidationError({"role": [_("Rôle inconnu.")]})
    username = username.strip()
    if not username:
        raise ValidationError({"username": [_("Ce champ est obligatoire.")]})
    user = User.objects.filter(username=username).first()
    if user is None:
        if len(password) < 8:
            raise ValidationError(
                {"password": [_("Nouvel utilisateur : mot de passe de 8 caractères au moins.")]}
            )
        user = User(
            username=username, email=email.strip(), first_name=first_name.strip(), last_name=last_name.strip()
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
    if Membership.objects.filter(user=user, business_unit=business_unit).exists():
        raise ValidationError({"username": [_("Cet utilisateur est déjà membre de la business unit.")]})
    return Membership.objects.create(user=user, business_unit=business_unit, role=role)


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": [_("Rôle inconnu.")]})
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            business_unit_id=membership.business_unit_id, role=Role.ADMIN
        )
        if len(list(admins)) <= 1:  # FOR UPDATE cannot wrap COUNT() on PostgreSQL
            raise ValidationError({"role": [_("La business unit doit garder au moins un administrateur.")]})
    membership.role = role
    membership.save(update_fields=["role"])
    return membership
