import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Factories hash a password per user; PBKDF2 would make these tests several times slower.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
