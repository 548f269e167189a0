"""End to end: a save, the outbox, a real Celery worker on Redis, the sandbox over HTTP.

After every scenario: each firing has exactly one remote document (the sandbox's ledger is
the witness) and nothing is left pending or running.
"""

import pytest

from activities import services as activity_services
from activities.models import Activity
from activities.status import Action
from pennylane.models import BillingDocument, CustomerLink
from triggers import services
from triggers.models import Event, Firing, FiringStatus, Recurrence

from ..factories import CustomerFactory
from ..worker_process import connect_business_unit, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]


def finished(firing_id):
    firing = Firing.objects.get(pk=firing_id)
    return firing if firing.status not in (FiringStatus.PENDING, FiringStatus.RUNNING) else None


def wait_finished(firing, timeout=40):
    return wait_for(lambda: finished(firing.pk), timeout=timeout, what=f"firing {firing.pk} to finish")


def ledger(sandbox, kind):
    return [row for row in sandbox.ledger() if row["kind"] == kind]


@pytest.fixture
def billing(bu, actor, activity_type, settings_for_sandbox, sandbox_clean, celery_worker_process):
    connect_business_unit(bu, sandbox_clean)
    return sandbox_clean


def make_trigger(bu, actor, activity_type, **config):
    base = {"document": "invoice", "invoice_mode": "draft"}
    return services.trigger_create(
        business_unit=bu,
        actor=actor,
        activity_type=activity_type,
        name="Facturer à la clôture",
        event=Event.CLOSED_OK,
        recurrence=config.pop("recurrence", Recurrence.FIRST_TIME),
        config={**base, **config},
    )


def close_ok(bu, actor, activity_type, customer, **data):
    activity = activity_services.activity_create(
        business_unit=bu,
        actor=actor,
        activity_type=activity_type,
        customer=customer,
        title="Remplacement chauffe-eau",
        **data,
    )
    activity_services.activity_transition(activity=activity, actor=actor, action=Action.CLOSE_OK)
    return Firing.objects.filter(activity=activity).latest("id")


def test_closing_an_activity_creates_exactly_one_invoice_and_reuses_the_customer(
    bu, actor, activity_type, customer, billing
):
    make_trigger(bu, actor, activity_type)
    first = wait_finished(close_ok(bu, actor, activity_type, customer))
    assert first.status == FiringStatus.SUCCEEDED, first.error_message
    second = wait_finished(close_ok(bu, actor, activity_type, customer))
    assert second.status == FiringStatus.SUCCEEDED, second.error_message

    invoices = ledger(billing, "invoice")
    customers = ledger(billing, "customer")
    assert len(invoices) == 2
    assert len(customers) == 1  # created the first time, found through the local link the second
    assert CustomerLink.objects.filter(customer=customer).count() == 1
    document = BillingDocument.objects.get(activity=first.activity)
    assert document.pennylane_id and document.draft is True
    assert str(document.amount_excl_tax) == "120.00" and str(document.amount_incl_tax) == "144.00"
    entry = first.history_entry
    entry.refresh_from_db()
    assert "Transmis" in entry.message
    assert first.request_data["body"]["invoice_lines"][0]["vat_rate"] == "FR_200"
    assert first.attempt_rows.count() == 1


def test_a_finalized_invoice_sent_by_email_waits_out_the_pdf_409_then_locks_the_billing_lines(
    bu, actor, activity_type, customer, billing
):
    billing.set_pdf_delay(3)
    make_trigger(bu, actor, activity_type, invoice_mode="finalized", send_email=True)
    firing = wait_finished(close_ok(bu, actor, activity_type, customer), timeout=90)
    assert firing.status == FiringStatus.SUCCEEDED, firing.error_message
    document = BillingDocument.objects.get(activity=firing.activity)
    assert document.number and not document.draft and document.sent_at is not None
    assert len(ledger(billing, "invoice")) == 1
    assert firing.attempt_rows.count() >= 2  # at least one 409 then the successful send
    activity = Activity.objects.get(pk=firing.activity_id)
    assert activity.billing_locked
    with pytest.raises(Exception, match="ne peuvent plus être modifiés"):
        activity_services.activity_update(activity=activity, actor=actor, data={"billing_lines": []})


def test_the_quote_variant(bu, actor, activity_type, customer, billing):
    make_trigger(bu, actor, activity_type, document="quote")
    firing = wait_finished(close_ok(bu, actor, activity_type, customer))
    assert firing.status == FiringStatus.SUCCEEDED, firing.error_message
    assert len(ledger(billing, "quote")) == 1
    assert BillingDocument.objects.get(activity=firing.activity).kind == "quote"


