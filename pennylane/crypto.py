"""Tokens at rest: Fernet with dedicated keys (settings.TOKEN_ENCRYPTION_KEYS, newest first).

MultiFernet decrypts with any listed key and encrypts with the first, so a key rotation is:
prepend a key, run ``manage.py pennylane_rotate_keys``, then drop the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    keys = [k for k in settings.TOKEN_ENCRYPTION_KEYS if k]
    if not keys:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS is empty: Pennylane tokens cannot be stored.")
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """The plaintext, or '' when there is nothing stored or no configured key opens it."""
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return ""


def rotate(ciphertext: str) -> str:
    """Re-encrypt with the first key (raises InvalidToken if no key opens it)."""
    if not ciphertext:
        return ""
    return _fernet().rotate(ciphertext.encode()).decode()
