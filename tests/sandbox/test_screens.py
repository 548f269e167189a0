"""The sandbox's Pennylane-like pages."""

from __future__ import annotations

import pytest
import requests

from .conftest import TODAY

pytestmark = pytest.mark.sandbox

YEAR = TODAY.year


def page(sandbox, path: str) -> str:
    answer = requests.get(f"{sandbox.url}{path}", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.text


def test_sales_screens_show_api_documents_with_creation_api(api):
    customer = api.company_customer(name="Plomberie Dupont")
    invoice = api.invoice(customer["id"]).json()
    api.quote(customer["id"])
    invoices = page(api.sandbox, "/companies/demo/invoices/")
    assert "Ventes &gt; Factures clients" in invoices
    assert f"F-{YEAR}-0001 (Création API)" in invoices
    assert "Plomberie Dupont" in invoices
    assert "307,20 €" in invoices  # French formatting, as in Pennylane
    quotes = page(api.sandbox, "/companies/demo/quotes/")
    assert f"D-{YEAR}-0001 (Création API)" in quotes
    # The other company sees none of it.
    assert "Création API" not in page(api.sandbox, "/companies/no-numbering/invoices/")
    public = requests.get(invoice["public_file_url"], timeout=10)
    assert public.status_code == 200
    assert f"Facture F-{YEAR}-0001" in public.text
    assert "Remplacement chauffe-eau" in public.text


def test_customers_and_sent_emails_are_listed(api):
    api.sandbox.set_pdf_delay(0)
    customer = api.company_customer(name="Café du Port")
    invoice = api.invoice(customer["id"]).json()
    api.post(f"/customer_invoices/{invoice['id']}/send_by_email")
    assert "Café du Port" in page(api.sandbox, "/companies/demo/customers/")
    emails = page(api.sandbox, "/companies/demo/emails/")
    assert "compta@boulangerie-martin.fr" in emails
    assert invoice["invoice_number"] in emails


def test_the_settings_page_configures_numbering(api_no_numbering):
    api = api_no_numbering
    sandbox = api.sandbox
    assert "à configurer" in page(sandbox, "/companies/no-numbering/settings/")
    saved = requests.post(
        f"{sandbox.url}/companies/no-numbering/settings/",
        data={"invoice_prefix": "FAC-(annee)(mois)-", "invoice_next_number": "42", "quote_prefix": ""},
        timeout=10,
    )
    assert saved.status_code == 200
    customer = api.company_customer()
    invoice = api.invoice(customer["id"])
    assert invoice.status_code == 201
    assert invoice.json()["invoice_number"] == f"FAC-{TODAY:%Y%m}-0042"
    assert api.quote(customer["id"]).status_code == 422


def test_the_authorize_page_offers_the_companies_and_both_buttons(sandbox):
    html = page(
        sandbox,
        f"/oauth/authorize?client_id={sandbox.client_id}&redirect_uri=http://localhost:9999/cb"
        "&response_type=code&scope=customers:all&state=xyz",
    )
    for text in (
        "Démo Plomberie SAS",
        "Société sans numérotation",
        ">Autoriser<",
        ">Refuser<",
        'name="company"',
    ):
        assert text in html