def test_a_company_without_numbering_gives_a_failed_firing_with_pennylanes_french_message(
    bu, actor, activity_type, customer, settings_for_sandbox, sandbox_clean, celery_worker_process
):
    connect_business_unit(bu, sandbox_clean, company="no-numbering")
    make_trigger(bu, actor, activity_type, invoice_mode="finalized")
    firing = wait_finished(close_ok(bu, actor, activity_type, customer))
    assert firing.status == FiringStatus.FAILED
    assert "numérotation" in firing.error_message
    assert firing.attempts == 1  # permanent: not retried
    firing.history_entry.refresh_from_db()
    assert "numérotation" in firing.history_entry.message
    assert ledger(sandbox_clean, "invoice") == []


def test_a_forced_firing_creates_the_invoice_once_and_a_second_force_is_skipped(
    bu, actor, activity_type, customer, billing
):
    from accounts.principal import Principal

    trigger = make_trigger(bu, actor, activity_type)
    activity = activity_services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, customer=customer, title="Contrat"
    )
    principal = Principal(business_unit=bu, role="admin", user=actor.user)
    firing = wait_finished(services.trigger_force(trigger=trigger, activity=activity, principal=principal))
    assert firing.status == FiringStatus.SUCCEEDED and firing.forced_by == actor.user
    again = wait_finished(services.trigger_force(trigger=trigger, activity=activity, principal=principal))
    assert again.status == FiringStatus.SKIPPED
    assert len(ledger(billing, "invoice")) == 1


def test_500_500_then_201_gives_one_document_after_three_attempts(
    bu, actor, activity_type, customer, billing, settings
):
    make_trigger(bu, actor, activity_type)
    billing.fault("POST", r"/api/external/v2/customer_invoices$", status=500, times=2)
    firing = wait_finished(close_ok(bu, actor, activity_type, customer), timeout=90)
    assert firing.status == FiringStatus.SUCCEEDED, firing.error_message
    assert firing.attempts == 3
    outcomes = list(firing.attempt_rows.values_list("outcome", flat=True))
    assert outcomes == ["retry", "retry", "succeeded"]
    assert len(ledger(billing, "invoice")) == 1


def test_a_timeout_after_the_document_was_created_remotely_finds_it_instead_of_posting_again(
    bu, actor, activity_type, customer, billing
):
    make_trigger(bu, actor, activity_type)
    billing.fault("POST", r"/api/external/v2/customer_invoices$", drop_after_commit=True, times=1)
    firing = wait_finished(close_ok(bu, actor, activity_type, customer), timeout=90)
    assert firing.status == FiringStatus.SUCCEEDED, firing.error_message
    assert len(ledger(billing, "invoice")) == 1


def test_the_same_firing_delivered_twice_runs_once(bu, actor, activity_type, customer, billing):
    from triggers.engine import enqueue

    make_trigger(bu, actor, activity_type)
    firing = close_ok(bu, actor, activity_type, customer)
    enqueue(firing.pk)
    enqueue(firing.pk)
    wait_finished(firing)
    assert len(ledger(billing, "invoice")) == 1
    assert Firing.objects.get(pk=firing.pk).attempt_rows.count() == 1


def test_a_revoked_grant_pauses_the_firings_and_reconnecting_resumes_them_once(
    bu, actor, activity_type, customer, billing
):
    from pennylane.models import PennylaneConnection

    make_trigger(bu, actor, activity_type)
    connection = PennylaneConnection.objects.get(business_unit=bu)
    connection.status = "to_reconnect"
    connection.save()
    firing = wait_finished(close_ok(bu, actor, activity_type, customer))
    assert firing.status == FiringStatus.PAUSED
    connect_business_unit(bu, billing)  # the administrator reconnects
    firing = wait_finished(firing)
    assert firing.status == FiringStatus.SUCCEEDED, firing.error_message
    assert len(ledger(billing, "invoice")) == 1


def test_a_firing_whose_message_was_lost_is_delivered_by_the_sweeper(
    bu, actor, activity_type, customer, billing, settings
):
    from datetime import timedelta

    from django.db import transaction

    from triggers.execution import firings_sweep

    make_trigger(bu, actor, activity_type)
    # The process dies between commit and enqueue: commit without running the on_commit hooks.
    activity = activity_services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, customer=customer, title="Perdu"
    )
    with transaction.atomic():
        activity_services.activity_transition(activity=activity, actor=actor, action=Action.CLOSE_OK)
        transaction.get_connection().run_on_commit = []
    firing = Firing.objects.get(activity=activity)
    assert firing.status == FiringStatus.PENDING
    assert firings_sweep(stale_after=timedelta(0)) == 1
    assert wait_finished(firing).status == FiringStatus.SUCCEEDED
    assert len(ledger(billing, "invoice")) == 1


def test_other_customers_get_their_own_pennylane_customer(bu, actor, activity_type, customer, billing):
    make_trigger(bu, actor, activity_type)
    other = CustomerFactory(
        business_unit=bu, kind="individual", name="", first_name="Jeanne", last_name="Durand"
    )
    for who in (customer, other):
        assert wait_finished(close_ok(bu, actor, activity_type, who)).status == FiringStatus.SUCCEEDED
    assert len(ledger(billing, "customer")) == 2
