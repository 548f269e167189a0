"""The trigger's summary asks Pennylane whether invoice numbering is configured."""

import pytest

from triggers import services
from triggers.models import Event

from ..worker_process import connect_business_unit

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]


def codes(trigger):
    return {p.code for p in services.trigger_problems(trigger)}


def test_a_company_without_numbering_is_reported_on_the_summary(
    bu, actor, activity_type, settings_for_sandbox, sandbox_clean
):
    trigger = services.trigger_create(
        business_unit=bu, actor=actor, activity_type=activity_type, name="Factures", event=Event.CLOSED_OK
    )
    assert "no_connection" in codes(trigger)
    connect_business_unit(bu, sandbox_clean, company="no-numbering")
    assert codes(trigger) == {"numbering"}
    sandbox_clean.set_numbering("no-numbering", invoices=True)
    assert codes(trigger) == set()


def test_missing_scopes_are_reported(bu, actor, activity_type, settings_for_sandbox, sandbox_clean):
    trigger = services.trigger_create(
        business_unit=bu,
        actor=actor,
        activity_type=activity_type,
        name="Devis",
        event=Event.CLOSED_OK,
        config={"document": "quote"},
    )
    connect_business_unit(bu, sandbox_clean, scopes=["customers:all", "customer_invoices:all"])
    problems = services.trigger_problems(trigger)
    assert [p.code for p in problems] == ["missing_scope"]
    assert "quotes:all" in problems[0].message
