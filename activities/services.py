"""Every write to customers and activities. Each runs in one transaction with its history row."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import BusinessUnit, Membership, User
from accounts.principal import Actor
from catalog import billing
from catalog.models import ActivityType

from . import history
from .exceptions import BillingLockedError, TransitionError
from .models import TRACKED_FIELDS, Activity, Customer
from .status import TRANSITIONS, Action, CancelReason, Status

EDITABLE_FIELDS = (
    "title",
    "reference",
    "activity_type",
    "customer",
    "address",
    "postal_code",
    "city",
    "scheduled_start",
    "scheduled_end",
    "comment",
    "custom_fields",
    "billing_lines",
)
CUSTOM_CODE = re.compile(r"^[a-z0-9_]{1,50}$")


def clean_custom_fields(raw: Any) -> dict[str, Any]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise ValidationError({"custom_fields": [_("Un objet {code: valeur} est attendu.")]})
    if len(raw) > 100:
        raise ValidationError({"custom_fields": [_("Au plus 100 champs personnalisés.")]})
    errors: dict[str, list[str]] = {}
    for code, value in raw.items():
        key = f"custom_fields.{code}"[:80]
        if not isinstance(code, str) or not CUSTOM_CODE.match(code):
            errors.setdefault(key, []).append(
                _("Code invalide : minuscules, chiffres et _ uniquement (50 caractères au plus).")
            )
        elif value is not None and not isinstance(value, str | int | float | bool):
            errors.setdefault(key, []).append(_("Valeur simple attendue (texte, nombre, booléen)."))
        elif isinstance(value, str) and (len(value) > 2000 or "\x00" in value):
            errors.setdefault(key, []).append(_("Texte invalide (2000 caractères au plus)."))
        elif isinstance(value, float) and value != value:  # NaN
            errors.setdefault(key, []).append(_("Nombre invalide."))
    if errors:
        raise ValidationError(errors)
    return dict(raw)


def _check_schedule(start: datetime | None, end: datetime | None) -> None:
    if start and end and end < start:
        raise ValidationError({"scheduled_end": [_("La fin prévue doit être après le début prévu.")]})
    for name, value in (("scheduled_start", start), ("scheduled_end", end)):
        if value is not None and not (2000 <= value.year <= 2100):
            raise ValidationError({name: [_("Date hors limites (années 2000 à 2100).")]})


def _check_tenant(
    business_unit: BusinessUnit, activity_type: ActivityType | None, customer: Customer | None
) -> None:
    # Foreign keys in a body must belong to the same business unit (RELIABILITY.md F19).
    if activity_type is not None and activity_type.business_unit_id != business_unit.pk:
        raise ValidationError({"activity_type": [_("Type d'activité inconnu.")]})
    if customer is not None and customer.business_unit_id != business_unit.pk:
        raise ValidationError({"customer": [_("Client inconnu.")]})


def _check_assignees(business_unit: BusinessUnit, users: Iterable[User]) -> list[User]:
    users = list(users)
    member_ids = set(
        Membership.objects.filter(business_unit=business_unit, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    if any(u.pk not in member_ids for u in users):
        raise ValidationError({"assignees": [_("Intervenant inconnu dans cette business unit.")]})
    return users


def _next_reference(business_unit: BusinessUnit) -> str:
    bu = BusinessUnit.objects.select_for_update().get(pk=business_unit.pk)
    number = bu.next_activity_number
    # Skip numbers a user already took by hand, rather than refuse the creation.
    while Activity.objects.filter(business_unit=bu, reference=f"ACT-{number:06d}").exists():
        number += 1
    BusinessUnit.objects.filter(pk=bu.pk).update(next_activity_number=number + 1)
    return f"ACT-{number:06d}"


def _full_clean(activity: Activity) -> None:
    # business_unit must not be excluded: Django skips the (business_unit, reference) unique
    # constraint when one of its fields is excluded, and a duplicate would end in a 500.
    activity.full_clean(exclude=["activity_type", "customer"], validate_constraints=True)


@transaction.atomic
def activity_create(
    *,
    business_unit: BusinessUnit,
    actor: Actor,
    activity_type: ActivityType,
    title: str,
    customer: Customer | None = None,
    reference: str = "",
    address: str = "",
    postal_code: str = "",
    city: str = "",
    scheduled_start: datetime | None = None,
    scheduled_end: datetime | None = None,
    comment: str = "",
    custom_fields: dict[str, Any] | None = None,
    billing_lines: list[dict[str, Any]] | None = None,
    assignees: Iterable[User] = (),
    status: str | None = None,
) -> Activity:
    _check_tenant(business_unit, activity_type, customer)
    _check_schedule(scheduled_start, scheduled_end)
    users = _check_assignees(business_unit, assignees)
    lines = billing.clean_lines(
        activity_type.default_billing_lines if billing_lines is None else billing_lines
    )
    if scheduled_start and not scheduled_end:
        scheduled_end = scheduled_start + activity_type.default_duration
    if status is None:
        status = Status.SCHEDULED if scheduled_start and users else Status.TO_SCHEDULE
    if status not in (Status.TO_SCHEDULE, Status.SCHEDULED):
        raise ValidationError({"status": [_("Une activité est créée « à planifier » ou « planifiée ».")]})
    activity = Activity(
        business_unit=business_unit,
        reference=reference.strip() or _next_reference(business_unit),
        title=title,
        activity_type=activity_type,
        customer=customer,
        address=address or (customer.address if customer else ""),
        postal_code=postal_code or (customer.postal_code if customer else ""),
        city=city or (customer.city if customer else ""),
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_end,
        comment=comment,
        custom_fields=clean_custom_fields(custom_fields),
        billing_lines=lines,
        status=status,
    )
    _full_clean(activity)
    # The trigger engine snapshots assignees on post_save, before the M2M rows exist.
    activity._assignees_for_snapshot = users  # type: ignore[attr-defined]
    at = timezone.now()
    activity.save()
    activity.assignees.set(users)
    values = activity.tracked_values()
    values["assignees"] = sorted(u.username for u in users)
    history.history_created(activity, actor, values, at=at)
    activity.remember_state()
    return activity


def _save_with_history(
    activity: Activity,
    actor: Actor,
    *,
    status_message: str = "",
    extra_changes: dict[str, list[Any]] | None = None,
) -> dict[str, list[Any]]:
    """Diff, write one history row (with `extra_changes`, e.g. assignees, in it), then save."""
    before = activity.loaded_values
    after = activity.tracked_values()
    changes = history.diff(before, after)
    if not changes:
        if extra_changes:
            history.history_updated(activity, actor, extra_changes)
        return dict(extra_changes or {})
    _full_clean(activity)
    entry_changes = {**changes, **(extra_changes or {})}
    # History first, so the "Déclenchement" rows the save may add come after it.
    if "status" in changes:
        history.history_status(activity, actor, entry_changes, message=status_message)
    else:
        history.history_updated(activity, actor, entry_changes)
    fields = [f if not f.endswith("_id") else f[:-3] for f in changes] + ["updated_at"]
    activity.save(update_fields=fields)
    activity.remember_state()
    return changes


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    actor: Actor,
    data: dict[str, Any],
    assignees: Iterable[User] | None = None,
) -> Activity:
    """Change editable fields; `data` holds only the fields to change."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Champ non modifiable.")] for name in sorted(unknown)})
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_tenant(activity.business_unit, data.get("activity_type"), data.get("customer"))
    if "billing_lines" in data:
        lines = billing.clean_lines(data["billing_lines"])
        if lines != activity.billing_lines and activity.billing_locked:
            raise BillingLockedError(
                _("Une fois transmis à Pennylane, les devis et les factures ne peuvent plus être modifiés.")
            )
        data = {**data, "billing_lines": lines}
    if "custom_fields" in data:
        data = {**data, "custom_fields": clean_custom_fields(data["custom_fields"])}
    if "reference" in data and not str(data["reference"]).strip():
        raise ValidationError({"reference": [_("Ce champ est obligatoire.")]})
    for name, value in data.items():
        setattr(activity, name, value)
    _check_schedule(activity.scheduled_start, activity.scheduled_end)
    assignee_change: dict[str, list[Any]] = {}
    if assignees is not None:
        users = _check_assignees(activity.business_unit, assignees)
        old = sorted(activity.assignees.values_list("username", flat=True))
        new = sorted(u.username for u in users)
        if old != new:
            activity.assignees.set(users)
            assignee_change = {"assignees": [old, new]}
            activity._assignees_for_snapshot = users  # type: ignore[attr-defined]
    # The assignee diff goes into the row of the field changes: patching "the latest row"
    # afterwards could hit a "Déclenchement" row the save's triggers just wrote.
    _save_with_history(activity, actor, extra_changes=assignee_change)
    return activity


