"""The OAuth round trip with the sandbox's authorization server, and every bad ``state`` (F21)."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from pennylane import crypto
from pennylane.models import ConnectionStatus, OAuthState, PennylaneConnection
from pennylane.signals import connection_restored
from tests import factories

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]


@pytest.fixture
def admin_client(client, admin_user, sandbox_settings):
    client.force_login(admin_user)
    return client


def authorize_at_sandbox(client, decision="allow", company="demo", next_url="/triggers/3/"):
    """Start from our connect view, answer the sandbox's consent form; return our callback's query."""
    response = client.post("/pennylane/connect/", {"next": next_url})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    consent = requests.post(
        f"{location.scheme}://{location.netloc}{location.path}",
        data={**params, "decision": decision, "company": company},
        allow_redirects=False,
        timeout=10,
    )
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["Location"])
    assert back.path == "/pennylane/callback/"
    return {k: v[0] for k, v in parse_qs(back.query).items()}


def test_connecting_stores_encrypted_tokens_company_and_scopes_and_resumes_paused_work(
    admin_client, bu, sandbox_clean, django_capture_on_commit_callbacks
):
    resumed = []
    connection_restored.connect(
        lambda sender, business_unit, **kw: resumed.append(business_unit), weak=False, dispatch_uid="t"
    )
    try:
        query = authorize_at_sandbox(admin_client)
        with django_capture_on_commit_callbacks(execute=True):
            with_commit = admin_client.get("/pennylane/callback/", query)
    finally:
        connection_restored.disconnect(dispatch_uid="t")
    assert with_commit.status_code == 302 and with_commit["Location"] == "/triggers/3/"
    connection = PennylaneConnection.objects.get(business_unit=bu)
    assert connection.status == ConnectionStatus.CONNECTED
    assert connection.company_name == "Démo Plomberie SAS" and connection.company_id
    assert set(connection.scopes) == set(sandbox_clean_scopes())
    assert crypto.decrypt(connection.access_token_encrypted)
    assert resumed == [bu]


def sandbox_clean_scopes():
    from django.conf import settings

    return settings.PENNYLANE_SCOPES


def test_refusing_on_the_consent_screen_stores_nothing(admin_client, bu):
    query = authorize_at_sandbox(admin_client, decision="deny")
    assert query["error"] == "access_denied"
    assert admin_client.get("/pennylane/callback/", query).status_code == 302
    assert not PennylaneConnection.objects.filter(business_unit=bu).exists()


@pytest.mark.parametrize(
    "case", ["missing", "forged", "reused", "expired", "other_session", "other_business_unit"]
)
def test_a_bad_state_is_rejected_and_nothing_is_stored(case, admin_client, bu, admin_user, sandbox_clean):
    query = authorize_at_sandbox(admin_client)
    client = admin_client
    if case == "missing":
        query.pop("state")
    elif case == "forged":
        query["state"] = "forged-" + query["state"][7:]
    elif case == "reused":
        assert admin_client.get("/pennylane/callback/", query).status_code == 302
        PennylaneConnection.objects.filter(business_unit=bu).delete()
        query["code"] = authorize_at_sandbox(admin_client)["code"]  # a fresh code, the old state
    elif case == "expired":
        OAuthState.objects.update(created_at=timezone.now() - timedelta(minutes=10, seconds=1))
    elif case == "other_session":
        client = Client()
        client.force_login(admin_user)
    elif case == "other_business_unit":
        other = factories.MembershipFactory(
            user=admin_user, role=Role.ADMIN, business_unit__name="Autre BU"
        ).business_unit
        session = admin_client.session
        session["business_unit_id"] = other.pk
        session.save()
    token_requests = sandbox_clean.stats()["token_requests"]
    response = client.get("/pennylane/callback/", query)
    assert response.status_code == 400
    assert response.context["error"]
    assert sandbox_clean.stats()["token_requests"] == token_requests, "the code was not exchanged"
    assert not PennylaneConnection.objects.exclude(access_token_encrypted="").exists()


def test_disconnecting_revokes_at_the_sandbox_and_the_trigger_sees_no_connection(
    admin_client, bu, sandbox_clean
):
    admin_client.get("/pennylane/callback/", authorize_at_sandbox(admin_client))
    connection = PennylaneConnection.objects.get(business_unit=bu)
    access = crypto.decrypt(connection.access_token_encrypted)
    ledger_before = sandbox_clean.ledger()
    admin_client.post("/pennylane/disconnect/")
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DISCONNECTED and not connection.has_tokens
    me = requests.get(
        f"{sandbox_clean.api_base}/me", headers={"Authorization": f"Bearer {access}"}, timeout=5
    )
    assert me.status_code == 401, "the token was revoked at Pennylane"
    assert sandbox_clean.ledger() == ledger_before, "nothing deleted in Pennylane"
    from pennylane.services import connection_problem

    assert connection_problem(bu).startswith("Aucune connexion Pennylane")
