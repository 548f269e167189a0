"""The connection page, the OAuth round trip and its state checks (F21), with a local fake."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from pennylane.models import ConnectionStatus, OAuthState, PennylaneConnection
from tests import factories

from .fakes import API, ME, Reply, token_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user, fake, fake_settings):
    fake.on("POST", "/oauth/token", token_reply("acc-new", "ref-new"))
    fake.on("GET", f"{API}/me", Reply(200, ME))
    fake.on("POST", "/oauth/revoke", Reply(200, text=""))
    client.force_login(admin_user)
    return client


def start(client, next_url="/triggers/5/"):
    response = client.post("/pennylane/connect/", {"next": next_url})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    return query["state"][0], query


def nothing_stored(bu):
    connection = PennylaneConnection.objects.filter(business_unit=bu).first()
    return connection is None or (
        connection.access_token_encrypted == "" and connection.status != ConnectionStatus.CONNECTED
    )


def test_connect_redirects_to_pennylane_with_the_configured_client_and_scopes(admin_client, fake_settings):
    state, query = start(admin_client)
    assert query["client_id"] == [fake_settings.PENNYLANE_CLIENT_ID]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == [fake_settings.PENNYLANE_REDIRECT_URI]
    assert query["scope"][0].split(" ") == fake_settings.PENNYLANE_SCOPES
    assert len(state) >= 32


def test_a_valid_callback_connects_and_returns_to_the_page_left(admin_client, bu, admin_user):
    state, _ = start(admin_client, "/triggers/5/")
    response = admin_client.get("/pennylane/callback/", {"code": "c", "state": state})
    assert response.status_code == 302 and response["Location"] == "/triggers/5/"
    connection = PennylaneConnection.objects.get(business_unit=bu)
    assert connection.status == ConnectionStatus.CONNECTED
    assert connection.company_name == "Démo SAS" and connection.connected_by == admin_user
    page = admin_client.get("/pennylane/")
    assert "Démo SAS" in page.content.decode() and "Connecté" in page.content.decode()


def test_an_open_redirect_in_next_is_replaced_by_the_connection_page(admin_client):
    state, _ = start(admin_client, "https://evil.example/")
    response = admin_client.get("/pennylane/callback/", {"code": "c", "state": state})
    assert response["Location"] == "/pennylane/"


def test_refusing_on_pennylane_stores_nothing(admin_client, bu):
    state, _ = start(admin_client)
    response = admin_client.get("/pennylane/callback/", {"error": "access_denied", "state": state})
    assert response.status_code == 302
    assert nothing_stored(bu)


@pytest.mark.parametrize(
    "case", ["missing", "forged", "reused", "expired", "other_session", "other_business_unit"]
)
def test_a_bad_state_is_rejected_and_nothing_is_stored(case, admin_client, bu, admin_user, fake):
    state, _ = start(admin_client)
    client = admin_client
    params = {"code": "c", "state": state}
    if case == "missing":
        params.pop("state")
    elif case == "forged":
        params["state"] = state[:-4] + "AAAA"
    elif case == "reused":
        assert admin_client.get("/pennylane/callback/", params).status_code == 302
        PennylaneConnection.objects.filter(business_unit=bu).delete()
    elif case == "expired":
        OAuthState.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    elif case == "other_session":
        client = Client()
        client.force_login(admin_user)
    elif case == "other_business_unit":
        other = factories.MembershipFactory(
            user=admin_user, role=Role.ADMIN, business_unit__name="Autre"
        ).business_unit
        session = admin_client.session
        session["business_unit_id"] = other.pk
        session.save()
    token_calls = len(fake.calls("POST", "/oauth/token"))
    response = client.get("/pennylane/callback/", params)
    assert response.status_code == 400
    assert (
        "refusée" in response.content.decode()
        or "expiré" in response.content.decode()
        or "utilisée" in response.content.decode()
    )
    assert len(fake.calls("POST", "/oauth/token")) == token_calls, "no code exchange with a bad state"
    assert nothing_stored(bu)
    assert PennylaneConnection.objects.exclude(access_token_encrypted="").count() == 0


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.FIELD_WORKER, Role.ACCOUNTANT])
def test_only_administrators_connect_test_or_disconnect(role, client, bu, fake_settings):
    user = factories.MembershipFactory(business_unit=bu, role=role).user
    client.force_login(user)
    assert client.post("/pennylane/connect/").status_code == 403
    assert client.get("/pennylane/callback/", {"code": "c", "state": "s"}).status_code == 403
    assert client.post("/pennylane/test/").status_code == 403
    assert client.post("/pennylane/disconnect/").status_code == 403


def test_the_page_shows_to_reconnect_and_the_error_in_plain_words(admin_client, connected):
    PennylaneConnection.objects.filter(pk=connected.pk).update(
        status=ConnectionStatus.TO_RECONNECT,
        last_error="Pennylane a refusé le jeton de renouvellement",
        last_error_at=timezone.now(),
    )
    html = admin_client.get("/pennylane/").content.decode()
    assert "À reconnecter" in html and "refusé le jeton" in html
    assert "Connecter mon compte Pennylane" in html


def test_testing_the_connection_shows_the_company_and_records_success(admin_client, connected):
    response = admin_client.post("/pennylane/test/", follow=True)
    assert "Démo SAS" in response.content.decode()
    connected.refresh_from_db()
    assert connected.last_success_at is not None


def test_disconnecting_from_the_page_deletes_the_tokens(admin_client, connected, fake):
    response = admin_client.post("/pennylane/disconnect/", follow=True)
    assert response.status_code == 200
    connected.refresh_from_db()
    assert connected.status == ConnectionStatus.DISCONNECTED and not connected.has_tokens
    assert len(fake.calls("POST", "/oauth/revoke")) == 2


def test_the_connect_button_include_posts_with_the_current_page(rf, admin_user):
    from django.template.loader import render_to_string

    request = rf.get("/triggers/12/?tab=summary")
    request.user = admin_user
    html = render_to_string("pennylane/_connect_button.html", request=request)
    assert 'action="/pennylane/connect/"' in html
    assert 'value="/triggers/12/?tab=summary"' in html
    assert "Connecter mon compte Pennylane" in html
