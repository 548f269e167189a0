"""Invoices and quotes: totals, numbering, finalization rules, e-mails, conversion, changelogs."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from .conftest import TODAY

pytestmark = pytest.mark.sandbox

YEAR = TODAY.year


def test_a_finalized_invoice_gets_totals_from_its_lines_and_the_next_number(api):
    customer = api.company_customer()
    first = api.invoice(customer["id"])
    assert first.status_code == 201, first.text
    invoice = first.json()
    # 2 x 100.50 at 20 % + 1.5 x 40 at 10 %
    assert invoice["currency_amount_before_tax"] == "261.00"
    assert invoice["tax"] == "46.20"
    assert invoice["amount"] == "307.20"
    assert invoice["draft"] is False
    assert invoice["status"] == "upcoming"
    assert invoice["invoice_number"] == f"F-{YEAR}-0001"
    second = api.invoice(customer["id"]).json()
    assert second["invoice_number"] == f"F-{YEAR}-0002"
    lines = api.get(f"/customer_invoices/{invoice['id']}/invoice_lines").json()["items"]
    assert sorted(line["quantity"] for line in lines) == ["1.5", "2"]
    assert sorted(line["currency_amount_before_tax"] for line in lines) == ["201.00", "60.00"]


def test_a_draft_is_numbered_when_finalized_and_marked_paid(api):
    customer = api.company_customer()
    draft = api.invoice(customer["id"], draft=True).json()
    assert draft["draft"] is True
    assert draft["status"] == "draft"
    assert draft["invoice_number"] == ""
    assert draft["public_file_url"] is None
    finalized = api.put(f"/customer_invoices/{draft['id']}/finalize")
    assert finalized.status_code == 200
    assert finalized.json()["invoice_number"] == f"F-{YEAR}-0001"
    assert api.put(f"/customer_invoices/{draft['id']}/finalize").status_code == 422
    assert api.put(f"/customer_invoices/{draft['id']}/mark_as_paid").status_code == 204
    paid = api.get(f"/customer_invoices/{draft['id']}").json()
    assert (paid["paid"], paid["status"], paid["remaining_amount_with_tax"]) == (True, "paid", "0.00")


def test_product_lines_take_the_products_price_and_vat(api):
    customer = api.company_customer()
    product = api.post("/products", {"label": "Siphon", "price_before_tax": "12", "vat_rate": "FR_55"}).json()
    body = {
        "date": dt.date.today().isoformat(),
        "deadline": dt.date.today().isoformat(),
        "customer_id": customer["id"],
        "draft": True,
        "invoice_lines": [{"product_id": product["id"], "quantity": 3}],
    }
    invoice = api.post("/customer_invoices", body).json()
    assert (invoice["currency_amount_before_tax"], invoice["tax"]) == ("36.00", "1.98")
    line = api.get(f"/customer_invoices/{invoice['id']}/invoice_lines").json()["items"][0]
    assert line["product"]["id"] == product["id"]
    assert line["label"] == "Siphon"


def test_finalizing_without_numbering_is_a_422_in_french(api_no_numbering):
    api = api_no_numbering
    customer = api.company_customer()
    answer = api.invoice(customer["id"])
    assert answer.status_code == 422
    assert answer.json() == {"error": "Configurez d'abord la numérotation des factures", "status": 422}
    draft = api.invoice(customer["id"], draft=True)
    assert draft.status_code == 201
    assert api.put(f"/customer_invoices/{draft.json()['id']}/finalize").status_code == 422
    assert api.quote(customer["id"]).status_code == 422
    api.sandbox.set_numbering("no-numbering", invoices=True, quotes=True)
    assert api.put(f"/customer_invoices/{draft.json()['id']}/finalize").status_code == 200


def test_an_invoice_dated_before_the_last_finalized_one_is_a_422(api):
    customer = api.company_customer()
    assert api.invoice(customer["id"]).status_code == 201
    # TODAY, the date the helper gives invoices: the process date may cross midnight meanwhile.
    yesterday = TODAY - dt.timedelta(days=1)
    answer = api.invoice(customer["id"], date=yesterday.isoformat())
    assert answer.status_code == 422
    assert "antérieure" in answer.json()["error"]
    # A draft may be dated in the past; it is finalizing it that fails.
    draft = api.invoice(customer["id"], draft=True, date=yesterday.isoformat())
    assert draft.status_code == 201
    assert api.put(f"/customer_invoices/{draft.json()['id']}/finalize").status_code == 422


def test_repeated_posts_duplicate_unless_the_external_reference_repeats(api):
    customer = api.company_customer()
    one, two = api.invoice(customer["id"]), api.invoice(customer["id"])
    assert one.json()["id"] != two.json()["id"]
    assert api.invoice(customer["id"], external_reference="FIRING-1").status_code == 201
    assert api.invoice(customer["id"], external_reference="FIRING-1").status_code == 422
    found = api.get(
        "/customer_invoices",
        params={
            "filter": json.dumps([{"field": "external_reference", "operator": "eq", "value": "FIRING-1"}])
        },
    ).json()["items"]
    assert len(found) == 1
    invoices = [row for row in api.sandbox.ledger() if row["kind"] == "invoice"]
    assert [row["external_reference"] for row in invoices][-1] == "FIRING-1"
    assert len(invoices) == 3


def test_invoice_list_filters_and_sorts(api):
    customer = api.company_customer()
    draft = api.invoice(customer["id"], draft=True).json()
    final = api.invoice(customer["id"]).json()

    def ids(**params):
        answer = api.get("/customer_invoices", params=params)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert ids() == [final["id"], draft["id"]]
    assert ids(sort="id") == [draft["id"], final["id"]]
    assert ids(filter=json.dumps([{"field": "draft", "operator": "eq", "value": "true"}])) == [draft["id"]]
    number = json.dumps([{"field": "invoice_number", "operator": "eq", "value": final["invoice_number"]}])
    assert ids(filter=number) == [final["id"]]
    status = json.dumps([{"field": "status", "operator": "eq", "value": "paid"}])
    assert api.get("/customer_invoices", params={"filter": status}).status_code == 400


def test_send_by_email_is_409_while_the_pdf_is_generated_then_204(api):
    api.sandbox.set_pdf_delay(1.5)
    customer = api.company_customer()
    invoice = api.invoice(customer["id"]).json()
    busy = api.post(f"/customer_invoices/{invoice['id']}/send_by_email")
    assert busy.status_code == 409
    time.sleep(1.6)
    assert api.post(f"/customer_invoices/{invoice['id']}/send_by_email").status_code == 204
    explicit = api.post(
        f"/customer_invoices/{invoice['id']}/send_by_email", {"recipients": ["boss@example.fr"]}
    )
    assert explicit.status_code == 204
    sent = api.sandbox.emails()
    assert [mail["recipients"] for mail in sent] == [["compta@boulangerie-martin.fr"], ["boss@example.fr"]]


def test_send_by_email_fails_when_the_customer_has_no_email(api):
    api.sandbox.set_pdf_delay(0)
    customer = api.company_customer(emails=[])
    invoice = api.invoice(customer["id"]).json()
    answer = api.post(f"/customer_invoices/{invoice['id']}/send_by_email")
    assert answer.status_code == 422
    assert "e-mail" in answer.json()["error"]


def test_quotes_are_numbered_change_status_and_become_invoices(api):
    api.sandbox.set_pdf_delay(0)
    customer = api.company_customer()
    created = api.quote(customer["id"], external_reference="Q-1")
    assert created.status_code == 201, created.text
    quote = created.json()
    assert quote["quote_number"] == f"D-{YEAR}-0001"
    assert (quote["status"], quote["amount"]) == ("pending", "106.80")
    assert api.get(f"/quotes/{quote['id']}/invoice_lines").json()["items"][0]["label"] == "Diagnostic fuite"
    accepted = api.put(f"/quotes/{quote['id']}/update_status", {"status": "accepted"})
    assert accepted.json()["status"] == "accepted"
    assert api.put(f"/quotes/{quote['id']}/update_status", {"status": "won"}).status_code == 400
    assert api.post(f"/quotes/{quote['id']}/send_by_email", {"recipients": ["a@b.fr"]}).status_code == 204
    invoice = api.post("/customer_invoices/create_from_quote", {"quote_id": quote["id"], "draft": False})
    assert invoice.status_code == 201, invoice.text
    assert invoice.json()["quote"] == {"id": quote["id"]}
    assert invoice.json()["amount"] == "106.80"
    assert invoice.json()["invoice_number"] == f"F-{YEAR}-0001"
    assert api.get(f"/quotes/{quote['id']}").json()["status"] == "invoiced"
    listed = api.get(
        "/quotes", params={"filter": json.dumps([{"field": "status", "operator": "eq", "value": "invoiced"}])}
    )
    assert [item["id"] for item in listed.json()["items"]] == [quote["id"]]


def test_changelogs_list_inserts_and_updates_oldest_first(api):
    customer = api.company_customer()
    draft = api.invoice(customer["id"], draft=True).json()
    api.put(f"/customer_invoices/{draft['id']}/finalize")
    quote = api.quote(customer["id"]).json()
    changes = api.get("/changelogs/customer_invoices").json()
    assert [(c["id"], c["operation"]) for c in changes["items"]] == [
        (draft["id"], "insert"),
        (draft["id"], "update"),
    ]
    page = api.get("/changelogs/customer_invoices", params={"limit": 1}).json()
    assert page["has_more"] is True
    rest = api.get("/changelogs/customer_invoices", params={"cursor": page["next_cursor"]}).json()
    assert [c["operation"] for c in rest["items"]] == ["update"]
    assert [c["id"] for c in api.get("/changelogs/quotes").json()["items"]] == [quote["id"]]
    both = api.get(
        "/changelogs/quotes", params={"cursor": page["next_cursor"], "start_date": "2026-01-01T00:00:00Z"}
    )
    assert both.status_code == 400
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(weeks=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api.get("/changelogs/quotes", params={"start_date": old}).status_code == 422
    assert api.get("/changelogs/quotes", params={"limit": 1000}).status_code == 200
    assert api.get("/changelogs/quotes", params={"limit": 1001}).status_code == 400
