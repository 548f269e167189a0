import pytest

from accounts.models import Role
from catalog.models import ActivityType

from .conftest import key_client

LINE = {"label": "Forfait", "quantity": "1", "unit": "piece", "unit_price": "80.00", "vat_rate": "FR_100"}


@pytest.mark.parametrize("role", list(Role))
def test_every_member_lists_and_reads_the_activity_types(bu, activity_type, role):
    client = key_client(bu, role)
    listing = client.get("/api/v1/activity-types/")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [activity_type.pk]
    detail = client.get(f"/api/v1/activity-types/{activity_type.pk}/").json()
    assert detail["default_totals"] == {"excl_tax": "120.00", "tax": "24.00", "incl_tax": "144.00"}
    assert detail["default_duration_minutes"] == 60


def test_an_administrator_creates_an_activity_type_with_default_billing_lines(bu):
    response = key_client(bu, Role.ADMIN).post(
        "/api/v1/activity-types/",
        {
            "name": "Entretien",
            "reference": "ENT",
            "default_duration_minutes": 90,
            "default_billing_lines": [LINE],
        },
    )
    assert response.status_code == 201, response.json()
    created = ActivityType.objects.get(pk=response.json()["id"])
    assert created.business_unit == bu
    assert created.default_duration.total_seconds() == 90 * 60
    assert created.default_billing_lines[0]["unit_price"] == "80.00"
    assert response.json()["default_totals"]["incl_tax"] == "88.00"


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.FIELD_WORKER, Role.ACCOUNTANT])
def test_only_administrators_create_or_change_activity_types(bu, activity_type, role):
    client = key_client(bu, role)
    assert client.post("/api/v1/activity-types/", {"name": "X"}).status_code == 403
    assert client.patch(f"/api/v1/activity-types/{activity_type.pk}/", {"name": "X"}).status_code == 403
    activity_type.refresh_from_db()
    assert activity_type.name == "Dépannage"
    assert not ActivityType.objects.filter(name="X").exists()


def test_an_administrator_renames_an_activity_type(bu, activity_type):
    response = key_client(bu, Role.ADMIN).patch(
        f"/api/v1/activity-types/{activity_type.pk}/", {"name": "Réparation"}
    )
    assert response.status_code == 200
    activity_type.refresh_from_db()
    assert activity_type.name == "Réparation"


def test_a_bad_default_billing_line_is_refused_naming_the_line_and_field(bu, activity_type):
    response = key_client(bu, Role.ADMIN).patch(
        f"/api/v1/activity-types/{activity_type.pk}/",
        {"default_billing_lines": [LINE, {**LINE, "vat_rate": "FR_055", "unit_price": "1.999"}]},
    )
    assert response.status_code == 400
    assert set(response.json()) == {
        "default_billing_lines[1].vat_rate",
        "default_billing_lines[1].unit_price",
    }


def test_a_duplicate_activity_type_reference_is_refused_on_the_field(bu, activity_type):
    response = key_client(bu, Role.ADMIN).post(
        "/api/v1/activity-types/", {"name": "Copie", "reference": activity_type.reference}
    )
    assert response.status_code == 400
    assert "reference" in response.json()
