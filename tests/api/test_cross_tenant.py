"""RELIABILITY.md F19: business unit A's API key uses B's ids everywhere and never reaches B's data."""

import pytest

from accounts.models import Role
from activities.models import Activity, Customer, HistoryEntry
from catalog.models import ActivityType

from .conftest import key_client

ACTIONS = ["schedule", "unschedule", "start", "close-ok", "close-ko", "cancel", "reopen"]


@pytest.fixture
def client_a(bu):
    return key_client(bu, Role.ADMIN)


def _snapshot(objects):
    return (
        ActivityType.objects.filter(pk=objects["activity_type"].pk).values().get(),
        Customer.objects.filter(pk=objects["customer"].pk).values().get(),
        Activity.objects.filter(pk=objects["activity"].pk).values().get(),
        HistoryEntry.objects.filter(activity=objects["activity"]).count(),
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/activity-types/{activity_type}/",
        "/api/v1/customers/{customer}/",
        "/api/v1/activities/{activity}/",
        "/api/v1/activities/{activity}/history/",
        "/api/v1/history/{history}/",
    ],
)
def test_reading_another_business_units_object_is_not_found(client_a, other_objects, url):
    ids = {name: obj.pk for name, obj in other_objects.items()}
    assert client_a.get(url.format(**ids)).status_code == 404


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/activity-types/{activity_type}/", {"name": "Piraté"}),
        ("/api/v1/customers/{customer}/", {"reference": "P", "name": "Piraté"}),
        ("/api/v1/activities/{activity}/", {"title": "Piraté"}),
    ],
)
def test_changing_another_business_units_object_is_not_found(client_a, other_objects, method, url, body):
    before = _snapshot(other_objects)
    ids = {name: obj.pk for name, obj in other_objects.items()}
    response = getattr(client_a, method)(url.format(**ids), body)
    assert response.status_code == 404
    assert _snapshot(other_objects) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_status_action_on_another_business_units_activity_is_not_found(client_a, other_objects, action):
    before = _snapshot(other_objects)
    response = client_a.post(
        f"/api/v1/activities/{other_objects['activity'].pk}/{action}/",
        {"reason": "other", "scheduled_start": "2030-01-01T08:00:00Z"},
    )
    assert response.status_code == 404
    assert _snapshot(other_objects) == before


@pytest.mark.parametrize(
    ("url", "param", "key"),
    [
        ("/api/v1/activities/", "activity_type", "activity_type"),
        ("/api/v1/activities/", "customer", "customer"),
        ("/api/v1/activities/", "assignee", "user"),
        ("/api/v1/history/", "activity", "activity"),
    ],
)
def test_filtering_a_list_by_another_business_units_id_is_refused_naming_the_filter(
    client_a, other_objects, activity, url, param, key
):
    response = client_a.get(f"{url}?{param}={other_objects[key].pk}")
    assert response.status_code == 400
    assert list(response.json()) == [param]


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/api/v1/activity-types/", "activity_type"),
        ("/api/v1/customers/", "customer"),
        ("/api/v1/activities/", "activity"),
        ("/api/v1/history/", "history"),
    ],
)
def test_lists_never_show_another_business_units_objects(client_a, other_objects, activity, url, key):
    from accounts.principal import Actor
    from activities import history

    own = {
        "activity_type": activity.activity_type,
        "customer": activity.customer,
        "activity": activity,
        "history": history.history_note(activity, Actor(), "note de A"),
    }[key]
    rows = client_a.get(f"{url}?page_size=100").json()["results"]
    assert [row["id"] for row in rows] == [own.pk]
    assert other_objects[key].pk not in {row["id"] for row in rows} - {own.pk}


@pytest.mark.parametrize(
    ("field", "key", "many"),
    [("activity_type", "activity_type", False), ("customer", "customer", False), ("assignees", "user", True)],
)
def test_creating_an_activity_with_another_business_units_id_in_the_body_is_refused_on_the_field(
    client_a, other_objects, activity_type, customer, field, key, many
):
    value = other_objects[key].pk
    body = {
        "title": "T",
        "activity_type": activity_type.pk,
        "customer": customer.pk,
        field: [value] if many else value,
    }
    response = client_a.post("/api/v1/activities/", body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Activity.objects.filter(title="T").exists()


@pytest.mark.parametrize(
    ("field", "key", "many"),
    [("activity_type", "activity_type", False), ("customer", "customer", False), ("assignees", "user", True)],
)
def test_updating_an_activity_with_another_business_units_id_in_the_body_is_refused_on_the_field(
    client_a, other_objects, activity, field, key, many
):
    value = other_objects[key].pk
    response = client_a.patch(f"/api/v1/activities/{activity.pk}/", {field: [value] if many else value})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not activity.history.exists()


def test_a_session_user_of_a_only_reaches_a(admin_user, other_objects):
    from .conftest import session_client

    client = session_client(admin_user)
    assert client.get(f"/api/v1/activities/{other_objects['activity'].pk}/").status_code == 404
    assert client.get("/api/v1/activities/").json()["count"] == 0
