"""/api/v1/triggers/: CRUD through the services, actions, problems, preview."""

import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from activities.models import HistoryEntry, HistoryKind
from tests import factories
from triggers.models import Firing, FiringStatus, Trigger

pytestmark = pytest.mark.django_db

BASE = "/api/v1/triggers/"


def test_an_administrator_creates_a_trigger_with_conditions_and_settings(admin_api, activity_type, bu):
    body = {
        "activity_type": activity_type.pk,
        "name": "Facture à la clôture",
        "event": "closed_ok",
        "recurrence": "first_time",
        "conditions": [{"field": "custom.urgent", "operator": "eq", "value": "oui"}],
        "config": {"document": "quote", "deadline_days": 15},
    }
    response = admin_api.post(BASE, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    trigger = Trigger.objects.get(pk=data["id"])
    assert trigger.business_unit == bu and trigger.config["document"] == "quote"
    assert data["config"]["deadline_days"] == 15 and data["conditions"][0]["value"] == "oui"
    assert data["activity_type_name"] == activity_type.name


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"conditions": [{"field": "status", "operator": "gt", "value": "abc"}]}, "conditions[0].value"),
        ({"conditions": [{"field": "nope", "operator": "eq", "value": "x"}]}, "conditions[0].field"),
        ({"conditions": "pas une liste"}, "conditions"),
        ({"config": {"send_email": True, "invoice_mode": "draft"}}, "config.send_email"),
        ({"config": {"deadline_days": 9999}}, "config.deadline_days"),
        ({"config": {"mot_de_passe": "x"}}, "config.mot_de_passe"),
        ({"config": ["liste"]}, "config"),
        ({"priority": 10**30}, "priority"),
        ({"event": "explosion"}, "event"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_settings_are_a_400_naming_the_field(admin_api, trigger, patch, field):
    response = admin_api.patch(f"{BASE}{trigger.pk}/", patch, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    before = trigger.config
    trigger.refresh_from_db()
    assert trigger.config == before and trigger.name == "Facturer les dépannages"


def test_an_update_goes_through_the_service(admin_api, trigger):
    response = admin_api.patch(
        f"{BASE}{trigger.pk}/", {"config": {"invoice_mode": "finalized"}, "priority": 3}, format="json"
    )
    assert response.status_code == 200
    trigger.refresh_from_db()
    assert trigger.config["invoice_mode"] == "finalized" and trigger.priority == 3
    assert trigger.config["document"] == "invoice"  # merged, not replaced


def test_an_activity_type_of_another_unit_is_a_400_naming_it(admin_api, other_bu):
    foreign = factories.ActivityTypeFactory(business_unit=other_bu)
    response = admin_api.post(BASE, {"activity_type": foreign.pk, "name": "x"}, format="json")
    assert response.status_code == 400 and "activity_type" in response.json()
    assert not Trigger.objects.filter(name="x").exists()


def test_another_units_trigger_is_a_404_on_every_route(admin_api, other_trigger, activity):
    pk = other_trigger.pk
    assert admin_api.get(f"{BASE}{pk}/").status_code == 404
    assert admin_api.patch(f"{BASE}{pk}/", {"name": "volé"}, format="json").status_code == 404
    assert admin_api.put(f"{BASE}{pk}/", {"name": "volé"}, format="json").status_code == 404
    assert admin_api.delete(f"{BASE}{pk}/").status_code == 404
    for name in ("duplicate", "activate", "deactivate"):
        assert admin_api.post(f"{BASE}{pk}/{name}/").status_code == 404, name
    assert admin_api.get(f"{BASE}{pk}/problems/").status_code == 404
    assert admin_api.get(f"{BASE}{pk}/preview/", {"activity": activity.pk}).status_code == 404
    assert pk not in [t["id"] for t in admin_api.get(BASE).json()["results"]]
    other_trigger.refresh_from_db()
    assert other_trigger.active and other_trigger.name == "Chez le voisin"


@pytest.mark.parametrize(
    "role, can_read", [(Role.SUPERVISOR, True), (Role.FIELD_WORKER, False), (Role.ACCOUNTANT, False)]
)
def test_only_administrators_manage_triggers(role_api, trigger, activity_type, role, can_read):
    client = role_api(role)
    assert (client.get(BASE).status_code == 200) is can_read
    assert (client.get(f"{BASE}{trigger.pk}/").status_code == 200) is can_read
    assert (
        client.post(BASE, {"activity_type": activity_type.pk, "name": "x"}, format="json").status_code == 403
    )
    assert client.patch(f"{BASE}{trigger.pk}/", {"name": "y"}, format="json").status_code == 403
    assert client.delete(f"{BASE}{trigger.pk}/").status_code == 403
    assert client.post(f"{BASE}{trigger.pk}/deactivate/").status_code == 403
    assert client.get(f"{BASE}{trigger.pk}/problems/").status_code == 403
    trigger.refresh_from_db()
    assert trigger.active and trigger.name == "Facturer les dépannages"


def test_anonymous_calls_are_refused(api_client, trigger):
    assert api_client.get(BASE).status_code in (401, 403)


def test_activate_deactivate_and_duplicate(admin_api, trigger):
    assert admin_api.post(f"{BASE}{trigger.pk}/deactivate/").json()["active"] is False
    trigger.refresh_from_db()
    assert trigger.active is False
    assert admin_api.post(f"{BASE}{trigger.pk}/activate/").json()["active"] is True
    response = admin_api.post(f"{BASE}{trigger.pk}/duplicate/")
    assert response.status_code == 201
    copy = Trigger.objects.get(pk=response.json()["id"])
    assert copy.pk != trigger.pk and copy.active is False and copy.name.endswith("(copie)")


def test_delete_cancels_pending_firings_with_a_history_note(admin_api, trigger, activity, bu):
    firing = Firing.objects.create(
        business_unit=bu,
        trigger=trigger,
        trigger_name=trigger.name,
        trigger_type=trigger.trigger_type,
        activity=activity,
        idempotency_key="api-del-1",
    )
    assert admin_api.delete(f"{BASE}{trigger.pk}/").status_code == 204
    assert not Trigger.objects.filter(pk=trigger.pk).exists()
    firing.refresh_from_db()
    assert firing.status == FiringStatus.CANCELLED
    assert HistoryEntry.objects.filter(
        activity=activity, kind=HistoryKind.NOTE, message__contains="supprimé"
    ).exists()


def test_problems_list_the_missing_connection_and_billing_data(admin_api, bu, admin_user):
    activity_type = factories.ActivityTypeFactory(business_unit=bu, billing_data_enabled=False)
    trigger_id = admin_api.post(BASE, {"activity_type": activity_type.pk, "name": "x"}, format="json").json()[
        "id"
    ]
    data = admin_api.get(f"{BASE}{trigger_id}/problems/").json()
    assert data["ok"] is False
    codes = {p["code"]: p for p in data["problems"]}
    assert {"no_connection", "billing_disabled"} <= set(codes)
    assert codes["no_connection"]["connect_button"] is True and codes["no_connection"]["level"] == "error"


def test_problems_ask_pennylane_only_with_probe(admin_api, trigger, bu, monkeypatch):
    from pennylane.models import PennylaneConnection

    PennylaneConnection.objects.create(
        business_unit=bu,
        status="connected",
        company_name="ACME",
        scopes=["customers:all", "customer_invoices:all", "customer_invoice_templates:readonly"],
    )
    asked = []
    # Pennylane answers "no invoice template": numbering not set up.
    monkeypatch.setattr("pennylane.services.connection_call", lambda pk, call: asked.append(pk) or False)
    assert admin_api.get(f"{BASE}{trigger.pk}/problems/").json() == {"ok": True, "problems": []}
    assert asked == []
    data = admin_api.get(f"{BASE}{trigger.pk}/problems/", {"probe": "1"}).json()
    assert asked and [p["code"] for p in data["problems"]] == ["numbering"]
    assert data["ok"] is False


def test_preview_returns_the_body_without_any_http(admin_api, trigger, activity, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("no HTTP in a preview")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    response = admin_api.get(f"{BASE}{trigger.pk}/preview/", {"activity": activity.pk})
    assert response.status_code == 200
    data = response.json()
    assert data["method"] == "POST" and data["path"].endswith("/customer_invoices")
    assert data["body"]["pdf_invoice_subject"] == activity.title and data["body"]["customer_id"] == 0


def test_preview_with_another_units_or_no_activity_is_a_400_naming_it(admin_api, trigger, other_activity):
    for params in ({"activity": other_activity.pk}, {}, {"activity": "abc"}, {"activity": "9" * 40}):
        response = admin_api.get(f"{BASE}{trigger.pk}/preview/", params)
        assert response.status_code == 400 and "activity" in response.json(), params


def _queries(client, url):
    client.get(url)  # warm-up: the API key writes its last_used_at at most once a minute
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_trigger_list_runs_a_constant_number_of_queries(admin_api, bu, trigger):
    before = _queries(admin_api, BASE)
    for n in range(5):
        Trigger.objects.create(
            business_unit=bu, activity_type=factories.ActivityTypeFactory(business_unit=bu), name=f"T{n}"
        )
    assert _queries(admin_api, BASE) == before
    assert admin_api.get(BASE).json()["count"] == 6