@transaction.atomic
def activity_transition(
    *,
    activity: Activity,
    actor: Actor,
    action: str,
    cancel_reason: str = "",
    cancel_details: str = "",
    scheduled_start: datetime | None = None,
    scheduled_end: datetime | None = None,
    comment: str | None = None,
) -> Activity:
    if action not in TRANSITIONS:
        raise TransitionError(_("Action inconnue : %(action)s.") % {"action": action})
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    sources, target = TRANSITIONS[action]
    if activity.status not in sources:
        raise TransitionError(
            _("Impossible de « %(action)s » une activité « %(status)s ».")
            % {"action": Action(action).label, "status": Status(activity.status).label}
        )
    now = timezone.now()
    if action == Action.SCHEDULE:
        start = scheduled_start or activity.scheduled_start
        if start is None:
            raise ValidationError({"scheduled_start": [_("Indiquez le début prévu pour planifier.")]})
        end = scheduled_end or activity.scheduled_end or start + activity.activity_type.default_duration
        _check_schedule(start, end)
        activity.scheduled_start, activity.scheduled_end = start, end
    elif action == Action.CANCEL:
        if cancel_reason not in CancelReason.values:
            raise ValidationError({"cancel_reason": [_("Choisissez un motif d'annulation.")]})
        activity.cancel_reason, activity.cancel_details = cancel_reason, cancel_details
        activity.cancelled_at = now
    elif action in (Action.CLOSE_OK, Action.CLOSE_KO):
        activity.closed_at = now
    elif action == Action.REOPEN:
        activity.closed_at = None
        activity.cancelled_at = None
        activity.cancel_reason, activity.cancel_details = "", ""
        if activity.scheduled_start and activity.assignees.exists():
            target = Status.SCHEDULED
    if comment is not None:
        activity.comment = comment
    activity.status = target
    _save_with_history(activity, actor, status_message=str(Action(action).label))
    return activity


