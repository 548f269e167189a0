"""The trigger engine on the save path: events, conditions, recurrence, outbox rows, queries."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from activities import services as activity_services
from activities.models import Activity, HistoryKind
from activities.status import Action, Status
from triggers import services
from triggers.models import Event, Firing, FiringStatus, Recurrence

from ..factories import ActivityTypeFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def make_trigger(bu, actor, activity_type, **data):
    data.setdefault("name", "Facturer à la clôture")
    return services.trigger_create(business_unit=bu, actor=actor, activity_type=activity_type, **data)


def new_activity(bu, actor, activity_type, customer, **data):
    return activity_services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, customer=customer, title="Fuite", **data
    )


def transition(activity, actor, action, **kwargs):
    return activity_services.activity_transition(activity=activity, actor=actor, action=action, **kwargs)


def test_closing_an_activity_ok_writes_one_pending_firing_and_a_declenchement_row(
    bu, actor, activity_type, customer, django_capture_on_commit_callbacks
):
    trigger = make_trigger(bu, actor, activity_type, event=Event.CLOSED_OK)
    activity = new_activity(bu, actor, activity_type, customer)
    assert not Firing.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:
        transition(activity, actor, Action.CLOSE_OK)
    firing = Firing.objects.get()
    assert firing.status == FiringStatus.PENDING
    assert firing.trigger == trigger and firing.activity_id == activity.pk
    assert firing.idempotency_key == f"t{trigger.pk}-a{activity.pk}-1"
    assert firing.snapshot["activity"]["status"] == Status.CLOSED_OK
    assert firing.snapshot["activity"]["billing_lines"] == activity.billing_lines
    assert firing.snapshot["customer"]["reference"] == customer.reference
    assert firing.history_entry.kind == HistoryKind.TRIGGER
    assert "Facturer à la clôture" in firing.history_entry.message
    assert len(callbacks) == 1  # the enqueue, after commit only


def test_a_rolled_back_save_leaves_no_firing_and_enqueues_nothing(
    bu, actor, activity_type, customer, django_capture_on_commit_callbacks
):
    make_trigger(bu, actor, activity_type, event=Event.CLOSED_OK)
    activity = new_activity(bu, actor, activity_type, customer)
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            transition(activity, actor, Action.CLOSE_OK)
            raise RuntimeError("the request failed after the save")
    assert not Firing.objects.exists()
    assert callbacks == []
    assert Activity.objects.get(pk=activity.pk).status == Status.TO_SCHEDULE


@pytest.mark.parametrize(
    ("event", "event_status", "actions", "expected"),
    [
        (Event.CREATED, "", [], 1),
        (Event.UPDATED, "", [Action.START], 1),
        (Event.CLOSED_KO, "", [Action.CLOSE_OK], 0),
        (Event.CLOSED_KO, "", [Action.CLOSE_KO], 1),
        (Event.CANCELLED, "", [Action.START], 0),
        (Event.STATUS_CHANGED, Status.IN_PROGRESS, [Action.START], 1),
        (Event.STATUS_CHANGED, Status.IN_PROGRESS, [Action.CLOSE_OK], 0),
        (Event.STATUS_CHANGED, "", [Action.START, Action.CLOSE_OK], 2),
    ],
)
def test_each_event_fires_only_on_its_change(
    bu, actor, activity_type, customer, event, event_status, actions, expected
):
    make_trigger(
        bu, actor, activity_type, event=event, event_status=event_status, recurrence=Recurrence.EVERY_TIME
    )
    activity = new_activity(bu, actor, activity_type, customer)
    for action in actions:
        activity = transition(activity, actor, action)
    assert Firing.objects.count() == expected


def test_cancellation_event(bu, actor, activity_type, customer):
    make_trigger(bu, actor, activity_type, event=Event.CANCELLED)
    activity = new_activity(bu, actor, activity_type, customer)
    transition(activity, actor, Action.CANCEL, cancel_reason="customer_request")
    assert Firing.objects.get().event == Event.CANCELLED


def test_first_time_fires_once_even_after_reopen_and_second_closure(bu, actor, activity_type, customer):
    make_trigger(bu, actor, activity_type, event=Event.CLOSED_OK, recurrence=Recurrence.FIRST_TIME)
    activity = new_activity(bu, actor, activity_type, customer)
    activity = transition(activity, actor, Action.CLOSE_OK)
    activity = transition(activity, actor, Action.REOPEN)
    transition(activity, actor, Action.CLOSE_OK)
    assert Firing.objects.count() == 1


def test_every_time_fires_on_each_matching_event_with_distinct_keys(bu, actor, activity_type, customer):
    make_trigger(bu, actor, activity_type, event=Event.CLOSED_OK, recurrence=Recurrence.EVERY_TIME)
    activity = new_activity(bu, actor, activity_type, customer)
    activity = transition(activity, actor, Action.CLOSE_OK)
    activity = transition(activity, actor, Action.REOPEN)
    transition(activity, actor, Action.CLOSE_OK)
    keys = sorted(Firing.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == 2 and keys[0].endswith("-1") and keys[1].endswith("-2")


def test_again_fires_only_when_conditions_become_true_again(bu, actor, activity_type, customer):
    make_trigger(
        bu,
        actor,
        activity_type,
        event=Event.UPDATED,
        recurrence=Recurrence.AGAIN,
        conditions=[{"field": "custom.urgent", "operator": "eq", "value": "oui"}],
    )
    activity = new_activity(bu, actor, activity_type, customer)

    def set_urgent(value, comment):
        return activity_services.activity_update(
            activity=activity, actor=actor, data={"custom_fields": {"urgent": value}, "comment": comment}
        )

    set_urgent("oui", "1")  # false -> true: fires
    set_urgent("oui", "2")  # still true: no
    set_urgent("non", "3")  # true -> false: re-armed
    set_urgent("oui", "4")  # false -> true: fires again
    assert Firing.objects.count() == 2


@pytest.mark.parametrize(
    ("logic", "urgent", "city", "expected"),
    [
        ("and", "oui", "Paris", 1),
        ("and", "oui", "Lyon", 0),
        ("or", "non", "Paris", 1),
        ("or", "non", "Lyon", 0),
    ],
)
def test_conditions_joined_by_et_or_ou(bu, actor, activity_type, customer, logic, urgent, city, expected):
    make_trigger(
        bu,
        actor,
        activity_type,
        event=Event.CLOSED_OK,
        condition_logic=logic,
        conditions=[
            {"field": "custom.urgent", "operator": "eq", "value": "oui"},
            {"field": "customer.city", "operator": "in", "value": ["Paris", "Marseille"]},
        ],
    )
    customer.city = city
    customer.save()
    activity = new_activity(bu, actor, activity_type, customer, custom_fields={"urgent": urgent})
    transition(activity, actor, Action.CLOSE_OK)
    assert Firing.objects.count() == expected


def test_numeric_and_emptiness_operators(bu, actor, activity_type, customer):
    make_trigger(
        bu,
        actor,
        activity_type,
        event=Event.CLOSED_OK,
        conditions=[
            {"field": "total_excl_tax", "operator": "gt", "value": "100"},
            {"field": "comment", "operator": "empty", "value": ""},
            {"field": "customer.emails", "operator": "not_empty", "value": ""},
        ],
    )
    activity = new_activity(bu, actor, activity_type, customer)  # 2 x 45 + 30 = 120 HT
    transition(activity, actor, Action.CLOSE_OK)
    assert Firing.objects.count() == 1


def test_inactive_triggers_and_other_activity_types_do_not_fire(bu, actor, activity_type, customer):
    make_trigger(bu, actor, activity_type, event=Event.CLOSED_OK, active=False)
    other_type = ActivityTypeFactory(business_unit=bu)
    make_trigger(bu, actor, other_type, event=Event.CLOSED_OK)
    activity = new_activity(bu, actor, activity_type, customer)
    transition(activity, actor, Action.CLOSE_OK)
    assert not Firing.objects.exists()


def test_deactivating_a_trigger_takes_effect_on_the_next_save(bu, actor, activity_type, customer):
    trigger = make_trigger(bu, actor, activity_type, event=Event.UPDATED, recurrence=Recurrence.EVERY_TIME)
    activity = new_activity(bu, actor, activity_type, customer)
    activity = activity_services.activity_update(activity=activity, actor=actor, data={"comment": "a"})
    assert Firing.objects.count() == 1
    services.trigger_set_active(trigger=trigger, actor=actor, active=False)
    activity_services.activity_update(activity=activity, actor=actor, data={"comment": "b"})
    assert Firing.objects.count() == 1
    assert Firing.objects.get().status == FiringStatus.CANCELLED  # its pending firing was cancelled


def test_triggers_fire_in_priority_order(bu, actor, activity_type, customer):
    late = make_trigger(bu, actor, activity_type, name="B", event=Event.CLOSED_OK, priority=20)
    early = make_trigger(bu, actor, activity_type, name="A", event=Event.CLOSED_OK, priority=10)
    activity = new_activity(bu, actor, activity_type, customer)
    transition(activity, actor, Action.CLOSE_OK)
    assert list(Firing.objects.order_by("id").values_list("trigger_id", flat=True)) == [early.pk, late.pk]


def _save_queries(bu, actor, activity_type, customer, n_triggers):
    for i in range(n_triggers):
        make_trigger(
            bu,
            actor,
            activity_type,
            name=f"T{i}",
            event=Event.CLOSED_KO,
            conditions=[{"field": "custom.zone", "operator": "eq", "value": str(i)}],
        )
    make_trigger(bu, actor, activity_type, name="match", event=Event.CLOSED_OK)
    activity = new_activity(bu, actor, activity_type, customer)
    transition(activity, actor, Action.START)  # warm the trigger cache
    with CaptureQueriesContext(connection) as ctx:
        transition(Activity.objects.get(pk=activity.pk), actor, Action.CLOSE_OK)
    return len(ctx.captured_queries)


def test_the_save_path_query_count_does_not_grow_with_the_number_of_triggers(bu, actor, customer):
    few = _save_queries(bu, actor, ActivityTypeFactory(business_unit=bu), customer, 1)
    many = _save_queries(
        bu, actor, ActivityTypeFactory(business_unit=bu), CustomerFactory(business_unit=bu), 40
    )
    assert few == many, (few, many)
    assert Firing.objects.count() == 2


def test_bulk_paths_that_would_skip_the_triggers_are_refused(bu, actor, activity_type, customer):
    activity = new_activity(bu, actor, activity_type, customer)
    with pytest.raises(TypeError, match="bypass the triggers"):
        Activity.objects.filter(pk=activity.pk).update(status=Status.CLOSED_OK)
    with pytest.raises(TypeError, match="bypass the triggers"):
        Activity.objects.bulk_create(
            [Activity(business_unit=bu, activity_type=activity_type, title="x", reference="x")]
        )
    # Fields triggers never look at may still be updated in bulk.
    assert Activity.objects.filter(pk=activity.pk).update(billing_locked_at=None) == 1


def test_fixture_loading_raw_saves_fire_nothing(bu, actor, activity_type, customer):
    from django.db.models.signals import post_save

    make_trigger(bu, actor, activity_type, event=Event.CREATED)
    activity = new_activity(bu, actor, activity_type, customer)
    Firing.objects.all().delete()
    post_save.send(
        sender=Activity, instance=activity, created=True, raw=True, using="default", update_fields=None
    )
    assert not Firing.objects.exists()
