"""List endpoints run a fixed number of SQL queries, whatever the page size (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.principal import Actor
from activities import history
from tests import factories


def _populate(bu, n):
    users = [factories.MembershipFactory(business_unit=bu, role="field_worker").user for _ in range(2)]
    for _ in range(n):
        activity_type = factories.ActivityTypeFactory(business_unit=bu)
        activity = factories.ActivityFactory(business_unit=bu, activity_type=activity_type)
        activity.assignees.add(*users)
        history.history_note(activity, Actor(), "note")


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize(
    "url",
    ["/api/v1/activities/", "/api/v1/customers/", "/api/v1/activity-types/", "/api/v1/history/"],
)
def test_a_list_runs_the_same_number_of_queries_for_one_row_or_twenty(bu, api_key_client, url):
    _populate(bu, 20)
    api_key_client.get(url)  # the key's last_used_at is written on first use only
    one_query_count, one_rows = _count(api_key_client, f"{url}?page_size=1")
    many_query_count, many_rows = _count(api_key_client, f"{url}?page_size=20")
    assert (one_rows, many_rows) == (1, 20)
    assert one_query_count == many_query_count
    assert many_query_count <= 5


def test_an_activity_history_runs_the_same_number_of_queries_for_one_row_or_twenty(bu, api_key_client):
    _populate(bu, 1)
    activity = factories.ActivityFactory._meta.model.objects.get()
    for _ in range(19):
        history.history_note(activity, Actor(), "encore")
    url = f"/api/v1/activities/{activity.pk}/history/"
    api_key_client.get(url)
    assert _count(api_key_client, f"{url}?page_size=1")[0] == _count(api_key_client, f"{url}?page_size=20")[0]
