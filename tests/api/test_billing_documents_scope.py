"""Billing documents: a field worker sees those of their own activities; filters are scoped."""

import pytest

from pennylane.models import BillingDocument
from tests.factories import ActivityFactory

from .conftest import session_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/billing-documents/"


def document(activity, ref):
    return BillingDocument.objects.create(
        business_unit=activity.business_unit,
        activity=activity,
        kind="invoice",
        external_reference=ref,
        pennylane_id=1,
    )


def test_a_field_worker_sees_only_the_documents_of_activities_assigned_to_them(bu, field_worker, supervisor):
    mine = ActivityFactory(business_unit=bu)
    mine.assignees.add(field_worker)
    other = ActivityFactory(business_unit=bu)
    document(mine, "ref-mine")
    hidden = document(other, "ref-other")
    refs = [d["external_reference"] for d in session_client(field_worker).get(URL).json()["results"]]
    assert refs == ["ref-mine"]
    assert session_client(field_worker).get(f"{URL}{hidden.pk}/").status_code == 404
    assert len(session_client(supervisor).get(URL).json()["results"]) == 2


def test_filtering_on_another_units_activity_is_a_400_naming_the_filter(bu, other_bu, supervisor):
    foreign = ActivityFactory(business_unit=other_bu)
    response = session_client(supervisor).get(URL, {"activity": foreign.pk})
    assert response.status_code == 400 and "activity" in response.json()
