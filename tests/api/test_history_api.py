from accounts.models import Role
from activities.models import HistoryEntry

from .conftest import key_client, session_client


def _close_and_reopen(client, activity):
    client.post(f"/api/v1/activities/{activity.pk}/close-ok/")
    client.post(f"/api/v1/activities/{activity.pk}/reopen/")
    client.patch(f"/api/v1/activities/{activity.pk}/", {"comment": "revu"})


def test_an_activity_history_lists_its_rows_newest_first(activity, api_key_client):
    _close_and_reopen(api_key_client, activity)
    response = api_key_client.get(f"/api/v1/activities/{activity.pk}/history/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["kind"], r["message"]) for r in rows] == [
        ("updated", ""),
        ("status", "Rouvrir"),
        ("status", "Clôturer OK"),
    ]
    assert rows[0]["changes"] == {"comment": ["", "revu"]}
    assert {r["actor_label"] for r in rows} == {"API: Intégration"}


def test_history_is_filtered_by_kind(activity, api_key_client):
    _close_and_reopen(api_key_client, activity)
    rows = api_key_client.get(f"/api/v1/activities/{activity.pk}/history/?kind=updated").json()["results"]
    assert [r["kind"] for r in rows] == ["updated"]


def test_the_business_unit_history_is_filtered_by_activity_and_kind(
    bu, activity, assigned_activity, api_key_client
):
    from tests import factories

    second = factories.ActivityFactory(business_unit=bu, activity_type=activity.activity_type)
    _close_and_reopen(api_key_client, activity)
    _close_and_reopen(api_key_client, second)
    everything = api_key_client.get("/api/v1/history/").json()
    assert everything["count"] == 6
    only_second = api_key_client.get(f"/api/v1/history/?activity={second.pk}&kind=status").json()["results"]
    assert {(r["activity"], r["kind"]) for r in only_second} == {(second.pk, "status")}
    assert len(only_second) == 2
    one = api_key_client.get(f"/api/v1/history/{only_second[0]['id']}/")
    assert one.status_code == 200


def test_history_is_read_only(activity, api_key_client):
    _close_and_reopen(api_key_client, activity)
    entry = HistoryEntry.objects.first()
    assert api_key_client.post("/api/v1/history/", {}).status_code == 405
    assert api_key_client.delete(f"/api/v1/history/{entry.pk}/").status_code == 405


def test_a_field_worker_sees_the_history_of_their_activities_only(bu, activity, field_worker):
    from tests import factories

    mine = factories.ActivityFactory(business_unit=bu, activity_type=activity.activity_type)
    mine.assignees.add(field_worker)
    planner = key_client(bu, Role.SUPERVISOR)
    _close_and_reopen(planner, activity)
    _close_and_reopen(planner, mine)
    client = session_client(field_worker)
    assert {r["activity"] for r in client.get("/api/v1/history/").json()["results"]} == {mine.pk}
    assert client.get(f"/api/v1/activities/{activity.pk}/history/").status_code == 404
