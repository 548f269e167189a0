"""Token lifecycle and health, against a local fake of Pennylane's token endpoint and API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pennylane import crypto, services
from pennylane.exceptions import ReauthorizationRequired, TransientError, ValidationError
from pennylane.models import ConnectionStatus, PennylaneConnection
from pennylane.signals import connection_restored

from .fakes import API, ME, Reply, token_reply

pytestmark = pytest.mark.django_db


def expire(connection, minutes=1):
    PennylaneConnection.objects.filter(pk=connection.pk).update(
        expires_at=timezone.now() + timedelta(minutes=minutes)
    )


def test_a_fresh_token_is_used_without_refreshing(fake, fake_settings, connected):
    fake.on("GET", f"{API}/me", Reply(200, ME))
    services.connection_call(connected.pk, lambda c: c.me())
    assert fake.calls("POST", "/oauth/token") == []
    assert fake.seen[-1].headers["Authorization"] == "Bearer acc-0"


def test_a_token_close_to_expiry_is_refreshed_and_the_new_pair_persisted_before_use(
    fake, fake_settings, connected
):
    expire(connected)
    fake.on("POST", "/oauth/token", token_reply("acc-1", "ref-1"))
    fake.on("GET", f"{API}/me", Reply(200, ME))
    services.connection_call(connected.pk, lambda c: c.me())
    form = fake.calls("POST", "/oauth/token")[0].form
    assert form["grant_type"] == "refresh_token" and form["refresh_token"] == "ref-0"
    assert form["client_id"] == fake_settings.PENNYLANE_CLIENT_ID
    row = PennylaneConnection.objects.get(pk=connected.pk)
    assert crypto.decrypt(row.access_token_encrypted) == "acc-1"
    assert crypto.decrypt(row.refresh_token_encrypted) == "ref-1"
    assert row.expires_at > timezone.now() + timedelta(hours=23)
    assert fake.seen[-1].headers["Authorization"] == "Bearer acc-1"


def test_invalid_grant_marks_the_connection_to_reconnect_and_asks_for_reauthorization(
    fake, fake_settings, connected
):
    expire(connected)
    fake.on("POST", "/oauth/token", Reply(400, {"error": "invalid_grant", "error_description": "revoked"}))
    with pytest.raises(ReauthorizationRequired):
        services.client_for_connection(connected.pk)
    row = PennylaneConnection.objects.get(pk=connected.pk)
    assert row.status == ConnectionStatus.TO_RECONNECT
    assert "reconnect" in row.last_error
    assert row.health == "to_reconnect"
    # Paused work asks again: no new refresh attempt, still a pause (not a failure).
    with pytest.raises(ReauthorizationRequired):
        services.client_for_connection(connected.pk)
    assert len(fake.calls("POST", "/oauth/token")) == 1


def test_a_5xx_on_refresh_is_transient_and_changes_nothing(fake, fake_settings, connected):
    expire(connected)
    fake.on("POST", "/oauth/token", Reply(503, text="down"))
    with pytest.raises(TransientError):
        services.client_for_connection(connected.pk)
    row = PennylaneConnection.objects.get(pk=connected.pk)
    assert row.status == ConnectionStatus.CONNECTED
    assert crypto.decrypt(row.refresh_token_encrypted) == "ref-0"
    assert row.is_failing and row.health == "failing"


def test_a_401_refreshes_once_and_retries_with_the_new_token(fake, fake_settings, connected):
    fake.on("POST", "/oauth/token", token_reply("acc-1", "ref-1"))
    fake.on(
        "GET",
        f"{API}/me",
        lambda seen: (
            Reply(200, ME)
            if seen.headers["Authorization"] == "Bearer acc-1"
            else Reply(401, {"error": "The access token is invalid", "status": 401})
        ),
    )
    assert services.connection_call(connected.pk, lambda c: c.me())["company"]["id"] == 4242
    assert len(fake.calls("POST", "/oauth/token")) == 1


def test_a_401_after_another_process_refreshed_uses_the_stored_token_without_refreshing(
    fake, fake_settings, connected
):
    client = services.client_for_connection(connected.pk)  # holds acc-0
    PennylaneConnection.objects.filter(pk=connected.pk).update(access_token_encrypted=crypto.encrypt("acc-9"))
    fake.on(
        "GET",
        f"{API}/me",
        lambda seen: (
            Reply(200, ME)
            if seen.headers["Authorization"] == "Bearer acc-9"
            else Reply(401, {"error": "invalid"})
        ),
    )
    services.connection_refresh(connected.pk, failed_token_key=client.token_key)
    assert fake.calls("POST", "/oauth/token") == []
    assert services.connection_call(connected.pk, lambda c: c.me())


def test_health_records_success_and_errors_in_plain_words(fake, fake_settings, connected):
    fake.on("GET", f"{API}/me", Reply(200, ME), Reply(503, {"error": "Service en maintenance"}))
    services.connection_call(connected.pk, lambda c: c.me())
    row = PennylaneConnection.objects.get(pk=connected.pk)
    assert row.last_success_at is not None and row.health == "connected"
    with pytest.raises(TransientError):
        services.connection_call(connected.pk, lambda c: c.me())
    row.refresh_from_db()
    assert row.last_error == "Service en maintenance"
    assert row.health == "failing", "a failing connection must never look connected"


def test_a_rejected_document_does_not_make_the_connection_look_broken(fake, fake_settings, connected):
    fake.on(
        "POST",
        f"{API}/customer_invoices",
        Reply(422, {"error": "Configurez d'abord la numérotation des factures"}),
    )
    with pytest.raises(ValidationError):
        services.connection_call(connected.pk, lambda c: c.invoice_create({}))
    row = PennylaneConnection.objects.get(pk=connected.pk)
    assert row.health == "connected"


def test_disconnect_revokes_at_pennylane_and_deletes_the_tokens(fake, fake_settings, connected, bu):
    fake.on("POST", "/oauth/revoke", Reply(200, text=""))
    assert services.connection_disconnect(business_unit=bu) is None
    revoked = {s.form["token"] for s in fake.calls("POST", "/oauth/revoke")}
    assert revoked == {"acc-0", "ref-0"}
    row = PennylaneConnection.objects.get(pk=connected.pk)
    assert row.status == ConnectionStatus.DISCONNECTED
    assert row.access_token_encrypted == row.refresh_token_encrypted == ""
    assert [s for s in fake.seen if s.path.startswith(API)] == [], "nothing is deleted in Pennylane"
    assert "Aucune connexion Pennylane" in services.connection_problem(bu)
    with pytest.raises(ReauthorizationRequired) as caught:
        services.client_for_connection(connected.pk)
    assert "Aucune connexion Pennylane" in caught.value.message


def test_disconnect_still_deletes_the_tokens_when_pennylane_is_unreachable(
    fake, fake_settings, connected, bu
):
    fake_settings.PENNYLANE_REVOKE_URL = "http://127.0.0.1:9/oauth/revoke"
    assert services.connection_disconnect(business_unit=bu)
    assert PennylaneConnection.objects.get(pk=connected.pk).access_token_encrypted == ""


def test_reconnecting_stores_the_company_and_announces_it_after_commit(
    fake, fake_settings, connected, bu, admin_user, django_capture_on_commit_callbacks
):
    PennylaneConnection.objects.filter(pk=connected.pk).update(status=ConnectionStatus.TO_RECONNECT)
    received = []
    connection_restored.connect(
        lambda sender, business_unit, **kw: received.append(business_unit), weak=False, dispatch_uid="t"
    )
    fake.on("POST", "/oauth/token", token_reply("acc-5", "ref-5"))
    fake.on("GET", f"{API}/me", Reply(200, ME))
    fake.on("POST", "/oauth/revoke", Reply(200, text=""))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.connection_authorize(business_unit=bu, user=admin_user, code="the-code")
    finally:
        connection_restored.disconnect(dispatch_uid="t")
    assert received == [bu]
    row = PennylaneConnection.objects.get(pk=connected.pk)
    assert (row.status, row.company_id, row.company_name) == (ConnectionStatus.CONNECTED, 4242, "Démo SAS")
    assert row.scopes == ME["scopes"]
    assert fake.calls("POST", "/oauth/token")[0].form["code"] == "the-code"


def test_the_beat_task_refreshes_only_tokens_close_to_expiry(fake, fake_settings, connected, other_bu):
    from pennylane.tasks import connections_refresh_expiring

    far = PennylaneConnection.objects.create(
        business_unit=other_bu,
        status=ConnectionStatus.CONNECTED,
        access_token_encrypted=crypto.encrypt("x"),
        refresh_token_encrypted=crypto.encrypt("y"),
        expires_at=timezone.now() + timedelta(hours=10),
    )
    expire(connected, minutes=20)
    fake.on("POST", "/oauth/token", token_reply("acc-1", "ref-1"))
    assert connections_refresh_expiring() == 1
    assert [s.form["refresh_token"] for s in fake.calls("POST", "/oauth/token")] == ["ref-0"]
    assert crypto.decrypt(PennylaneConnection.objects.get(pk=far.pk).access_token_encrypted) == "x"
