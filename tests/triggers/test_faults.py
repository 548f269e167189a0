"""The fault catalogue (RELIABILITY.md) against a real worker, Redis, PostgreSQL and the sandbox.

After every scenario: each firing has exactly one remote document and none is left pending.
"""

import signal
import time
from datetime import timedelta
from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from activities import services as activity_services
from activities.status import Action
from pennylane.models import PennylaneConnection
from triggers import services
from triggers.execution import firing_run, firings_sweep
from triggers.models import Event, Firing, FiringStatus, Recurrence

from ..factories import ActivityTypeFactory, BusinessUnitFactory, CustomerFactory
from ..worker_process import Worker, connect_business_unit, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

INVOICES = r"/api/external/v2/customer_invoices$"


def invoices(sandbox):
    return [row for row in sandbox.ledger() if row["kind"] == "invoice"]


def trigger_for(bu, actor, activity_type, **config):
    return services.trigger_create(
        business_unit=bu,
        actor=actor,
        activity_type=activity_type,
        name="Facturer",
        event=Event.CLOSED_OK,
        recurrence=Recurrence.FIRST_TIME,
        config={"document": "invoice", "invoice_mode": "draft", **config},
    )


def close_new_activity(bu, actor, activity_type, customer, title="Intervention"):
    activity = activity_services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, customer=customer, title=title
    )
    activity_services.activity_transition(activity=activity, actor=actor, action=Action.CLOSE_OK)
    return Firing.objects.get(activity=activity)


def all_finished():
    return not Firing.objects.filter(status__in=(FiringStatus.PENDING, FiringStatus.RUNNING)).exists()


@pytest.fixture
def connected(bu, settings_for_sandbox, sandbox_clean):
    connect_business_unit(bu, sandbox_clean)
    return sandbox_clean


def test_f3_broker_down_at_save_time_the_save_succeeds_and_the_sweeper_delivers_later(
    bu, actor, activity_type, customer, connected, celery_worker_process
):
    trigger_for(bu, actor, activity_type)
    with mock.patch(
        "triggers.tasks.firing_execute.apply_async", side_effect=OperationalError("Redis is down")
    ):
        firing = close_new_activity(bu, actor, activity_type, customer)
    assert firing.activity.status == "closed_ok"
    time.sleep(2)
    assert Firing.objects.get(pk=firing.pk).status == FiringStatus.PENDING  # nothing delivered it
    assert firings_sweep(stale_after=timedelta(0)) == 1
    wait_for(
        lambda: Firing.objects.get(pk=firing.pk).status == FiringStatus.SUCCEEDED, 40, what="the swept firing"
    )
    assert len(invoices(connected)) == 1


def test_f6_worker_killed_after_pennylane_created_the_document_the_redelivery_finds_it(
    bu, actor, activity_type, customer, connected, worker_env, tmp_path, settings
):
    trigger_for(bu, actor, activity_type)
    connected.fault("POST", INVOICES, latency=4, times=1)  # Pennylane commits after 4 s
    worker = Worker(worker_env, tmp_path / "w1.log")
    worker.start()
    firing = close_new_activity(bu, actor, activity_type, customer)
    wait_for(lambda: Firing.objects.get(pk=firing.pk).status == FiringStatus.RUNNING, 20, what="the claim")
    time.sleep(1.5)
    worker.kill(signal.SIGKILL)  # kill -9 while the POST is in flight
    wait_for(lambda: len(invoices(connected)) == 1, 15, what="the sandbox to commit the invoice")
    assert Firing.objects.get(pk=firing.pk).status == FiringStatus.RUNNING  # lost with its worker

    settings.FIRING_LEASE_SECONDS = 1
    worker2 = Worker({**worker_env, "FIRING_LEASE_SECONDS": "1"}, tmp_path / "w2.log")
    worker2.start()
    try:
        time.sleep(1.2)
        assert firings_sweep(stale_after=timedelta(0)) == 1
        wait_for(
            lambda: Firing.objects.get(pk=firing.pk).status == FiringStatus.SUCCEEDED, 40, what="the retry"
        )
    finally:
        worker2.stop()
    assert len(invoices(connected)) == 1
    assert Firing.objects.get(pk=firing.pk).attempts == 2


