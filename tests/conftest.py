import os

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiKey, Role
from accounts.principal import Actor, Origin

from . import factories

pytest_plugins: list[str] = ["tests.worker_process", "tests.browser"]
# The Pennylane sandbox fixture (tests/sandbox_server.py) is added by the sandbox work.
if os.path.exists(os.path.join(os.path.dirname(__file__), "sandbox_server.py")):
    pytest_plugins.append("tests.sandbox_server")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(name: str, reason: str) -> None:
    """Skip loudly on a laptop without the service; fail in CI, where it must be there."""
    if IN_CI:
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(f"SKIPPED, {name} not configured: {reason}")


@pytest.fixture(autouse=True)
def _fresh_trigger_cache():
    """Ids repeat across test databases: each test gets its own trigger-cache namespace."""
    import uuid

    from triggers import cache

    cache.NAMESPACE = uuid.uuid4().hex
    yield


@pytest.fixture
def bu(db):
    return factories.BusinessUnitFactory(name="Plomberie Martin")


@pytest.fixture
def other_bu(db):
    return factories.BusinessUnitFactory(name="Concurrent SA")


def _member(bu, role, username):
    return factories.MembershipFactory(business_unit=bu, role=role, user__username=username).user


@pytest.fixture
def admin_user(bu):
    return _member(bu, Role.ADMIN, "admin")


@pytest.fixture
def supervisor(bu):
    return _member(bu, Role.SUPERVISOR, "superviseur")


@pytest.fixture
def field_worker(bu):
    return _member(bu, Role.FIELD_WORKER, "technicien")


@pytest.fixture
def accountant(bu):
    return _member(bu, Role.ACCOUNTANT, "comptable")


@pytest.fixture
def actor(admin_user):
    return Actor(user=admin_user, origin=Origin.WEB)


@pytest.fixture
def activity_type(bu):
    return factories.ActivityTypeFactory(business_unit=bu, name="Dépannage")


@pytest.fixture
def customer(bu):
    return factories.CustomerFactory(business_unit=bu)


@pytest.fixture
def api_client():
    return APIClient()


def make_api_key(bu, role=Role.SUPERVISOR, name="Intégration"):
    raw, prefix, key_hash = ApiKey.generate()
    key = ApiKey.objects.create(business_unit=bu, name=name, role=role, prefix=prefix, key_hash=key_hash)
    return key, raw


@pytest.fixture
def api_key_client(bu):
    _key, raw = make_api_key(bu)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client
