import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from tests import factories
from tests.conftest import make_api_key


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Factories hash a password per user; PBKDF2 would make these tests several times slower.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def key_client(business_unit, role=Role.SUPERVISOR) -> APIClient:
    _key, raw = make_api_key(business_unit, role=role, name=f"Clé {role}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def client_as(bu):
    """client_as(role) -> an API client with a key of that role in `bu`."""

    def make(role):
        return key_client(bu, role)

    return make


@pytest.fixture
def activity(bu, activity_type, customer):
    return factories.ActivityFactory(business_unit=bu, activity_type=activity_type, customer=customer)


@pytest.fixture
def assigned_activity(activity, field_worker):
    activity.assignees.add(field_worker)
    return activity


@pytest.fixture
def other_objects(other_bu):
    """Business unit B's objects, for the cross-tenant tests."""
    other_user = factories.MembershipFactory(business_unit=other_bu, user__username="autre").user
    activity_type = factories.ActivityTypeFactory(business_unit=other_bu)
    customer = factories.CustomerFactory(business_unit=other_bu)
    activity = factories.ActivityFactory(
        business_unit=other_bu, activity_type=activity_type, customer=customer
    )
    activity.assignees.add(other_user)
    from accounts.principal import Actor
    from activities import history

    entry = history.history_note(activity, Actor(), "note de B")
    return {
        "user": other_user,
        "activity_type": activity_type,
        "customer": customer,
        "activity": activity,
        "history": entry,
    }
