"""Find-or-create: lookup before any create, never a blind second POST."""

import pytest

from activities.models import CustomerKind
from pennylane.client import PennylaneClient
from pennylane.ensure import customer_ensure, document_ensure
from pennylane.exceptions import TransientError
from pennylane.models import CustomerLink
from tests import factories

from .fakes import API, Reply

pytestmark = pytest.mark.django_db
EMPTY = {"items": [], "has_more": False, "next_cursor": None}


@pytest.fixture
def client(fake):
    return PennylaneClient(fake.api, "tok", timeout=0.5)


def test_a_new_company_customer_is_looked_up_then_created_with_its_billing_address(
    fake, client, connected, bu
):
    customer = factories.CustomerFactory(business_unit=bu, siren="123456789", vat_number="FR12123456789")
    fake.on("GET", f"{API}/customers", Reply(200, EMPTY))
    fake.on("POST", f"{API}/company_customers", Reply(201, {"id": 77}))
    assert customer_ensure(client=client, connection=connected, customer=customer) == 77
    body = fake.calls("POST", f"{API}/company_customers")[0].json
    assert body["billing_address"] == {
        "address": "12 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "country_alpha2": "FR",
    }
    assert body["external_reference"] == f"cadulis-customer-{customer.pk}"
    assert body["reg_no"] == "123456789" and body["emails"] == customer.emails
    # Second time: the local link answers, no HTTP at all.
    calls = len(fake.seen)
    assert customer_ensure(client=client, connection=connected, customer=customer) == 77
    assert len(fake.seen) == calls
    assert CustomerLink.objects.get(customer=customer).company_id == 4242


def test_an_existing_remote_customer_is_linked_without_creating_one(fake, client, connected, bu):
    customer = factories.CustomerFactory(
        business_unit=bu, kind=CustomerKind.INDIVIDUAL, first_name="Ana", last_name="Lopez"
    )
    fake.on(
        "GET", f"{API}/customers", Reply(200, {"items": [{"id": 31}], "has_more": False, "next_cursor": None})
    )
    assert customer_ensure(client=client, connection=connected, customer=customer) == 31
    assert fake.calls("POST", f"{API}/.*") == []


def test_a_document_that_exists_is_returned_without_post(fake, client):
    fake.on(
        "GET",
        f"{API}/customer_invoices",
        Reply(200, {"items": [{"id": 5, "external_reference": "F-1"}], "has_more": False}),
    )
    assert document_ensure(client=client, kind="invoice", payload={}, external_reference="F-1")["id"] == 5
    assert fake.calls("POST", f"{API}/customer_invoices") == []


def test_a_timeout_after_the_document_was_committed_finds_it_and_never_posts_twice(fake, client):
    created = []

    def post(seen):
        created.append(seen.json)
        return Reply(201, {"id": 9, "external_reference": seen.json["external_reference"]}, delay=1.0)

    def lookup(seen):
        items = [{"id": 9, "external_reference": "F-2"}] if created else []
        return Reply(200, {"items": items, "has_more": False, "next_cursor": None})

    fake.on("POST", f"{API}/customer_invoices", post)
    fake.on("GET", f"{API}/customer_invoices", lookup)
    document = document_ensure(
        client=client, kind="invoice", payload={"customer_id": 3, "draft": True}, external_reference="F-2"
    )
    assert document["id"] == 9
    assert len(created) == 1


def test_a_5xx_with_nothing_created_raises_without_a_second_post(fake, client):
    fake.on("POST", f"{API}/quotes", Reply(502, text="Bad gateway"))
    fake.on("GET", f"{API}/quotes", Reply(200, EMPTY))
    with pytest.raises(TransientError):
        document_ensure(client=client, kind="quote", payload={"customer_id": 3}, external_reference="Q-1")
    assert len(fake.calls("POST", f"{API}/quotes")) == 1
    lookups = fake.calls("GET", f"{API}/quotes")
    assert len(lookups) == 2 and all("customer_id" in s.query["filter"][0] for s in lookups)


def test_an_invoice_from_a_quote_uses_create_from_quote(fake, client):
    fake.on("GET", f"{API}/customer_invoices", Reply(200, EMPTY))
    fake.on("POST", f"{API}/customer_invoices/create_from_quote", Reply(201, {"id": 12}))
    document = document_ensure(
        client=client, kind="invoice", payload={"quote_id": 4, "draft": False}, external_reference="F-3"
    )
    assert document["id"] == 12
    assert fake.seen[-1].json == {"quote_id": 4, "draft": False, "external_reference": "F-3"}
