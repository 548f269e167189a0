"""Customers pages, the demo data command, and the English interface."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import BusinessUnit, Membership, Role, User
from activities.models import Activity, Customer, HistoryEntry
from catalog.models import ActivityType

pytestmark = pytest.mark.django_db


def _customer_payload(**extra):
    data = {
        "kind": "company",
        "reference": "CLI-900",
        "name": "Plomberie Durand",
        "first_name": "",
        "last_name": "",
        "emails": "compta@durand.example, Contact@Durand.example",
        "phone": "0102030405",
        "address": "1 rue Haute",
        "postal_code": "69001",
        "city": "Lyon",
        "country": "FR",
        "vat_number": "FR44732829320",
        "siren": "732829320",
    }
    data.update(extra)
    return data


def test_a_supervisor_creates_a_company_customer_with_several_emails(as_supervisor, bu):
    response = as_supervisor.post(reverse("activities:customer_create"), _customer_payload())
    assert response.status_code == 302
    customer = Customer.objects.get(business_unit=bu, reference="CLI-900")
    assert customer.emails == ["compta@durand.example", "contact@durand.example"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("siren", "123456789"), ("vat_number", "FR00732829320"), ("emails", "pas-un-email"), ("name", "")],
)
def test_invalid_customer_fields_are_shown_on_the_field(as_supervisor, field, value):
    response = as_supervisor.post(reverse("activities:customer_create"), _customer_payload(**{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_an_individual_needs_first_and_last_name(as_supervisor):
    response = as_supervisor.post(
        reverse("activities:customer_create"), _customer_payload(kind="individual", name="", first_name="")
    )
    assert response.status_code == 400
    assert "first_name" in response.context["form"].errors


def test_a_duplicate_customer_reference_is_a_form_error(as_supervisor, customer):
    response = as_supervisor.post(
        reverse("activities:customer_create"), _customer_payload(reference=customer.reference)
    )
    assert response.status_code == 400


def test_customers_are_searched_and_edited(as_supervisor, customer, bu):
    from tests import factories

    factories.CustomerFactory(business_unit=bu, name="Autre Société")
    listing = as_supervisor.get(reverse("activities:customer_list"), {"q": customer.name[:8]})
    names = [c.name for c in listing.context["page"].object_list]
    assert names == [customer.name]
    response = as_supervisor.post(
        reverse("activities:customer_edit", args=[customer.pk]),
        _customer_payload(reference=customer.reference, name="Renommé SARL"),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "Renommé SARL"


def test_demo_data_creates_a_complete_business_unit_once(capsys):
    call_command("demo_data")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    bu = BusinessUnit.objects.get(name="Démo Plomberie")
    roles = dict(Membership.objects.filter(business_unit=bu).values_list("user__username", "role"))
    assert roles == {
        "admin": Role.ADMIN,
        "superviseur": Role.SUPERVISOR,
        "technicien": Role.FIELD_WORKER,
        "technicien2": Role.FIELD_WORKER,
        "comptable": Role.ACCOUNTANT,
    }
    for username in roles:
        password = next(
            line.split()[1] for line in out.splitlines() if line.strip().startswith(username + " ")
        )
        assert User.objects.get(username=username).check_password(password)
    intervention = ActivityType.objects.get(business_unit=bu, name="Intervention")
    assert intervention.billing_active and intervention.manual_triggers_enabled
    assert intervention.default_totals.excl_tax == 120
    assert ActivityType.objects.filter(business_unit=bu).count() == 3
    customers = Customer.objects.filter(business_unit=bu)
    assert customers.count() == 10 and any(not c.emails for c in customers)
    activities = Activity.objects.filter(business_unit=bu)
    assert activities.count() == 30
    statuses = set(activities.values_list("status", flat=True))
    assert statuses == {"to_schedule", "scheduled", "in_progress", "closed_ok", "closed_ko", "cancelled"}
    assert HistoryEntry.objects.filter(activity__business_unit=bu, kind="status").exists()
    call_command("demo_data")
    call_command("demo_data", "--if-empty")
    assert Activity.objects.filter(business_unit=bu).count() == 30
    assert BusinessUnit.objects.count() == 1


def test_demo_data_if_empty_does_nothing_when_a_business_unit_exists(bu):
    call_command("demo_data", "--if-empty")
    assert not BusinessUnit.objects.filter(name="Démo Plomberie").exists()


def test_pages_are_in_english_when_the_language_is_en(admin_user, activity):
    client = Client()
    client.force_login(admin_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert '<html lang="en">' in html
    assert "Modification history" in html and "Historique des modifications" not in html
    assert "Scheduling" in html
    french = Client(HTTP_ACCEPT_LANGUAGE="fr")
    french.force_login(admin_user)
    assert (
        "Historique des modifications"
        in french.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    )
