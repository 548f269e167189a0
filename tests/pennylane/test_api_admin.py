"""REST and admin output: health without tokens, billing documents scoped to the business unit."""

import pytest

from pennylane.models import BillingDocument
from tests import factories

pytestmark = pytest.mark.django_db


def document(bu, ref):
    activity = factories.ActivityFactory(business_unit=bu)
    return BillingDocument.objects.create(
        business_unit=bu, activity=activity, kind="invoice", external_reference=ref, pennylane_id=1
    )


def test_the_connection_health_api_never_shows_a_token(api_key_client, connected):
    response = api_key_client.get("/api/v1/pennylane/connection/")
    assert response.status_code == 200
    assert response.json()["company_name"] == "Démo SAS" and response.json()["health"] == "connected"
    body = response.content.decode()
    assert "acc-0" not in body and "ref-0" not in body and connected.access_token_encrypted not in body


def test_the_health_api_answers_never_connected_without_a_connection(api_key_client):
    assert api_key_client.get("/api/v1/pennylane/connection/").json()["health"] == "never"


def test_billing_documents_are_scoped_to_the_business_unit(api_key_client, bu, other_bu):
    mine, theirs = document(bu, "mine"), document(other_bu, "theirs")
    listed = api_key_client.get("/api/v1/billing-documents/").json()["results"]
    assert [d["external_reference"] for d in listed] == ["mine"]
    assert api_key_client.get(f"/api/v1/billing-documents/{mine.pk}/").status_code == 200
    assert api_key_client.get(f"/api/v1/billing-documents/{theirs.pk}/").status_code == 404


def test_opening_another_business_units_document_is_a_404(client, admin_user, other_bu):
    theirs = document(other_bu, "theirs")
    client.force_login(admin_user)
    assert client.get(f"/pennylane/documents/{theirs.pk}/open/").status_code == 404


def test_opening_a_document_redirects_to_a_fresh_pdf_url(
    client, admin_user, bu, connected, fake, fake_settings
):
    from .fakes import API, Reply

    mine = document(bu, "mine")
    fake.on(
        "GET",
        f"{API}/customer_invoices/1",
        Reply(200, {"id": 1, "public_file_url": "https://files.example/f.pdf"}),
    )
    client.force_login(admin_user)
    response = client.get(f"/pennylane/documents/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "https://files.example/f.pdf"


def test_the_admin_pages_never_show_a_token(client, connected, django_user_model):
    staff = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(staff)
    for url in [
        "/admin/pennylane/pennylaneconnection/",
        f"/admin/pennylane/pennylaneconnection/{connected.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "acc-0" not in body and "ref-0" not in body
        assert connected.access_token_encrypted not in body and connected.refresh_token_encrypted not in body
