"""Tokens at rest: encrypted, unreadable in raw SQL, re-encrypted by the rotation command."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from pennylane import crypto
from pennylane.models import PennylaneConnection

OLD_KEY = "k9Qz1v3C8m3Z3sVJgk3m6tq7yH0bP8XoQy0mJ2c4a1E="


def test_encryption_round_trips_and_hides_the_plaintext():
    secret = crypto.encrypt("plain-access-token")
    assert "plain-access-token" not in secret
    assert crypto.decrypt(secret) == "plain-access-token"


@pytest.mark.django_db
def test_raw_sql_never_shows_a_plaintext_token(connected):
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM pennylane_pennylaneconnection")
        rows = cursor.fetchall()
    dump = repr(rows)
    assert "acc-0" not in dump and "ref-0" not in dump
    assert crypto.decrypt(connected.access_token_encrypted) == "acc-0"


@pytest.mark.django_db
def test_rotation_re_encrypts_with_the_new_key_and_the_old_key_can_then_be_dropped(connected, settings):
    new_key = Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [new_key, OLD_KEY]
    before = PennylaneConnection.objects.get(pk=connected.pk).access_token_encrypted
    call_command("pennylane_rotate_keys")
    settings.TOKEN_ENCRYPTION_KEYS = [new_key]
    row = PennylaneConnection.objects.get(pk=connected.pk)
    assert row.access_token_encrypted != before
    assert crypto.decrypt(row.access_token_encrypted) == "acc-0"
    assert crypto.decrypt(row.refresh_token_encrypted) == "ref-0"


@pytest.mark.django_db
def test_rotation_fails_loudly_when_no_key_opens_a_token(connected, settings):
    from django.core.management.base import CommandError

    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError):
        call_command("pennylane_rotate_keys")
