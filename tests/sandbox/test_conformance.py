"""Conformance with Pennylane's official OpenAPI file, over real HTTP.

Every response the ``api`` helper receives is validated against the spec (see conftest.py); this
module makes sure each implemented operation is exercised, success and error statuses alike, and
that the spec's own request examples are accepted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import requests

pytestmark = pytest.mark.sandbox

IMPLEMENTED = {
    "getMe",
    "postCompanyCustomer",
    "getCompanyCustomer",
    "putCompanyCustomer",
    "postIndividualCustomer",
    "getIndividualCustomer",
    "putIndividualCustomer",
    "getCustomers",
    "getCustomer",
    "postProducts",
    "getProducts",
    "getProduct",
    "putProduct",
    "postCustomerInvoices",
    "getCustomerInvoices",
    "getCustomerInvoice",
    "finalizeCustomerInvoice",
    "sendByEmailCustomerInvoice",
    "markAsPaidCustomerInvoice",
    "createCustomerInvoiceFromQuote",
    "getCustomerInvoiceInvoiceLines",
    "postQuotes",
    "listQuotes",
    "getQuote",
    "updateStatusQuote",
    "sendByEmailQuote",
    "getQuoteInvoiceLines",
    "getCustomerInvoicesChanges",
    "getQuoteChanges",
}


def test_every_implemented_operation_answers_as_the_spec_says(api, api_no_numbering):
    checker = api.checker
    checker.validated.clear()
    api.sandbox.set_pdf_delay(0)
    address = {
        "address": "2 quai Claude Bernard",
        "postal_code": "69007",
        "city": "Lyon",
        "country_alpha2": "FR",
    }

    assert api.get("/me").status_code == 200
    company = api.company_customer(external_reference="C-1")
    cid = company["id"]
    person = api.post(
        "/individual_customers", {"first_name": "Léa", "last_name": "Roux", "billing_address": address}
    )
    pid = person.json()["id"]
    assert api.get(f"/company_customers/{cid}").status_code == 200
    assert api.put(f"/company_customers/{cid}", {"phone": "+33400000000"}).status_code == 200
    assert api.get(f"/individual_customers/{pid}").status_code == 200
    assert api.put(f"/individual_customers/{pid}", {"notes": None}).status_code == 200
    assert api.get("/customers", params={"limit": 1}).status_code == 200
    assert api.get(f"/customers/{pid}").status_code == 200

    product = api.post("/products", {"label": "Robinet", "price_before_tax": "45.9", "vat_rate": "FR_200"})
    assert product.status_code == 201
    product_id = product.json()["id"]
    assert api.get("/products").status_code == 200
    assert api.get(f"/products/{product_id}").status_code == 200
    assert api.put(f"/products/{product_id}", {"unit": "piece"}).status_code == 200

    draft = api.invoice(cid, draft=True).json()
    assert api.get("/customer_invoices", params={"sort": "-date"}).status_code == 200
    assert api.get(f"/customer_invoices/{draft['id']}").status_code == 200
    assert api.get(f"/customer_invoices/{draft['id']}/invoice_lines").status_code == 200
    assert api.put(f"/customer_invoices/{draft['id']}/finalize").status_code == 200
    assert api.post(f"/customer_invoices/{draft['id']}/send_by_email").status_code == 204
    assert api.put(f"/customer_invoices/{draft['id']}/mark_as_paid").status_code == 204

    quote = api.quote(pid).json()
    assert api.get("/quotes").status_code == 200
    assert api.get(f"/quotes/{quote['id']}").status_code == 200
    assert api.get(f"/quotes/{quote['id']}/invoice_lines").status_code == 200
    assert api.put(f"/quotes/{quote['id']}/update_status", {"status": "accepted"}).status_code == 200
    assert (
        api.post(f"/quotes/{quote['id']}/send_by_email", {"recipients": ["lea@roux.fr"]}).status_code == 204
    )
    converted = api.post("/customer_invoices/create_from_quote", {"quote_id": quote["id"], "draft": True})
    assert converted.status_code == 201
    assert api.get("/changelogs/customer_invoices").status_code == 200
    assert api.get("/changelogs/quotes").status_code == 200

    # Error statuses, each validated against the operation's declared error schema.
    assert (
        api.post(
            "/company_customers", {"name": "X", "billing_address": address, "external_reference": "C-1"}
        ).status_code
        == 409
    )
    assert (
        api.post("/company_customers", {"name": "X", "billing_address": address, "x": 1}).status_code == 400
    )
    assert api.get("/customers/999999").status_code == 404
    assert api.get("/customer_invoices", params={"limit": 500}).status_code == 400
    assert api.put(f"/customer_invoices/{draft['id']}/finalize").status_code == 422
    assert api_no_numbering.quote(api_no_numbering.company_customer()["id"]).status_code == 422
    readonly = type(api)(
        api.sandbox, api.sandbox.issue_tokens(scopes=["quotes:readonly"])["access_token"], checker
    )
    assert readonly.put(f"/quotes/{quote['id']}/update_status", {"status": "denied"}).status_code == 403
    anonymous = type(api)(api.sandbox, "invalid", checker)
    assert anonymous.get("/customer_invoices").status_code == 401

    success = {operation for operation, status in checker.validated if status < 300}
    assert IMPLEMENTED - success == set()
    assert {status for _op, status in checker.validated} >= {200, 201, 204, 400, 401, 403, 404, 409, 422}


def _example(spec: dict[str, Any], schema: Any, branch: int) -> Any:
    """A body made of the spec's own property examples (first or second anyOf/oneOf branch)."""
    while isinstance(schema, dict) and "$ref" in schema:
        target: Any = spec
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        schema = target
    if "example" in schema:
        return schema["example"]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return _example(spec, schema[key][min(branch, len(schema[key]) - 1)], branch)
    for part in schema.get("allOf", []):
        value = _example(spec, part, branch)
        if value is not None:
            return value
    if "properties" in schema:
        body = {}
        for name, sub in schema["properties"].items():
            value = _example(spec, sub, branch)
            if value is not None:
                body[name] = value
        return body
    if schema.get("type") == "array":
        item = _example(spec, schema["items"], branch)
        return None if item is None else [item]
    if "enum" in schema:
        return schema["enum"][0]
    return schema.get("default")


