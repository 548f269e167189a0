from datetime import UTC, datetime

import pytest

from accounts.models import Role
from activities.models import Activity, HistoryEntry
from activities.status import Status
from tests import factories

from .conftest import key_client, session_client


def _payload(activity_type, customer, **extra):
    return {"title": "Fuite cuisine", "activity_type": activity_type.pk, "customer": customer.pk, **extra}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR])
def test_planners_create_an_activity_through_the_service(bu, activity_type, customer, field_worker, role):
    key_client_ = key_client(bu, role)
    response = key_client_.post(
        "/api/v1/activities/",
        _payload(
            activity_type,
            customer,
            assignees=[field_worker.pk],
            scheduled_start="2030-03-01T08:00:00Z",
            custom_fields={"etage": 3},
        ),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "ACT-000001"
    assert body["status"] == Status.SCHEDULED
    assert body["scheduled_end"] == "2030-03-01T10:00:00+01:00"  # default duration, Paris time
    assert [a["id"] for a in body["assignees"]] == [field_worker.pk]
    assert body["custom_fields"] == {"etage": 3}
    assert body["totals"] == {"excl_tax": "120.00", "tax": "24.00", "incl_tax": "144.00"}
    entry = HistoryEntry.objects.get(activity_id=body["id"])
    assert (entry.kind, entry.origin, entry.actor_kind) == ("created", "api", "api_key")


@pytest.mark.parametrize("role", [Role.FIELD_WORKER, Role.ACCOUNTANT])
def test_field_workers_and_accountants_cannot_create_activities(bu, activity_type, customer, role):
    response = key_client(bu, role).post("/api/v1/activities/", _payload(activity_type, customer))
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_a_field_worker_signed_in_cannot_create_an_activity(activity_type, customer, field_worker):
    response = session_client(field_worker).post("/api/v1/activities/", _payload(activity_type, customer))
    assert response.status_code == 403


def test_explicit_billing_lines_give_decimal_string_totals(api_key_client, activity_type, customer):
    lines = [{"label": "Pose", "quantity": "3", "unit_price": "33.33", "vat_rate": "FR_55"}]
    body = api_key_client.post(
        "/api/v1/activities/", _payload(activity_type, customer, billing_lines=lines)
    ).json()
    assert body["totals"] == {"excl_tax": "99.99", "tax": "5.50", "incl_tax": "105.49"}
    assert body["billing_lines"][0]["unit"] == "piece"


def test_an_assignee_who_is_not_a_member_is_refused_on_the_field(
    api_key_client, activity_type, customer, other_bu
):
    outsider = factories.MembershipFactory(business_unit=other_bu).user
    lonely = factories.UserFactory()
    for user in (outsider, lonely):
        response = api_key_client.post(
            "/api/v1/activities/", _payload(activity_type, customer, assignees=[user.pk])
        )
        assert response.status_code == 400
        assert list(response.json()) == ["assignees"]


def test_the_list_is_filtered(bu, api_key_client, activity_type, customer, field_worker):
    other_type = factories.ActivityTypeFactory(business_unit=bu)
    early = factories.ActivityFactory(
        business_unit=bu,
        activity_type=activity_type,
        customer=customer,
        scheduled_start=datetime(2030, 1, 1, 9, tzinfo=UTC),
    )
    late = factories.ActivityFactory(
        business_unit=bu,
        activity_type=other_type,
        scheduled_start=datetime(2030, 6, 1, 9, tzinfo=UTC),
        status=Status.IN_PROGRESS,
    )
    late.assignees.add(field_worker)

    def ids(query):
        response = api_key_client.get(f"/api/v1/activities/?{query}")
        assert response.status_code == 200, response.json()
        return {a["id"] for a in response.json()["results"]}

    assert ids("") == {early.pk, late.pk}
    assert ids("status=in_progress") == {late.pk}
    assert ids("status=in_progress&status=to_schedule") == {early.pk, late.pk}
    assert ids(f"activity_type={activity_type.pk}") == {early.pk}
    assert ids(f"customer={customer.pk}") == {early.pk}
    assert ids(f"assignee={field_worker.pk}") == {late.pk}
    assert ids("scheduled_after=2030-03-01T00:00:00Z") == {late.pk}
    assert ids("scheduled_before=2030-03-01T00:00:00Z") == {early.pk}
    assert ids(f"reference={early.reference}") == {early.pk}
    assert ids("updated_since=2100-01-01T00:00:00Z") == set()


def test_pagination_honours_page_size_up_to_one_hundred(bu, api_key_client, activity_type):
    for _ in range(3):
        factories.ActivityFactory(business_unit=bu, activity_type=activity_type)
    page = api_key_client.get("/api/v1/activities/?page_size=2").json()
    assert (page["count"], len(page["results"]), page["next"] is not None) == (3, 2, True)
    assert "page_size=1000" not in (
        api_key_client.get("/api/v1/activities/?page_size=1000").json()["next"] or ""
    )
    assert api_key_client.get("/api/v1/activities/?page=99").status_code == 404


def test_a_field_worker_sees_only_the_activities_assigned_to_them(
    bu, assigned_activity, field_worker, activity_type
):
    factories.ActivityFactory(business_unit=bu, activity_type=activity_type)
    client = session_client(field_worker)
    assert [a["id"] for a in client.get("/api/v1/activities/").json()["results"]] == [assigned_activity.pk]
    unassigned = Activity.objects.exclude(pk=assigned_activity.pk).get()
    assert client.get(f"/api/v1/activities/{unassigned.pk}/").status_code == 404


def test_a_field_worker_api_key_sees_no_activity(bu, assigned_activity):
    response = key_client(bu, Role.FIELD_WORKER).get("/api/v1/activities/")
    assert response.json()["count"] == 0


def test_a_field_worker_updates_only_comment_and_custom_fields(assigned_activity, field_worker):
    client = session_client(field_worker)
    url = f"/api/v1/activities/{assigned_activity.pk}/"
    ok = client.patch(url, {"comment": "Joint changé", "custom_fields": {"compteur": "1234"}})
    assert ok.status_code == 200, ok.json()
    refused = client.patch(url, {"title": "Autre", "comment": "x"})
    assert refused.status_code == 403
    assert "title" in refused.json()
    assigned_activity.refresh_from_db()
    assert (assigned_activity.comment, assigned_activity.title) == ("Joint changé", assigned_activity.title)
    entry = assigned_activity.history.get()
    assert (entry.actor_user, entry.origin) == (field_worker, "api")


def test_an_accountant_reads_but_cannot_update(bu, activity):
    client = key_client(bu, Role.ACCOUNTANT)
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 200
    assert client.patch(f"/api/v1/activities/{activity.pk}/", {"title": "X"}).status_code == 403


def test_a_planner_updates_fields_and_assignees_in_one_history_row(activity, api_key_client, field_worker):
    response = api_key_client.patch(
        f"/api/v1/activities/{activity.pk}/", {"title": "Nouveau titre", "assignees": [field_worker.pk]}
    )
    assert response.status_code == 200, response.json()
    entry = activity.history.get()
    assert entry.changes["title"][1] == "Nouveau titre"
    assert entry.changes["assignees"] == [[], ["technicien"]]


def test_a_put_replaces_the_given_fields(activity, api_key_client, activity_type):
    response = api_key_client.put(
        f"/api/v1/activities/{activity.pk}/",
        {"title": "Remplacé", "activity_type": activity_type.pk, "customer": None, "comment": "c"},
    )
    assert response.status_code == 200, response.json()
    activity.refresh_from_db()
    assert (activity.title, activity.customer, activity.comment) == ("Remplacé", None, "c")


def test_locked_billing_lines_are_a_conflict_on_the_field(activity, api_key_client):
    Activity.objects.filter(pk=activity.pk).update(billing_locked_at=datetime(2030, 1, 1, tzinfo=UTC))
    line = {"label": "Autre", "quantity": "1", "unit_price": "5.00", "vat_rate": "FR_200"}
    response = api_key_client.patch(f"/api/v1/activities/{activity.pk}/", {"billing_lines": [line]})
    assert response.status_code == 409
    assert "billing_lines" in response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "x" * 10_000),
        ("title", "a\x00b"),
        ("scheduled_start", "2999-01-01T00:00:00Z"),
        ("scheduled_start", "not a date"),
        ("scheduled_start", "0001-01-01T00:00:00+05:00"),
        ("custom_fields", {"Bad Code": 1}),
        ("custom_fields", "text"),
        ("billing_lines", "lines"),
        ("activity_type", "abc"),
        ("activity_type", 10**30),
        ("customer", [1]),
        ("assignees", "1"),
    ],
)
def test_bad_activity_input_is_refused_naming_the_field(
    api_key_client, activity_type, customer, field, value
):
    response = api_key_client.post("/api/v1/activities/", {**_payload(activity_type, customer), field: value})
    assert response.status_code == 400
    assert any(key == field or key.startswith(f"{field}.") for key in response.json()), response.json()


def test_a_scheduled_end_before_the_start_is_refused_on_the_field(api_key_client, activity_type, customer):
    response = api_key_client.post(
        "/api/v1/activities/",
        _payload(
            activity_type,
            customer,
            scheduled_start="2030-01-01T10:00:00Z",
            scheduled_end="2030-01-01T09:00:00Z",
        ),
    )
    assert response.status_code == 400
    assert list(response.json()) == ["scheduled_end"]
