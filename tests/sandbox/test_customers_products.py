"""Customers and products, lists, filters and pagination (every response checked against the spec)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.sandbox

ADDRESS = {"address": "1 place Bellecour", "postal_code": "69002", "city": "Lyon", "country_alpha2": "FR"}


def test_company_and_individual_customers_are_created_read_and_updated(api):
    company = api.company_customer(external_reference="CUST-1", vat_number="FR12345678901")
    assert company["external_reference"] == "CUST-1"
    individual = api.post(
        "/individual_customers",
        {"first_name": "Jeanne", "last_name": "Durand", "billing_address": ADDRESS, "emails": ["j@d.fr"]},
    )
    assert individual.status_code == 201
    assert individual.json()["name"] == "Jeanne Durand"
    # Pennylane picks an external reference when none is given.
    assert individual.json()["external_reference"]

    got = api.get(f"/customers/{company['id']}").json()
    assert got["customer_type"] == "company"
    assert api.get(f"/customers/{individual.json()['id']}").json()["customer_type"] == "individual"
    assert api.get(f"/company_customers/{company['id']}").json()["vat_number"] == "FR12345678901"

    updated = api.put(f"/company_customers/{company['id']}", {"name": "Boulangerie Martin & Fils"})
    assert updated.status_code == 200
    assert updated.json()["name"] == "Boulangerie Martin & Fils"
    individual_id = individual.json()["id"]
    updated = api.put(f"/individual_customers/{individual_id}", {"last_name": "Durand-Petit"})
    assert updated.json()["name"] == "Jeanne Durand-Petit"
    # The typed endpoints do not serve the other type.
    assert api.get(f"/individual_customers/{company['id']}").status_code == 404


def test_external_reference_is_unique_per_company_but_creates_are_not_idempotent(api, api_no_numbering):
    api.company_customer(external_reference="CUST-1")
    duplicate = api.post(
        "/company_customers", {"name": "Autre", "billing_address": ADDRESS, "external_reference": "CUST-1"}
    )
    assert duplicate.status_code == 409
    # The same reference in another company is fine.
    assert api_no_numbering.company_customer(external_reference="CUST-1")["external_reference"] == "CUST-1"
    # Without a reference, the same POST twice creates two customers (no idempotency).
    first, second = api.company_customer(), api.company_customer()
    assert first["id"] != second["id"]
    assert len([row for row in api.sandbox.ledger() if row["kind"] == "customer"]) == 4


def test_another_companys_ids_are_404(api, api_no_numbering):
    mine = api.company_customer()
    answer = api_no_numbering.get(f"/customers/{mine['id']}")
    assert answer.status_code == 404
    assert answer.json() == {"error": "Not Found", "status": 404}
    assert api_no_numbering.put(f"/company_customers/{mine['id']}", {"name": "x"}).status_code == 404


def test_unknown_fields_are_rejected_with_a_400_naming_them(api):
    answer = api.post("/company_customers", {"name": "X", "billing_address": ADDRESS, "colour": "blue"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "NotExistPropertyDefinition"
    assert "colour" in answer.json()["field"]
    missing = api.post("/company_customers", {"name": "X"})
    assert missing.status_code == 400
    assert missing.json()["code"] == "NotExistRequiredKey"


def test_customer_list_filters_on_external_reference_name_and_emails(api):
    api.company_customer(name="Alpha", external_reference="A-1", emails=["a@alpha.fr"])
    api.company_customer(name="Beta", external_reference="B-1", emails=["b@beta.fr", "x@beta.fr"])

    def names(filters):
        answer = api.get("/customers", params={"filter": json.dumps(filters)})
        assert answer.status_code == 200, answer.text
        return [item["name"] for item in answer.json()["items"]]

    assert names([{"field": "external_reference", "operator": "eq", "value": "B-1"}]) == ["Beta"]
    assert names([{"field": "name", "operator": "eq", "value": "Alpha"}]) == ["Alpha"]
    assert names([{"field": "emails", "operator": "in", "value": ["x@beta.fr"]}]) == ["Beta"]
    assert names([]) == ["Beta", "Alpha"]  # default sort -id
    bad = api.get(
        "/customers", params={"filter": json.dumps([{"field": "city", "operator": "eq", "value": "x"}])}
    )
    assert bad.status_code == 400
    hash_style = api.get("/customers", params={"filter[0][field]": "name"})
    assert hash_style.status_code == 400  # the filter must be a JSON string, not a form hash


def test_pagination_uses_a_cursor_that_forgets_the_filter(api):
    for index in range(5):
        api.company_customer(name=f"Client {index}", external_reference=f"PAGE-{index}")
    api.company_customer(name="Hors filtre", external_reference="OTHER")
    flt = json.dumps([{"field": "external_reference", "operator": "start_with", "value": "PAGE-"}])
    page1 = api.get("/customers", params={"filter": flt, "limit": 2}).json()
    assert [i["external_reference"] for i in page1["items"]] == ["PAGE-4", "PAGE-3"]
    assert page1["has_more"] is True
    with_filter = api.get(
        "/customers", params={"filter": flt, "limit": 10, "cursor": page1["next_cursor"]}
    ).json()
    assert [i["external_reference"] for i in with_filter["items"]] == ["PAGE-2", "PAGE-1", "PAGE-0"]
    assert with_filter == {**with_filter, "has_more": False, "next_cursor": None}
    # Without re-sending the filter, page 2 starts at the cursor but is unfiltered.
    forgot = api.get("/customers", params={"limit": 10, "cursor": page1["next_cursor"]}).json()
    assert [i["name"] for i in forgot["items"]] == ["Client 2", "Client 1", "Client 0"]
    ascending = api.get("/customers", params={"sort": "id", "limit": 1}).json()
    assert ascending["items"][0]["name"] == "Client 0"


@pytest.mark.parametrize("limit", ["0", "101", "abc"])
def test_an_out_of_range_limit_is_a_400(api, limit):
    answer = api.get("/customers", params={"limit": limit})
    assert answer.status_code == 400
    assert answer.json()["status"] == 400


def test_an_invalid_cursor_is_a_400(api):
    assert api.get("/customers", params={"cursor": "%%%not-base64"}).status_code == 400


def test_products_are_created_listed_read_and_updated(api):
    created = api.post(
        "/products",
        {
            "label": "Joint fibre",
            "price_before_tax": "2.5",
            "vat_rate": "FR_200",
            "unit": "piece",
            "reference": "J-12",
        },
    )
    assert created.status_code == 201
    product = created.json()
    assert product["price"] == "3.00"
    assert api.get(f"/products/{product['id']}").json()["label"] == "Joint fibre"
    updated = api.put(f"/products/{product['id']}", {"price_before_tax": "3"})
    assert updated.json()["price_before_tax"] == "3"
    listed = api.get(
        "/products",
        params={"filter": json.dumps([{"field": "reference", "operator": "eq", "value": "J-12"}])},
    )
    assert [item["id"] for item in listed.json()["items"]] == [product["id"]]
    assert (
        api.post("/products", {"label": "X", "price_before_tax": "1,5", "vat_rate": "FR_200"}).status_code
        == 400
    )
    assert (
        api.post("/products", {"label": "X", "price_before_tax": "1", "vat_rate": "FR_055"}).status_code
        == 400
    )
