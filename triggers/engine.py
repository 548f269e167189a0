"""The trigger engine: from a saved activity to firing rows, in the transaction of the save.

No HTTP and no broker call here: the firing row is the outbox; `on_commit` enqueues it and the
beat sweeper catches whatever the broker lost (DESIGN.md, "The main flow").
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.principal import SYSTEM, Actor
from activities import history
from activities.models import Activity
from activities.status import Status

from . import cache, conditions, snapshot
from .models import Event, Firing, FiringStatus, Recurrence, Trigger, TriggerState

logger = logging.getLogger(__name__)


def detect_events(activity: Activity, *, created: bool, previous: dict[str, Any]) -> set[str]:
    if created:
        return {Event.CREATED}
    current = activity.tracked_values()
    changed = {name for name, value in current.items() if name in previous and previous[name] != value}
    changed |= set(getattr(activity, "_trigger_changes", set()))
    if not changed:
        return set()
    events: set[str] = {Event.UPDATED}
    if "status" in changed and previous.get("status") != activity.status:
        events.add(Event.STATUS_CHANGED)
        if activity.status == Status.CLOSED_OK:
            events.add(Event.CLOSED_OK)
        elif activity.status == Status.CLOSED_KO:
            events.add(Event.CLOSED_KO)
        elif activity.status == Status.CANCELLED:
            events.add(Event.CANCELLED)
    return events


def event_matches(trigger: Trigger, events: set[str], status: str) -> bool:
    if trigger.event == Event.STATUS_CHANGED:
        return Event.STATUS_CHANGED in events and (not trigger.event_status or trigger.event_status == status)
    return trigger.event in events


def activity_saved(activity: Activity, *, created: bool, previous: dict[str, Any]) -> list[Firing]:
    """Called by the post_save receiver. Returns the firings it wrote (pending)."""
    triggers = cache.active_triggers(activity.business_unit_id, activity.activity_type_id)
    if not triggers:
        return []
    events = detect_events(activity, created=created, previous=previous)
    if not events:
        return []
    edge_triggers = [t for t in triggers if t.recurrence == Recurrence.AGAIN]
    candidates = [t for t in triggers if event_matches(t, events, activity.status)]
    if not candidates and not edge_triggers:
        return []
    with transaction.atomic():
        return _match_and_fire(activity, events, candidates, edge_triggers)


def _match_and_fire(
    activity: Activity, events: set[str], candidates: list[Trigger], edge_triggers: list[Trigger]
) -> list[Firing]:
    evaluated = list({t.pk: t for t in [*candidates, *edge_triggers]}.values())
    with_customer = any(conditions.needs_customer(t.conditions) for t in evaluated)
    values = snapshot.condition_values(activity, with_customer=with_customer)
    met = {t.pk: conditions.evaluate(t.conditions, t.condition_logic, values) for t in evaluated}
    # One query for the recurrence state of every evaluated trigger (also numbers occurrences).
    states = {
        s.trigger_id: s
        for s in TriggerState.objects.select_for_update().filter(
            activity=activity, trigger__in=[t.pk for t in evaluated]
        )
    }
    candidate_ids = {t.pk for t in candidates}
    firings = []
    for trigger in evaluated:
        state = states.get(trigger.pk) or TriggerState(trigger=trigger, activity=activity)
        ok = met[trigger.pk]
        fire = trigger.pk in candidate_ids and ok
        if trigger.recurrence == Recurrence.FIRST_TIME and state.fired_count:
            fire = False
        # "Dès que les conditions sont de nouveau réunies": after a firing, wait until the
        # conditions have been unmet once (conditions_met is reset below) before firing again.
        if trigger.recurrence == Recurrence.AGAIN and state.conditions_met:
            fire = False
        changed = False
        if fire:
            occurrence = state.fired_count + 1
            firings.append(
                firing_create(
                    trigger=trigger,
                    activity=activity,
                    event=_main_event(trigger, events),
                    key=f"t{trigger.pk}-a{activity.pk}-{occurrence}",
                )
            )
            state.fired_count, state.last_fired_at = occurrence, timezone.now()
            changed = True
        if trigger.recurrence == Recurrence.AGAIN:
            flag = True if fire else (state.conditions_met and ok)
            if flag != state.conditions_met:
                state.conditions_met, changed = flag, True
        if changed:
            state.save()
    return firings


def _main_event(trigger: Trigger, events: set[str]) -> str:
    return trigger.event if trigger.event in events else sorted(events)[0]


def firing_create(
    *,
    trigger: Trigger,
    activity: Activity,
    event: str,
    key: str,
    actor: Actor = SYSTEM,
    forced_by: Any = None,
) -> Firing:
    """Write the firing (pending) and its "Déclenchement" history row; enqueue after commit."""
    label = _("Déclenchement « %(name)s » mis en file d'attente") % {"name": trigger.name}
    if forced_by is not None:
        label = _("Déclenchement « %(name)s » forcé par %(user)s") % {"name": trigger.name, "user": forced_by}
    entry = history.history_trigger(activity, actor, label)
    firing = Firing.objects.create(
        business_unit_id=activity.business_unit_id,
        trigger=trigger,
        trigger_name=trigger.name,
        trigger_type=trigger.trigger_type,
        activity=activity,
        event=event,
        forced_by=forced_by,
        status=FiringStatus.PENDING,
        idempotency_key=key,
        snapshot=snapshot.build(activity, trigger, event=event),
        history_entry=entry,
    )
    enqueue_on_commit(firing.pk)
    return firing


def enqueue_on_commit(firing_id: int) -> None:
    transaction.on_commit(lambda: enqueue(firing_id))


def enqueue(firing_id: int, countdown: float | None = None) -> bool:
    """Hand the firing to the broker; if the broker is down the sweeper will do it later."""
    from .tasks import firing_execute

    try:
        firing_execute.apply_async(args=[firing_id], countdown=countdown, retry=False)
    except Exception:  # the broker is down or unreachable: the row is safe, the sweeper retries
        logger.warning("Could not enqueue firing %s; the sweeper will retry", firing_id, exc_info=True)
        return False
    return True
