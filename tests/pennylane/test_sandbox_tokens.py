"""Token lifecycle against the sandbox over real HTTP: rotation, early expiry, revocation, leaks."""

import logging

import pytest
from django.db import connection as db

from pennylane import crypto, services
from pennylane.client import PennylaneOAuth
from pennylane.exceptions import ReauthorizationRequired, TransientError
from pennylane.models import ConnectionStatus, PennylaneConnection

from .conftest import connection_from_sandbox

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]


def stored(connection):
    row = PennylaneConnection.objects.get(pk=connection.pk)
    return crypto.decrypt(row.access_token_encrypted), crypto.decrypt(row.refresh_token_encrypted)


def test_rotation_old_refresh_token_then_fails_and_the_product_keeps_working(
    sandbox_settings, sandbox_clean, bu
):
    connection, pair = connection_from_sandbox(sandbox_clean, bu, expired=True)
    me = services.connection_call(connection.pk, lambda c: c.me())
    assert me["company"]["name"] == "Démo Plomberie SAS"
    access, refresh = stored(connection)
    assert access != pair["access_token"] and refresh != pair["refresh_token"]
    assert sandbox_clean.stats()["refreshes"] == {sandbox_clean.client_id: 1}
    with pytest.raises(ReauthorizationRequired):
        PennylaneOAuth.from_settings().refresh(pair["refresh_token"])
    assert (
        services.connection_call(connection.pk, lambda c: c.me())["company"]["name"] == "Démo Plomberie SAS"
    )
    assert PennylaneConnection.objects.get(pk=connection.pk).status == ConnectionStatus.CONNECTED


def test_an_access_token_expired_early_by_pennylane_is_refreshed_on_its_401(
    sandbox_settings, sandbox_clean, bu
):
    connection, pair = connection_from_sandbox(sandbox_clean, bu)
    sandbox_clean.expire_access_token(pair["access_token"])
    assert services.connection_call(connection.pk, lambda c: c.me())["company"]
    assert sandbox_clean.stats()["refreshes"] == {sandbox_clean.client_id: 1}


def test_a_revoked_grant_marks_the_connection_to_reconnect_and_pauses(sandbox_settings, sandbox_clean, bu):
    connection, _pair = connection_from_sandbox(sandbox_clean, bu)
    sandbox_clean.revoke_all()
    with pytest.raises(ReauthorizationRequired):
        services.connection_call(connection.pk, lambda c: c.me())
    row = PennylaneConnection.objects.get(pk=connection.pk)
    assert row.status == ConnectionStatus.TO_RECONNECT and row.health == "to_reconnect"
    assert row.last_error
    assert "reconnecter" in services.connection_problem(bu)


def test_a_lost_refresh_response_ends_in_to_reconnect_never_in_a_connected_look(
    sandbox_settings, sandbox_clean, bu
):
    connection, _pair = connection_from_sandbox(sandbox_clean, bu, expired=True)
    sandbox_clean.lose_next_token_response()
    with pytest.raises(TransientError):
        services.client_for_connection(connection.pk)
    assert PennylaneConnection.objects.get(pk=connection.pk).health == "failing"
    # Pennylane rotated the pair but we never saw it: the kept refresh token is now dead.
    with pytest.raises(ReauthorizationRequired):
        services.client_for_connection(connection.pk)
    assert PennylaneConnection.objects.get(pk=connection.pk).status == ConnectionStatus.TO_RECONNECT


def test_no_plaintext_token_in_the_database_logs_api_or_admin(
    sandbox_settings, sandbox_clean, bu, client, api_key_client, caplog, django_user_model
):
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("pennylane").setLevel(logging.DEBUG)
        connection, pair = connection_from_sandbox(sandbox_clean, bu, expired=True)
        services.connection_call(connection.pk, lambda c: c.me())
        services.connection_refresh(connection.pk, margin=__import__("datetime").timedelta(days=2))
        services.connection_call(connection.pk, lambda c: c.me())
        access, refresh = stored(connection)
        secrets_seen = {pair["access_token"], pair["refresh_token"], access, refresh}
        with db.cursor() as cursor:
            cursor.execute("SELECT * FROM pennylane_pennylaneconnection")
            dump = repr(cursor.fetchall())
        api_body = api_key_client.get("/api/v1/pennylane/connection/").content.decode()
        staff = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456")
        client.force_login(staff)
        admin_body = client.get(
            f"/admin/pennylane/pennylaneconnection/{connection.pk}/change/"
        ).content.decode()
    assert any(r.levelno == logging.DEBUG for r in caplog.records), "DEBUG logging was on"
    for secret in secrets_seen:
        assert secret not in dump
        assert secret not in caplog.text
        assert secret not in api_body
        assert secret not in admin_body
