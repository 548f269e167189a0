"""'Paramètres > Gestion catalogue' and the administrators' accounts pages."""

from html import unescape

import pytest
from django.urls import reverse

from accounts.models import ApiKey, Membership, Role, User
from catalog.models import ActivityType

pytestmark = pytest.mark.django_db


def _configure_payload(**extra):
    data = {
        "name": "Dépannage urgent",
        "reference": "DEP-U",
        "operation_type": "intervention",
        "default_duration_minutes": "90",
        "financial_data_enabled": "on",
        "billing_data_enabled": "on",
        "manual_triggers_enabled": "on",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "2",
        "lines-0-label": "Main d'œuvre",
        "lines-0-quantity": "2",
        "lines-0-unit": "hour",
        "lines-0-unit_price": "45",
        "lines-0-vat_rate": "FR_200",
        "lines-1-label": "Déplacement",
        "lines-1-quantity": "1",
        "lines-1-unit": "piece",
        "lines-1-unit_price": "30",
        "lines-1-vat_rate": "FR_200",
        "lines-1-DELETE": "on",
        "lines-2-label": "",
        "lines-2-quantity": "",
        "lines-2-unit": "piece",
        "lines-2-unit_price": "",
        "lines-2-vat_rate": "FR_200",
    }
    data.update(extra)
    return data


def test_the_configure_page_has_the_documented_sections_and_button(as_admin, activity_type):
    html = unescape(as_admin.get(reverse("catalog:configure", args=[activity_type.pk])).content.decode())
    for label in [
        "Données financières",
        "Activer les données financières",
        "Activer les données de facturation",
        "Paramètres de fonctionnement",
        "Les déclencheurs sont disponibles manuellement sur l'activité",
        ">Modifier</button>",
    ]:
        assert label in html, label
    assert html.count("<details") >= 3


def test_configure_saves_switches_duration_and_lines(as_admin, bu):
    activity_type = ActivityType.objects.create(business_unit=bu, name="Dépannage")
    response = as_admin.post(reverse("catalog:configure", args=[activity_type.pk]), _configure_payload())
    assert response.status_code == 302
    activity_type.refresh_from_db()
    assert activity_type.name == "Dépannage urgent"
    assert activity_type.default_duration_minutes == 90
    assert activity_type.financial_data_enabled and activity_type.billing_data_enabled
    assert activity_type.manual_triggers_enabled
    # The deleted row and the blank row are gone; amounts are normalized.
    assert activity_type.default_billing_lines == [
        {
            "label": "Main d'œuvre",
            "quantity": "2",
            "unit": "hour",
            "unit_price": "45.00",
            "vat_rate": "FR_200",
            "description": "",
        }
    ]


def test_configure_shows_line_errors_next_to_the_field(as_admin, activity_type):
    payload = _configure_payload(**{"lines-0-unit_price": "12.345", "lines-0-vat_rate": "FR_999"})
    response = as_admin.post(reverse("catalog:configure", args=[activity_type.pk]), payload)
    assert response.status_code == 200
    row = response.context["formset"].forms[0]
    assert "unit_price" in row.errors and "vat_rate" in row.errors
    activity_type.refresh_from_db()
    assert activity_type.name != "Dépannage urgent"


def test_a_duplicate_reference_is_a_form_error_not_a_500(as_admin, bu, activity_type):
    other = ActivityType.objects.create(business_unit=bu, name="Autre", reference="AUTRE")
    response = as_admin.post(
        reverse("catalog:configure", args=[other.pk]), _configure_payload(reference=activity_type.reference)
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_an_admin_creates_an_activity_type(as_admin, bu):
    response = as_admin.post(reverse("catalog:create"), _configure_payload(name="Ramonage", reference="RAM"))
    assert response.status_code == 302
    created = ActivityType.objects.get(business_unit=bu, name="Ramonage")
    assert response["Location"] == reverse("catalog:configure", args=[created.pk])


def test_a_supervisor_cannot_change_the_catalog(as_supervisor, activity_type):
    response = as_supervisor.post(reverse("catalog:configure", args=[activity_type.pk]), _configure_payload())
    assert response.status_code == 403
    activity_type.refresh_from_db()
    assert activity_type.name == "Dépannage"


def test_an_api_key_is_shown_once_and_stored_hashed(as_admin, bu, admin_user):
    response = as_admin.post(reverse("accounts:api_keys"), {"name": "ERP", "role": Role.SUPERVISOR})
    assert response.status_code == 302
    key = ApiKey.objects.get(business_unit=bu, name="ERP")
    first = as_admin.get(response["Location"]).content.decode()
    raw = first.split('<pre id="api-key-raw">')[1].split("</pre>")[0]
    assert raw.startswith(f"cad_{key.prefix}_")
    assert key.key_hash == ApiKey.hash(raw) and raw not in key.key_hash
    assert key.created_by == admin_user
    assert raw not in as_admin.get(response["Location"]).content.decode()  # never again
    assert raw not in as_admin.get(reverse("accounts:api_keys")).content.decode()


def test_an_api_key_can_be_revoked(as_admin, bu):
    as_admin.post(reverse("accounts:api_keys"), {"name": "ERP", "role": Role.SUPERVISOR})
    key = ApiKey.objects.get(business_unit=bu)
    assert as_admin.post(reverse("accounts:api_key_revoke", args=[key.pk])).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_an_admin_adds_members_and_changes_roles(as_admin, bu, admin_user):
    response = as_admin.post(
        reverse("accounts:members"),
        {
            "username": "nouveau",
            "role": Role.FIELD_WORKER,
            "password": "long-enough-1",
            "email": "n@example.com",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(business_unit=bu, user__username="nouveau")
    assert membership.role == Role.FIELD_WORKER and User.objects.get(username="nouveau").check_password(
        "long-enough-1"
    )
    as_admin.post(reverse("accounts:member_role", args=[membership.pk]), {"role": Role.SUPERVISOR})
    membership.refresh_from_db()
    assert membership.role == Role.SUPERVISOR
    # The last administrator cannot demote themself.
    own = Membership.objects.get(business_unit=bu, user=admin_user)
    as_admin.post(reverse("accounts:member_role", args=[own.pk]), {"role": Role.ACCOUNTANT})
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_a_new_member_needs_a_password(as_admin):
    response = as_admin.post(reverse("accounts:members"), {"username": "sansmdp", "role": Role.FIELD_WORKER})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
