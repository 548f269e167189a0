import pytest

from pennylane import ratelimit
from pennylane.models import ConnectionStatus, PennylaneConnection

from .fakes import FakePennylane


@pytest.fixture
def fake():
    server = FakePennylane()
    yield server
    server.close()


@pytest.fixture
def fake_settings(settings, fake):
    """Point the product at the fake server; the database limiter (no Redis) unless a test says otherwise."""
    settings.PENNYLANE_API_BASE_URL = fake.api
    settings.PENNYLANE_TOKEN_URL = f"{fake.url}/oauth/token"
    settings.PENNYLANE_REVOKE_URL = f"{fake.url}/oauth/revoke"
    settings.PENNYLANE_AUTHORIZE_URL = f"{fake.url}/oauth/authorize"
    settings.PENNYLANE_TIMEOUT = 2.0
    settings.REDIS_URL = ""
    ratelimit._default = None
    yield settings
    ratelimit._default = None


@pytest.fixture
def connected(bu, admin_user):
    """A connected business unit whose access token is fresh."""
    from datetime import timedelta

    from django.utils import timezone

    from pennylane import crypto

    return PennylaneConnection.objects.create(
        business_unit=bu,
        status=ConnectionStatus.CONNECTED,
        company_id=4242,
        company_name="Démo SAS",
        scopes=["customers:all"],
        access_token_encrypted=crypto.encrypt("acc-0"),
        refresh_token_encrypted=crypto.encrypt("ref-0"),
        expires_at=timezone.now() + timedelta(hours=20),
        connected_by=admin_user,
        connected_at=timezone.now(),
    )
