"""Every write to triggers and firings (the engine writes firings from the save path)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import BusinessUnit
from accounts.principal import Actor, Principal
from activities import history
from activities.models import Activity
from activities.status import Status
from catalog.models import ActivityType

from . import conditions, engine, types
from .models import (
    ACTIVE_FIRING_STATUSES,
    Event,
    Firing,
    FiringStatus,
    Logic,
    Mode,
    Recurrence,
    Trigger,
    TriggerType,
)

EDITABLE = (
    "name",
    "active",
    "event",
    "event_status",
    "recurrence",
    "conditions",
    "condition_logic",
    "priority",
    "config",
    "activity_type",
)


def _validate(trigger: Trigger) -> None:
    errors: dict[str, list[str]] = {}
    if not trigger.name.strip() or len(trigger.name) > 200 or "\x00" in trigger.name:
        errors["name"] = [_("Donnez un nom (200 caractères au plus).")]
    if trigger.event not in Event.values:
        errors["event"] = [_("Événement inconnu.")]
    if (
        trigger.event == Event.STATUS_CHANGED
        and trigger.event_status
        and trigger.event_status not in Status.values
    ):
        errors["event_status"] = [_("Statut inconnu.")]
    if trigger.recurrence not in Recurrence.values:
        errors["recurrence"] = [_("Règle inconnue.")]
    if trigger.condition_logic not in Logic.values:
        errors["condition_logic"] = [_("Choisissez ET ou OU.")]
    if trigger.trigger_type not in TriggerType.values:
        errors["trigger_type"] = [_("Type de déclenchement inconnu.")]
    if trigger.activity_type.business_unit_id != trigger.business_unit_id:
        errors["activity_type"] = [_("Type d'activité inconnu.")]
    if errors:
        raise ValidationError(errors)
    trigger.conditions = conditions.clean_conditions(trigger.conditions)
    trigger.config = types.get(trigger.trigger_type).clean_config(trigger.config or {})
    if trigger.event != Event.STATUS_CHANGED:
        trigger.event_status = ""


@transaction.atomic
def trigger_create(
    *,
    business_unit: BusinessUnit,
    actor: Actor,
    activity_type: ActivityType,
    name: str,
    trigger_type: str = TriggerType.PENNYLANE_BILLING,
    **data: Any,
) -> Trigger:
    if activity_type.business_unit_id != business_unit.pk:
        raise ValidationError({"activity_type": [_("Type d'activité inconnu.")]})
    if trigger_type not in TriggerType.values:
        raise ValidationError({"trigger_type": [_("Type de déclenchement inconnu.")]})
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({k: [_("Champ inconnu.")] for k in sorted(unknown)})
    trigger = Trigger(
        business_unit=business_unit,
        activity_type=activity_type,
        name=name,
        trigger_type=trigger_type,
        mode=Mode.ON_EVENT,
        created_by=actor.user,
        config=types.get(trigger_type).default_config(),
    )
    for key, value in data.items():
        setattr(trigger, key, value)
    _validate(trigger)
    trigger.save()
    return trigger


@transaction.atomic
def trigger_update(*, trigger: Trigger, actor: Actor, data: dict[str, Any]) -> Trigger:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({k: [_("Champ non modifiable.")] for k in sorted(unknown)})
    trigger = Trigger.objects.select_for_update().get(pk=trigger.pk)
    was_active = trigger.active
    if "config" in data and isinstance(data["config"], dict):
        data = {**data, "config": {**(trigger.config or {}), **data["config"]}}
    for key, value in data.items():
        setattr(trigger, key, value)
    _validate(trigger)
    trigger.save()
    if was_active and not trigger.active:
        _cancel_active_firings(trigger, actor, _("désactivé"))
    return trigger


@transaction.atomic
def trigger_set_active(*, trigger: Trigger, actor: Actor, active: bool) -> Trigger:
    return trigger_update(trigger=trigger, actor=actor, data={"active": active})


@transaction.atomic
def trigger_duplicate(*, trigger: Trigger, actor: Actor) -> Trigger:
    """The copy starts inactive: two identical active triggers would bill twice."""
    copy = Trigger.objects.get(pk=trigger.pk)
    copy.pk = None
    copy.id = None
    copy.name = (_("%(name)s (copie)") % {"name": trigger.name})[:200]
    copy.active = False
    copy.created_by = actor.user
    copy.save()
    return copy


@transaction.atomic
def trigger_delete(*, trigger: Trigger, actor: Actor) -> None:
    """Immediate; deletes nothing in Pennylane. Waiting firings are cancelled with a note."""
    _cancel_active_firings(trigger, actor, _("supprimé"))
    trigger.delete()


def _cancel_active_firings(trigger: Trigger, actor: Actor, why: str) -> int:
    firings = list(
        Firing.objects.select_for_update()
        .select_related("activity")
        .filter(trigger=trigger, status__in=(FiringStatus.PENDING, FiringStatus.PAUSED))
    )
    for firing in firings:
        firing.status = FiringStatus.CANCELLED
        firing.error_message = _("Annulé : le déclencheur « %(name)s » a été %(why)s.") % {
            "name": trigger.name,
            "why": why,
        }
        firing.finished_at = timezone.now()
        firing.save(update_fields=["status", "error_message", "finished_at", "updated_at"])
        history.history_note(firing.activity, actor, firing.error_message)
    return len(firings)


@transaction.atomic
def trigger_force(*, trigger: Trigger, activity: Activity, principal: Principal) -> Firing:
    """ "Forcer le déclenchement": the same firing row, created by hand, the user recorded."""
    if not principal.can_force_triggers:
        raise PermissionDenied(
            _("Seuls les administrateurs et superviseurs peuvent forcer un déclenchement.")
        )
    if (
        trigger.business_unit_id != principal.business_unit.pk
        or activity.business_unit_id != principal.business_unit.pk
    ):
        raise ValidationError({"trigger": [_("Déclencheur inconnu.")]})
    if trigger.activity_type_id != activity.activity_type_id:
        raise ValidationError({"trigger": [_("Ce déclencheur ne concerne pas ce type d'activité.")]})
    if not activity.activity_type.manual_triggers_enabled:
        raise ValidationError(
            {
                "trigger": [
                    _(
                        "Les déclencheurs manuels ne sont pas activés pour ce type d'activité (Gestion catalogue)."
                    )
                ]
            }
        )
    if not trigger.active:
        raise ValidationError({"trigger": [_("Ce déclencheur est désactivé.")]})
    # Lock first, then look: two quick clicks must not both pass the check.
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if Firing.objects.filter(trigger=trigger, activity=activity, status__in=ACTIVE_FIRING_STATUSES).exists():
        raise ValidationError(
            {
                "trigger": [
                    _(
                        "Un déclenchement de ce déclencheur est déjà en attente ou en cours pour cette activité."
                    )
                ]
            }
        )
    return engine.firing_create(
        trigger=trigger,
        activity=activity,
        event="manual",
        key=f"t{trigger.pk}-a{activity.pk}-m{uuid.uuid4().hex[:12]}",
        actor=principal.actor,
        forced_by=principal.user,
    )


@transaction.atomic
def firing_retry(*, firing: Firing, actor: Actor) -> Firing:
    firing = Firing.objects.select_for_update().get(pk=firing.pk)
    if firing.status not in (FiringStatus.FAILED, FiringStatus.PAUSED, FiringStatus.CANCELLED):
        raise ValidationError(
            {"status": [_("Seul un déclenchement en échec, en pause ou annulé peut être relancé.")]}
        )
    if firing.trigger_id is None:
        raise ValidationError({"trigger": [_("Le déclencheur a été supprimé.")]})
    firing.status = FiringStatus.PENDING
    firing.attempts = 0
    firing.next_attempt_at = None
    firing.finished_at = None
    firing.save(update_fields=["status", "attempts", "next_attempt_at", "finished_at", "updated_at"])
    history.history_note(
        firing.activity, actor, _("Déclenchement « %(name)s » relancé.") % {"name": firing.trigger_name}
    )
    engine.enqueue_on_commit(firing.pk)
    return firing


@transaction.atomic
def firings_resume(*, business_unit: BusinessUnit) -> int:
    """After a reconnection: paused firings go back to the queue, once each."""
    ids = list(
        Firing.objects.select_for_update()
        .filter(business_unit=business_unit, status=FiringStatus.PAUSED)
        .values_list("id", flat=True)
    )
    Firing.objects.filter(id__in=ids).update(
        status=FiringStatus.PENDING, next_attempt_at=None, updated_at=timezone.now()
    )
    for firing_id in ids:
        engine.enqueue_on_commit(firing_id)
    return len(ids)


def trigger_preview(*, trigger: Trigger, activity: Activity) -> dict[str, Any]:
    if activity.business_unit_id != trigger.business_unit_id:
        raise ValidationError({"activity": [_("Activité inconnue.")]})
    return types.get(trigger.trigger_type).preview(trigger, activity)


def trigger_problems(trigger: Trigger, *, probe: bool = True) -> list[Any]:
    return types.get(trigger.trigger_type).problems(trigger, probe=probe)