def _request_schema(spec: dict[str, Any], path: str, method: str) -> Any:
    operation = spec["paths"][f"/api/external/v2{path}"][method]
    return operation["requestBody"]["content"]["application/json"]["schema"]


def test_the_specs_own_request_examples_are_accepted(api, spec_data):
    api.sandbox.set_pdf_delay(0)
    created: dict[str, int] = {}
    counter = iter(range(1000))

    def send(method: str, template: str, branch: int = 0, **ids: Any) -> requests.Response:
        """``template`` is the spec's path with its parameter named after the ``created`` key."""
        spec_path = re.sub(r"\{\w+\}", "{id}", template)
        body = _example(spec_data, _request_schema(spec_data, spec_path, method), branch)
        assert body is not None, f"no example body for {method} {template}"
        # Real ids instead of the examples' 42s; external references stay unique per company.
        for key, value in ids.items():
            body[key] = value
        for line in body.get("invoice_lines", []):
            if "product_id" in line:
                line["product_id"] = created["product"]
        if "external_reference" in body:
            body["external_reference"] = f"{body['external_reference']}-{next(counter)}"
        answer = api.call(method.upper(), template.format(**created), json=body)
        assert answer.status_code < 300, f"{method} {template} refused the spec's example: {answer.text}"
        return answer

    created["customer"] = send("post", "/company_customers").json()["id"]
    created["person"] = send("post", "/individual_customers").json()["id"]
    send("put", "/company_customers/{customer}")
    send("put", "/individual_customers/{person}")
    created["product"] = send("post", "/products").json()["id"]
    send("put", "/products/{product}")
    draft = send("post", "/customer_invoices", 0, customer_id=created["customer"]).json()
    assert draft["draft"] is True
    final = send("post", "/customer_invoices", 1, customer_id=created["customer"]).json()
    assert final["draft"] is False
    created["invoice"] = final["id"]
    send("post", "/customer_invoices/{invoice}/send_by_email")
    created["quote"] = send("post", "/quotes", customer_id=created["customer"]).json()["id"]
    send("put", "/quotes/{quote}/update_status")
    send("post", "/quotes/{quote}/send_by_email")
    send("post", "/customer_invoices/create_from_quote", quote_id=created["quote"])


def test_the_filter_examples_of_the_spec_are_accepted(api, spec_data):
    for path in ("/customers", "/products", "/quotes", "/customer_invoices"):
        parameters = spec_data["paths"][f"/api/external/v2{path}"]["get"]["parameters"]
        example = next(p["schema"]["example"] for p in parameters if p.get("name") == "filter")
        json.loads(example)
        assert api.get(path, params={"filter": example}).status_code == 200, path


def test_dates_and_timestamps_have_the_documented_formats(api):
    customer = api.company_customer()
    invoice = api.invoice(customer["id"]).json()
    dt.date.fromisoformat(invoice["date"])
    assert invoice["created_at"].endswith("Z")
    assert len(invoice["created_at"]) == len("2023-08-30T10:08:08.146343Z")
