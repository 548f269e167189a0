import pytest

from accounts.models import Role
from activities.models import Customer
from tests import factories

from .conftest import key_client

VALID = {
    "reference": "C-NEW",
    "name": "Ascenseurs Dupont",
    "siren": "732829320",
    "vat_number": "FR44732829320",
}


@pytest.mark.parametrize("role", list(Role))
def test_every_member_lists_and_reads_customers(bu, customer, role):
    client = key_client(bu, role)
    assert [c["id"] for c in client.get("/api/v1/customers/").json()["results"]] == [customer.pk]
    assert client.get(f"/api/v1/customers/{customer.pk}/").json()["reference"] == customer.reference


def test_customers_are_searched_and_filtered(bu, api_key_client):
    factories.CustomerFactory(business_unit=bu, name="Boulangerie Petit", city="Lyon")
    factories.CustomerFactory(business_unit=bu, name="Garage Grand", city="Paris")
    factories.CustomerFactory(
        business_unit=bu, kind="individual", name="", first_name="Léa", last_name="Petitjean", city="Nice"
    )

    def names(query):
        return sorted(
            c["display_name"] for c in api_key_client.get(f"/api/v1/customers/?{query}").json()["results"]
        )

    assert names("search=petit") == ["Boulangerie Petit", "Léa Petitjean"]
    assert names("kind=individual") == ["Léa Petitjean"]
    assert names("city=lyon") == ["Boulangerie Petit"]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR])
def test_planners_create_a_customer(bu, role):
    response = key_client(bu, role).post("/api/v1/customers/", {**VALID, "emails": ["Compta@Dupont.fr"]})
    assert response.status_code == 201, response.json()
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.business_unit == bu
    assert customer.emails == ["compta@dupont.fr"]


@pytest.mark.parametrize("role", [Role.FIELD_WORKER, Role.ACCOUNTANT])
def test_field_workers_and_accountants_cannot_write_customers(bu, customer, role):
    client = key_client(bu, role)
    assert client.post("/api/v1/customers/", VALID).status_code == 403
    assert client.patch(f"/api/v1/customers/{customer.pk}/", {"name": "X"}).status_code == 403
    assert not Customer.objects.filter(reference="C-NEW").exists()


def test_a_customer_is_updated_and_partially_updated(customer, api_key_client):
    put = api_key_client.put(f"/api/v1/customers/{customer.pk}/", {"reference": "R-1", "name": "Nouveau nom"})
    assert put.status_code == 200, put.json()
    patch = api_key_client.patch(f"/api/v1/customers/{customer.pk}/", {"city": "Lille"})
    assert patch.status_code == 200
    customer.refresh_from_db()
    assert (customer.reference, customer.name, customer.city) == ("R-1", "Nouveau nom", "Lille")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siren", "732829321"),  # Luhn key wrong
        ("siren", "12345"),
        ("vat_number", "FR45732829320"),  # key does not match the SIREN
        ("vat_number", "XX"),
        ("country", "France"),
        ("name", "x" * 10_000),
        ("name", "nul\x00byte"),
        ("emails", ["pas-un-email"]),
        ("kind", "alien"),
    ],
)
def test_bad_customer_data_is_refused_naming_the_field(api_key_client, field, value):
    response = api_key_client.post("/api/v1/customers/", {**VALID, field: value})
    assert response.status_code == 400
    assert field in response.json()


def test_a_company_needs_a_name_and_an_individual_a_first_and_last_name(api_key_client):
    company = api_key_client.post("/api/v1/customers/", {"reference": "A", "kind": "company"})
    assert "name" in company.json()
    person = api_key_client.post("/api/v1/customers/", {"reference": "B", "kind": "individual"})
    assert {"first_name", "last_name"} <= set(person.json())


def test_a_duplicate_customer_reference_is_refused_on_the_field(customer, api_key_client):
    response = api_key_client.post("/api/v1/customers/", {**VALID, "reference": customer.reference})
    assert response.status_code == 400
    assert "reference" in response.json()
