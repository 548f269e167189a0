"""The client and the ensure helpers against the sandbox: injected errors, dropped answers."""

import datetime as dt
import time

import pytest

from pennylane.client import PennylaneClient
from pennylane.ensure import customer_ensure, document_ensure
from pennylane.exceptions import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    TransientError,
    ValidationError,
)
from pennylane.models import CustomerLink
from tests import factories

from .conftest import connection_from_sandbox, inject_fault

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]
TODAY = dt.date.today()


@pytest.fixture
def client(sandbox_settings, sandbox_clean):
    return PennylaneClient(sandbox_clean.api_base, sandbox_clean.issue_tokens()["access_token"], timeout=2.0)


def invoice_payload(customer_id):
    return {
        "date": TODAY.isoformat(),
        "deadline": (TODAY + dt.timedelta(days=30)).isoformat(),
        "customer_id": customer_id,
        "draft": True,
        "invoice_lines": [
            {
                "label": "Dépannage",
                "quantity": 1,
                "unit": "piece",
                "raw_currency_unit_price": "90",
                "vat_rate": "FR_200",
            }
        ],
    }


@pytest.fixture
def remote_customer(client):
    return client.company_customer_create(
        {
            "name": "Client test",
            "external_reference": f"c-{time.time_ns()}",
            "billing_address": {
                "address": "1 rue A",
                "postal_code": "75001",
                "city": "Paris",
                "country_alpha2": "FR",
            },
        }
    )["id"]


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, ValidationError),
        (401, AuthenticationError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationError),
        (429, RateLimitedError),
        (500, TransientError),
        (503, TransientError),
    ],
)
def test_each_injected_status_raises_its_error_class(client, sandbox_clean, status, error_class):
    inject_fault(sandbox_clean, "GET", r"/me$", status=status)
    with pytest.raises(error_class) as caught:
        client.me()
    assert caught.value.status == status
    assert client.me()["company"]["name"] == "Démo Plomberie SAS"  # the next call is fine


def test_a_missing_scope_is_forbidden_and_names_the_scope(sandbox_settings, sandbox_clean):
    token = sandbox_clean.issue_tokens(scopes=["customers:all"])["access_token"]
    with pytest.raises(ForbiddenError) as caught:
        PennylaneClient(sandbox_clean.api_base, token).quote_get(1)
    assert caught.value.scope.startswith("quotes:")


def test_a_read_timeout_is_transient(client, sandbox_clean):
    inject_fault(sandbox_clean, "GET", r"/me$", latency=3.0)
    with pytest.raises(TransientError):
        client.me()


def test_a_dropped_answer_after_commit_then_lookup_finds_exactly_one_invoice(
    client, sandbox_clean, remote_customer
):
    inject_fault(sandbox_clean, "POST", r"/customer_invoices$", drop_after_commit=True)
    document = document_ensure(
        client=client,
        kind="invoice",
        payload=invoice_payload(remote_customer),
        external_reference="cadulis-firing-1",
    )
    assert document["external_reference"] == "cadulis-firing-1"
    rows = [r for r in sandbox_clean.ledger() if r["kind"] == "invoice"]
    assert len(rows) == 1 and rows[0]["external_reference"] == "cadulis-firing-1"


def test_a_timeout_before_the_commit_then_the_retry_finds_the_document_exactly_once(
    client, sandbox_clean, remote_customer
):
    inject_fault(sandbox_clean, "POST", r"/quotes$", latency=3.0)
    payload = {**invoice_payload(remote_customer)}
    payload.pop("draft")
    with pytest.raises(TransientError):
        document_ensure(client=client, kind="quote", payload=payload, external_reference="cadulis-firing-2")
    time.sleep(2.0)  # the sandbox commits after its injected latency
    quote = document_ensure(
        client=client, kind="quote", payload=payload, external_reference="cadulis-firing-2"
    )
    assert quote["external_reference"] == "cadulis-firing-2"
    rows = [r for r in sandbox_clean.ledger() if r["kind"] == "quote"]
    assert len(rows) == 1


def test_customer_ensure_creates_once_and_links(client, sandbox_clean, bu):
    connection, _ = connection_from_sandbox(sandbox_clean, bu)
    connection.company_id = client.me()["company"]["id"]
    connection.save()
    customer = factories.CustomerFactory(business_unit=bu, siren="812345678")
    first = customer_ensure(client=client, connection=connection, customer=customer)
    CustomerLink.objects.all().delete()  # lost local link: the lookup finds it again
    assert customer_ensure(client=client, connection=connection, customer=customer) == first
    rows = [r for r in sandbox_clean.ledger() if r["kind"] == "customer"]
    assert [r["external_reference"] for r in rows] == [f"cadulis-customer-{customer.pk}"]
    assert client.customer_get(first)["name"] == customer.name


def test_the_billing_operations_round_trip(client, sandbox_clean, remote_customer):
    payload = {k: v for k, v in invoice_payload(remote_customer).items() if k != "draft"}
    quote = document_ensure(client=client, kind="quote", payload=payload, external_reference="q-1")
    assert client.quote_find_by_external_reference("q-1", customer_id=remote_customer)["id"] == quote["id"]
    assert client.quote_update_status(quote["id"], "accepted")["status"] == "accepted"
    invoice = document_ensure(
        client=client,
        kind="invoice",
        payload={"quote_id": quote["id"], "draft": True},
        external_reference="f-1",
    )
    assert invoice["draft"] is True
    finalized = client.invoice_finalize(invoice["id"])
    assert finalized["draft"] is False and finalized["invoice_number"]
    sandbox_clean.set_pdf_delay(2.0)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.invoice_send_by_email(invoice["id"], recipients=["compta@client.fr"])
            break
        except ConflictError:
            assert time.monotonic() < deadline
            time.sleep(0.5)
    client.invoice_mark_as_paid(invoice["id"])
    assert client.invoice_get(invoice["id"])["paid"] is True
    assert client.invoice_find_by_external_reference("f-1")["id"] == invoice["id"]
    assert any(c["id"] == invoice["id"] for c in client.changelogs("customer_invoices"))
    product = client.product_create(
        {"label": "Forfait", "price_before_tax": "50", "vat_rate": "FR_200", "external_reference": "p-1"}
    )
    assert client.product_get(product["id"])["label"] == "Forfait"
    assert [p["id"] for p in client.products_list("p-1")] == [product["id"]]