# --- customers ------------------------------------------------------------------------------

CUSTOMER_FIELDS = (
    "kind",
    "reference",
    "name",
    "first_name",
    "last_name",
    "emails",
    "phone",
    "address",
    "postal_code",
    "city",
    "country",
    "vat_number",
    "siren",
)


def clean_emails(raw: Any) -> list[str]:
    from django.core.validators import validate_email

    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[,;\s]+", raw) if part]
    if not isinstance(raw, list) or len(raw) > 20:
        raise ValidationError({"emails": [_("Une liste d'e-mails est attendue (20 au plus).")]})
    cleaned = []
    for value in raw:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                {"emails": [_("Adresse e-mail invalide : %(v)s") % {"v": str(value)[:100]}]}
            ) from None
        cleaned.append(str(value).strip().lower())
    return list(dict.fromkeys(cleaned))


def _customer_validate(customer: Customer) -> None:
    errors: dict[str, list[str]] = {}
    if customer.kind == "company" and not customer.name.strip():
        errors["name"] = [_("La raison sociale est obligatoire pour un professionnel.")]
    if customer.kind == "individual":
        if not customer.first_name.strip():
            errors["first_name"] = [_("Le prénom est obligatoire pour un particulier.")]
        if not customer.last_name.strip():
            errors["last_name"] = [_("Le nom est obligatoire pour un particulier.")]
    if errors:
        raise ValidationError(errors)
    customer.vat_number = customer.vat_number.replace(" ", "").upper()
    customer.siren = customer.siren.replace(" ", "")
    customer.country = (customer.country or "").upper()
    # Not excluding business_unit, so the (business_unit, reference) unique constraint is checked.
    customer.full_clean()


@transaction.atomic
def customer_create(*, business_unit: BusinessUnit, actor: Actor, **data: Any) -> Customer:
    unknown = set(data) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Champ inconnu.")] for name in sorted(unknown)})
    data["emails"] = clean_emails(data.get("emails"))
    customer = Customer(business_unit=business_unit, **data)
    _customer_validate(customer)
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, actor: Actor, data: dict[str, Any]) -> Customer:
    unknown = set(data) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Champ inconnu.")] for name in sorted(unknown)})
    if "emails" in data:
        data = {**data, "emails": clean_emails(data["emails"])}
    for name, value in data.items():
        setattr(customer, name, value)
    _customer_validate(customer)
    customer.save()
    return customer


__all__ = [
    "TRACKED_FIELDS",
    "activity_create",
    "activity_transition",
    "activity_update",
    "customer_create",
    "customer_update",
]
