"""`manage.py check --deploy` refuses the development keys (the docker-compose stack runs it)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

DEV_SECRET_PREFIX = "dev-insecure"
DEV_TOKEN_KEY = "k9Qz1v3C8m3Z3sVJgk3m6tq7yH0bP8XoQy0mJ2c4a1E="


@register(Tags.security, deploy=True)
def development_keys(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.SECRET_KEY.startswith(DEV_SECRET_PREFIX):
        errors.append(Error("SECRET_KEY is the development key: set your own.", id="cadulis.E001"))
    if DEV_TOKEN_KEY in settings.TOKEN_ENCRYPTION_KEYS:
        errors.append(
            Error(
                "TOKEN_ENCRYPTION_KEYS holds the development key: Pennylane tokens would be readable by anyone.",
                hint='Generate one: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"',
                id="cadulis.E002",
            )
        )
    return errors
