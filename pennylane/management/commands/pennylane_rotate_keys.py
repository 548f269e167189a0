"""Re-encrypt every stored Pennylane token with the first key of TOKEN_ENCRYPTION_KEYS.

Rotation: prepend a new key to TOKEN_ENCRYPTION_KEYS, run this command, then remove the old key.
"""

from typing import Any

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pennylane import crypto
from pennylane.models import PennylaneConnection


class Command(BaseCommand):
    help = "Re-encrypt the Pennylane tokens with the newest key of TOKEN_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        failed: list[int] = []
        for pk in PennylaneConnection.objects.values_list("pk", flat=True):
            with transaction.atomic():
                # Locked: a concurrent refresh must not be overwritten with the old pair.
                connection = PennylaneConnection.objects.select_for_update().get(pk=pk)
                try:
                    connection.access_token_encrypted = crypto.rotate(connection.access_token_encrypted)
                    connection.refresh_token_encrypted = crypto.rotate(connection.refresh_token_encrypted)
                except InvalidToken:
                    failed.append(pk)
                    continue
                connection.save(update_fields=["access_token_encrypted", "refresh_token_encrypted"])
                rotated += 1
        self.stdout.write(f"{rotated} connection(s) re-encrypted with the first key.")
        if failed:
            raise CommandError(
                f"No configured key opens the tokens of connection(s) {failed}: they must be reconnected."
            )
