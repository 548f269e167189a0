import pytest

from accounts.models import Role
from activities.status import FIELD_WORKER_ACTIONS, Action, Status
from tests import factories

from .conftest import key_client, session_client

URL_OF = {
    Action.SCHEDULE: "schedule",
    Action.UNSCHEDULE: "unschedule",
    Action.START: "start",
    Action.CLOSE_OK: "close-ok",
    Action.CLOSE_KO: "close-ko",
    Action.CANCEL: "cancel",
    Action.REOPEN: "reopen",
}
# A status each action may start from, and the status it leads to (with a start date and assignee).
PATHS = {
    Action.SCHEDULE: (Status.TO_SCHEDULE, Status.SCHEDULED),
    Action.UNSCHEDULE: (Status.SCHEDULED, Status.TO_SCHEDULE),
    Action.START: (Status.SCHEDULED, Status.IN_PROGRESS),
    Action.CLOSE_OK: (Status.IN_PROGRESS, Status.CLOSED_OK),
    Action.CLOSE_KO: (Status.IN_PROGRESS, Status.CLOSED_KO),
    Action.CANCEL: (Status.SCHEDULED, Status.CANCELLED),
    Action.REOPEN: (Status.CLOSED_OK, Status.SCHEDULED),
}
BODY = {Action.CANCEL: {"reason": "customer_request", "details": "Client absent"}}


def _set_status(activity, status):
    """Test setup only: put the activity in a status without going through the machine."""
    activity.refresh_from_db()
    activity.status = status
    activity.save(update_fields=["status"])


@pytest.mark.parametrize("action", list(Action))
def test_each_transition_is_an_api_action_recorded_in_history(bu, assigned_activity, action):
    source, target = PATHS[action]
    _set_status(assigned_activity, source)
    response = key_client(bu, Role.SUPERVISOR).post(
        f"/api/v1/activities/{assigned_activity.pk}/{URL_OF[action]}/", BODY.get(action, {})
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == target
    entry = assigned_activity.history.get()
    assert (entry.kind, entry.origin, entry.changes["status"]) == ("status", "api", [source, target])


def test_cancelling_records_the_reason_and_details(bu, activity, api_key_client):
    body = api_key_client.post(
        f"/api/v1/activities/{activity.pk}/cancel/",
        {"reason": "missing_equipment", "details": "Pas de joint"},
    ).json()
    assert (body["cancel_reason"], body["cancel_details"]) == ("missing_equipment", "Pas de joint")


def test_cancelling_without_a_reason_is_refused_on_the_field(activity, api_key_client):
    response = api_key_client.post(f"/api/v1/activities/{activity.pk}/cancel/", {"reason": "bored"})
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    activity.refresh_from_db()
    assert activity.status == Status.TO_SCHEDULE


def test_scheduling_without_a_start_date_is_refused_on_the_field(bu, api_key_client, activity_type):
    activity = factories.ActivityFactory(
        business_unit=bu, activity_type=activity_type, scheduled_start=None, scheduled_end=None
    )
    response = api_key_client.post(f"/api/v1/activities/{activity.pk}/schedule/", {})
    assert response.status_code == 400
    assert list(response.json()) == ["scheduled_start"]
    ok = api_key_client.post(
        f"/api/v1/activities/{activity.pk}/schedule/", {"scheduled_start": "2030-05-02T07:00:00Z"}
    )
    assert ok.json()["status"] == Status.SCHEDULED


def test_a_transition_the_status_does_not_allow_is_a_conflict_with_a_clear_message(activity, api_key_client):
    _set_status(activity, Status.CLOSED_OK)
    response = api_key_client.post(f"/api/v1/activities/{activity.pk}/start/")
    assert response.status_code == 409
    assert "Clôturée OK" in response.json()["status"][0]
    activity.refresh_from_db()
    assert activity.status == Status.CLOSED_OK


@pytest.mark.parametrize("action", sorted(FIELD_WORKER_ACTIONS))
def test_a_field_worker_starts_and_closes_their_activity(assigned_activity, field_worker, action):
    _set_status(assigned_activity, PATHS[action][0])
    response = session_client(field_worker).post(
        f"/api/v1/activities/{assigned_activity.pk}/{URL_OF[action]}/", {"comment": "fait"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["comment"] == "fait"
    assert assigned_activity.history.get().actor_user == field_worker


@pytest.mark.parametrize("action", sorted(set(Action) - FIELD_WORKER_ACTIONS))
def test_a_field_worker_cannot_plan_cancel_or_reopen(assigned_activity, field_worker, action):
    _set_status(assigned_activity, PATHS[action][0])
    response = session_client(field_worker).post(
        f"/api/v1/activities/{assigned_activity.pk}/{URL_OF[action]}/", BODY.get(action, {})
    )
    assert response.status_code == 403
    assert not assigned_activity.history.exists()


def test_a_field_worker_cannot_close_an_activity_assigned_to_someone_else(activity, field_worker):
    response = session_client(field_worker).post(f"/api/v1/activities/{activity.pk}/close-ok/")
    assert response.status_code == 404


def test_an_accountant_cannot_change_a_status(bu, activity):
    response = key_client(bu, Role.ACCOUNTANT).post(f"/api/v1/activities/{activity.pk}/start/")
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.status == Status.TO_SCHEDULE
