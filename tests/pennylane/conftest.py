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


@pytest.fixture
def sandbox_settings(settings_for_sandbox):
    """Point the product at the live sandbox (tests marked ``sandbox``): tests/worker_process.py."""
    return settings_for_sandbox


def connection_from_sandbox(sandbox, business_unit, *, company="demo", expired=False):
    """A connection holding a real pair issued by the sandbox to the product's OAuth client."""
    from datetime import timedelta

    from django.utils import timezone

    from pennylane import crypto

    pair = sandbox.issue_tokens(company=company)
    connection = PennylaneConnection.objects.create(
        business_unit=business_unit,
        status=ConnectionStatus.CONNECTED,
        company_name="Démo Plomberie SAS",
        access_token_encrypted=crypto.encrypt(pair["access_token"]),
        refresh_token_encrypted=crypto.encrypt(pair["refresh_token"]),
        expires_at=timezone.now() + (timedelta(minutes=-1) if expired else timedelta(hours=20)),
    )
    if expired:
        sandbox.expire_access_token(pair["access_token"])
    return connection, pair


def inject_fault(sandbox, method, path_regex, **rule):
    """sandbox.fault(...), posted directly: SandboxHandle.fault() passes ``method`` twice to
    _control() (TypeError) at the time of writing."""
    body = {
        "method": method,
        "path_regex": path_regex,
        "status": None,
        "times": 1,
        "latency": None,
        "drop_after_commit": False,
        "body": None,
        **rule,
    }
    response = sandbox._http.post(f"{sandbox.url}/__sandbox__/faults", json=body, timeout=10)
    response.raise_for_status()
