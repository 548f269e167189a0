"""/api/v1/firings/, activities/{id}/force-trigger/ and activities/{id}/firings/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from accounts.principal import Actor
from activities import history
from activities.models import HistoryKind
from tests import factories
from triggers.models import Firing, FiringAttempt, FiringStatus

pytestmark = pytest.mark.django_db


def _firing(trigger, activity, key, status=FiringStatus.FAILED, attempts=1):
    entry = history.history_trigger(activity, Actor(), "Déclenchement")
    firing = Firing.objects.create(
        business_unit=activity.business_unit,
        trigger=trigger,
        trigger_name=trigger.name,
        trigger_type=trigger.trigger_type,
        activity=activity,
        idempotency_key=key,
        status=status,
        error_message="Pennylane : numérotation non configurée" if status == FiringStatus.FAILED else "",
        history_entry=entry,
        request_data={"path": "customer_invoices"},
        response_data={"status": 422},
    )
    for number in range(1, attempts + 1):
        FiringAttempt.objects.create(
            firing=firing,
            number=number,
            started_at=timezone.now(),
            duration_ms=10 * number,
            outcome="failed",
            steps=[{"step": "document", "status": "error", "ms": 5, "error": "422"}],
        )
    return firing


def test_force_creates_a_firing_with_the_user_and_a_history_row(
    api_client, supervisor, trigger, activity, django_capture_on_commit_callbacks
):
    api_client.force_login(supervisor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_client.post(
            f"/api/v1/activities/{activity.pk}/force-trigger/", {"trigger": trigger.pk}, format="json"
        )
    assert response.status_code == 201, response.json()
    firing = Firing.objects.get(pk=response.json()["id"])
    assert firing.forced_by == supervisor and firing.status == FiringStatus.PENDING
    assert firing.history_entry.kind == HistoryKind.TRIGGER and firing.history_entry.activity == activity
    assert response.json()["forced_by"] == supervisor.pk
    assert len(callbacks) == 1


def test_force_with_an_api_key_records_the_key_as_author(
    api_key_client, trigger, activity, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        response = api_key_client.post(
            f"/api/v1/activities/{activity.pk}/force-trigger/", {"trigger": trigger.pk}, format="json"
        )
    assert response.status_code == 201
    firing = Firing.objects.get(pk=response.json()["id"])
    assert firing.forced_by is None and firing.history_entry.actor_api_key is not None


def test_force_refusals_name_the_trigger_field(admin_api, trigger, activity, other_trigger, activity_type):
    url = f"/api/v1/activities/{activity.pk}/force-trigger/"
    for body in ({"trigger": other_trigger.pk}, {}, {"trigger": "x"}, {"trigger": 10**30}):
        response = admin_api.post(url, body, format="json")
        assert response.status_code == 400 and "trigger" in response.json(), body
    activity_type.manual_triggers_enabled = False
    activity_type.save()
    response = admin_api.post(url, {"trigger": trigger.pk}, format="json")
    assert response.status_code == 400 and "trigger" in response.json()
    assert not Firing.objects.exists()


def test_force_on_another_units_activity_is_a_404(admin_api, trigger, other_activity):
    response = admin_api.post(
        f"/api/v1/activities/{other_activity.pk}/force-trigger/", {"trigger": trigger.pk}, format="json"
    )
    assert response.status_code == 404
    assert admin_api.get(f"/api/v1/activities/{other_activity.pk}/firings/").status_code == 404
    assert not Firing.objects.exists()


@pytest.mark.parametrize("role", [Role.FIELD_WORKER, Role.ACCOUNTANT])
def test_only_administrators_and_supervisors_force_and_retry(role_api, trigger, activity, role):
    failed = _firing(trigger, activity, "r-1")
    client = role_api(role)
    assert (
        client.post(
            f"/api/v1/activities/{activity.pk}/force-trigger/", {"trigger": trigger.pk}, format="json"
        ).status_code
        == 403
    )
    assert client.post(f"/api/v1/firings/{failed.pk}/retry/").status_code == 403
    failed.refresh_from_db()
    assert failed.status == FiringStatus.FAILED and Firing.objects.count() == 1


def test_everyone_of_the_unit_reads_firings_field_workers_their_own(
    role_api, trigger, activity, bu, field_worker
):
    _firing(trigger, activity, "read-1")
    assert role_api(Role.ACCOUNTANT).get("/api/v1/firings/").json()["count"] == 1
    assert role_api(Role.SUPERVISOR).get("/api/v1/firings/").json()["count"] == 1
    from rest_framework.test import APIClient

    worker = APIClient()
    worker.force_login(field_worker)
    assert worker.get("/api/v1/firings/").json()["count"] == 0
    activity.assignees.add(field_worker)
    assert worker.get("/api/v1/firings/").json()["count"] == 1


def test_firing_detail_has_the_request_response_and_attempts(admin_api, trigger, activity):
    firing = _firing(trigger, activity, "d-1", attempts=2)
    data = admin_api.get(f"/api/v1/firings/{firing.pk}/").json()
    assert data["status"] == "failed" and "numérotation" in data["error_message"]
    assert data["request_data"] == {"path": "customer_invoices"} and data["response_data"] == {"status": 422}
    assert [a["number"] for a in data["attempt_rows"]] == [1, 2]
    assert (
        data["attempt_rows"][1]["duration_ms"] == 20
        and data["attempt_rows"][0]["steps"][0]["step"] == "document"
    )


def test_retry_puts_a_failed_firing_back_in_the_queue(
    admin_api, trigger, activity, django_capture_on_commit_callbacks
):
    firing = _firing(trigger, activity, "retry-1")
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_api.post(f"/api/v1/firings/{firing.pk}/retry/")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    assert len(callbacks) == 1
    response = admin_api.post(f"/api/v1/firings/{firing.pk}/retry/")
    assert response.status_code == 400 and "status" in response.json()


def test_filters_scope_ids_to_the_unit(
    admin_api, trigger, activity, other_trigger, other_activity, bu, activity_type
):
    mine = _firing(trigger, activity, "f-1")
    second = factories.ActivityFactory(business_unit=bu, activity_type=activity_type)
    _firing(trigger, second, "f-2", status=FiringStatus.SUCCEEDED)
    theirs = _firing(other_trigger, other_activity, "f-3")
    assert [
        f["id"] for f in admin_api.get("/api/v1/firings/", {"activity": activity.pk}).json()["results"]
    ] == [mine.pk]
    assert admin_api.get("/api/v1/firings/", {"trigger": trigger.pk}).json()["count"] == 2
    assert admin_api.get("/api/v1/firings/", {"status": "failed"}).json()["count"] == 1
    for params, field in (
        ({"activity": other_activity.pk}, "activity"),
        ({"trigger": other_trigger.pk}, "trigger"),
        ({"status": "nope"}, "status"),
    ):
        response = admin_api.get("/api/v1/firings/", params)
        assert response.status_code == 400 and field in response.json()
    assert admin_api.get(f"/api/v1/firings/{theirs.pk}/").status_code == 404
    assert admin_api.post(f"/api/v1/firings/{theirs.pk}/retry/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == FiringStatus.FAILED
    ids = [f["id"] for f in admin_api.get(f"/api/v1/activities/{activity.pk}/firings/").json()["results"]]
    assert ids == [mine.pk]


def _queries(client, url):
    client.get(url)  # warm-up: the API key writes its last_used_at at most once a minute
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_firing_lists_run_a_constant_number_of_queries(admin_api, trigger, activity, bu, admin_user):
    _firing(trigger, activity, "q-0")
    urls = ["/api/v1/firings/", f"/api/v1/activities/{activity.pk}/firings/"]
    before = [_queries(admin_api, url) for url in urls]
    for n in range(1, 6):
        other = factories.ActivityFactory(business_unit=bu, activity_type=activity.activity_type)
        firing = _firing(trigger, activity if n % 2 else other, f"q-{n}", attempts=2)
        Firing.objects.filter(pk=firing.pk).update(forced_by=admin_user)
    assert [_queries(admin_api, url) for url in urls] == before