def test_f8_sigterm_during_a_firing_lets_it_finish(
    bu, actor, activity_type, customer, connected, worker_env, tmp_path
):
    trigger_for(bu, actor, activity_type)
    connected.fault("POST", INVOICES, latency=3, times=1)
    worker = Worker(worker_env, tmp_path / "w.log")
    worker.start()
    firing = close_new_activity(bu, actor, activity_type, customer)
    wait_for(lambda: Firing.objects.get(pk=firing.pk).status == FiringStatus.RUNNING, 20, what="the claim")
    worker.stop()  # SIGTERM: warm shutdown waits for the running task
    assert Firing.objects.get(pk=firing.pk).status == FiringStatus.SUCCEEDED
    assert len(invoices(connected)) == 1


def test_f11_the_db_write_after_remote_success_fails_once_and_the_next_attempt_recovers_by_lookup(
    bu, actor, activity_type, customer, connected
):
    from triggers.types import pennylane_run

    trigger_for(bu, actor, activity_type)
    with mock.patch("triggers.tasks.firing_execute.apply_async"):
        firing = close_new_activity(bu, actor, activity_type, customer)
    real = pennylane_run._document_update
    with mock.patch.object(pennylane_run, "_document_update", side_effect=RuntimeError("database went away")):
        assert firing_run(firing.pk) == FiringStatus.PENDING  # recorded as a retry
    assert len(invoices(connected)) == 1
    Firing.objects.filter(pk=firing.pk).update(next_attempt_at=None)
    with mock.patch.object(pennylane_run, "_document_update", side_effect=real):
        assert firing_run(firing.pk) == FiringStatus.SUCCEEDED
    assert len(invoices(connected)) == 1


def test_f12_a_429_storm_fails_nothing_and_the_queue_drains(
    bu, actor, activity_type, connected, celery_worker_process
):
    trigger_for(bu, actor, activity_type)
    customers = [CustomerFactory(business_unit=bu) for _ in range(3)]
    connected.force_429(6)
    firings = [close_new_activity(bu, actor, activity_type, customers[i % 3], f"A{i}") for i in range(24)]
    wait_for(all_finished, 150, interval=1, what="all firings to finish")
    statuses = set(Firing.objects.filter(pk__in=[f.pk for f in firings]).values_list("status", flat=True))
    assert statuses == {FiringStatus.SUCCEEDED}
    assert len(invoices(connected)) == 24
    # Waiting for the limit does not use up the retry budget meant for errors.
    assert max(Firing.objects.values_list("attempts", flat=True)) <= 2


def test_f14_the_token_expiring_during_concurrent_firings_is_refreshed_exactly_once(
    bu, actor, activity_type, customer, connected, celery_worker_process
):
    from pennylane import crypto

    trigger_for(bu, actor, activity_type)
    connection = PennylaneConnection.objects.get(business_unit=bu)
    before = connected.stats()["refreshes"]
    connected.expire_access_token(crypto.decrypt(connection.access_token_encrypted))
    firings = [close_new_activity(bu, actor, activity_type, customer, f"B{i}") for i in range(12)]
    wait_for(all_finished, 120, interval=1, what="all firings to finish")
    assert set(Firing.objects.filter(pk__in=[f.pk for f in firings]).values_list("status", flat=True)) == {
        FiringStatus.SUCCEEDED
    }
    after = connected.stats()["refreshes"]
    assert sum(after.values()) - sum(before.values()) == 1
    assert len(invoices(connected)) == 12


def test_f20_a_forged_firing_pairing_another_units_activity_is_refused_before_any_http(
    bu, actor, activity_type, customer, connected
):
    trigger = trigger_for(bu, actor, activity_type)
    other = BusinessUnitFactory()
    foreign_type = ActivityTypeFactory(business_unit=other)
    foreign = activity_services.activity_create(
        business_unit=other,
        actor=actor,
        activity_type=foreign_type,
        customer=CustomerFactory(business_unit=other),
        title="B",
    )
    forged = Firing.objects.create(
        business_unit=bu,
        trigger=trigger,
        trigger_name=trigger.name,
        trigger_type=trigger.trigger_type,
        activity=foreign,
        idempotency_key="forged-1",
        snapshot={
            "trigger": {"config": trigger.config},
            "activity": {"billing_lines": foreign.billing_lines},
            "customer": None,
        },
    )
    requests_before = connected.stats()["api_requests"]
    assert firing_run(forged.pk) == FiringStatus.FAILED
    assert connected.stats()["api_requests"] == requests_before
    assert invoices(connected) == []
