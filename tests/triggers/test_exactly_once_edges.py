"""Edges of "exactly one document per trigger and activity" found in review."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.principal import Principal
from activities import services as activity_services
from activities.models import Activity
from activities.status import Action
from pennylane.models import PennylaneConnection
from triggers import services
from triggers.execution import MAX_ATTEMPTS, firing_run, firings_sweep
from triggers.models import Event, Firing, FiringStatus, Recurrence

from ..worker_process import connect_business_unit, wait_for

SEND = r"/api/external/v2/customer_invoices/\d+/send_by_email$"


def invoices(sandbox):
    return [row for row in sandbox.ledger() if row["kind"] == "invoice"]


def settled(*firings):
    ids = [f.pk for f in firings]
    return not Firing.objects.filter(
        pk__in=ids, status__in=(FiringStatus.PENDING, FiringStatus.RUNNING)
    ).exists()


def make_trigger(bu, actor, activity_type, **config):
    recurrence = config.pop("recurrence", Recurrence.FIRST_TIME)
    return services.trigger_create(
        business_unit=bu,
        actor=actor,
        activity_type=activity_type,
        name="Facturer",
        event=Event.CLOSED_OK,
        recurrence=recurrence,
        config={"document": "invoice", "invoice_mode": "draft", **config},
    )


def new_activity(bu, actor, activity_type, customer):
    return activity_services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, customer=customer, title="Chaudière"
    )


@pytest.mark.worker
@pytest.mark.sandbox
@pytest.mark.django_db(transaction=True)
def test_a_refused_send_still_locks_the_lines_and_forcing_again_sends_without_a_second_invoice(
    bu, actor, activity_type, customer, settings_for_sandbox, sandbox_clean, celery_worker_process
):
    connect_business_unit(bu, sandbox_clean)
    trigger = make_trigger(bu, actor, activity_type, invoice_mode="finalized", send_email=True)
    sandbox_clean.set_pdf_delay(0)
    sandbox_clean.fault("POST", SEND, status=422, times=1, body={"error": "Envoi refusé", "status": 422})
    activity = new_activity(bu, actor, activity_type, customer)
    activity_services.activity_transition(activity=activity, actor=actor, action=Action.CLOSE_OK)
    first = Firing.objects.get(activity=activity)
    wait_for(lambda: settled(first), 60, what="the first firing")
    first.refresh_from_db()
    assert first.status == FiringStatus.FAILED
    assert Activity.objects.get(pk=activity.pk).billing_locked  # the invoice is finalized: locked
    principal = Principal(business_unit=bu, role="supervisor", user=actor.user)
    second = services.trigger_force(trigger=trigger, activity=activity, principal=principal)
    wait_for(lambda: settled(second), 60, what="the forced firing")
    second.refresh_from_db()
    assert second.status == FiringStatus.SUCCEEDED, second.error_message
    assert len(invoices(sandbox_clean)) == 1
    assert len(sandbox_clean.emails()) == 1


@pytest.mark.worker
@pytest.mark.sandbox
@pytest.mark.django_db(transaction=True)
def test_two_paused_firings_of_one_trigger_resumed_together_create_one_invoice(
    bu, actor, activity_type, customer, settings_for_sandbox, sandbox_clean, celery_worker_process
):
    connect_business_unit(bu, sandbox_clean)
    trigger = make_trigger(bu, actor, activity_type, recurrence=Recurrence.EVERY_TIME)
    PennylaneConnection.objects.filter(business_unit=bu).update(status="to_reconnect")
    activity = new_activity(bu, actor, activity_type, customer)
    for action in (Action.CLOSE_OK, Action.REOPEN, Action.CLOSE_OK):
        activity = activity_services.activity_transition(activity=activity, actor=actor, action=action)
    firings = list(Firing.objects.filter(activity=activity))
    assert len(firings) == 2
    wait_for(lambda: settled(*firings), 60, what="both firings to pause")
    assert {f.status for f in Firing.objects.filter(activity=activity)} == {FiringStatus.PAUSED}
    principal = Principal(business_unit=bu, role="supervisor", user=actor.user)
    with pytest.raises(ValidationError):  # a paused firing is still waiting: no third one
        services.trigger_force(trigger=trigger, activity=activity, principal=principal)
    connect_business_unit(bu, sandbox_clean)  # reconnect: both resume at once
    wait_for(lambda: settled(*firings), 90, what="both firings to finish")
    statuses = sorted(Firing.objects.filter(activity=activity).values_list("status", flat=True))
    assert statuses == [FiringStatus.SKIPPED, FiringStatus.SUCCEEDED]
    assert len(invoices(sandbox_clean)) == 1


@pytest.mark.django_db
def test_a_firing_whose_worker_keeps_dying_is_failed_after_the_attempt_cap(
    bu, actor, activity_type, customer, settings
):
    make_trigger(bu, actor, activity_type)
    activity = new_activity(bu, actor, activity_type, customer)
    activity_services.activity_transition(activity=activity, actor=actor, action=Action.CLOSE_OK)
    firing = Firing.objects.get(activity=activity)
    Firing.objects.filter(pk=firing.pk).update(
        status=FiringStatus.RUNNING, attempts=MAX_ATTEMPTS, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert firing_run(firing.pk) is None  # not claimed again past the cap
    firings_sweep(stale_after=timedelta(0))
    firing.refresh_from_db()
    assert firing.status == FiringStatus.FAILED and "interrompu" in firing.error_message


@pytest.mark.django_db
def test_a_deleted_trigger_cancels_its_waiting_firing_even_if_already_claimed(
    bu, actor, activity_type, customer
):
    trigger = make_trigger(bu, actor, activity_type)
    activity = new_activity(bu, actor, activity_type, customer)
    activity_services.activity_transition(activity=activity, actor=actor, action=Action.CLOSE_OK)
    firing = Firing.objects.get(activity=activity)
    services.trigger_set_active(trigger=trigger, actor=actor, active=False)
    Firing.objects.filter(pk=firing.pk).update(status=FiringStatus.PENDING)  # raced past the cancellation
    assert firing_run(firing.pk) == FiringStatus.CANCELLED


def test_a_line_total_beyond_what_documents_store_is_refused():
    from catalog.billing import clean_lines

    with pytest.raises(ValidationError) as exc:
        clean_lines(
            [{"label": "x", "quantity": "1000000", "unit_price": "10000000.00", "vat_rate": "FR_200"}]
        )
    assert "billing_lines[0].quantity" in exc.value.message_dict
