import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.principal import Actor
from tests import factories
from tests.conftest import make_api_key
from triggers import services


def key_client(bu, role):
    _key, raw = make_api_key(bu, role=role, name=f"clé {role}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def admin_api(bu):
    return key_client(bu, Role.ADMIN)


@pytest.fixture
def role_api(bu):
    return lambda role: key_client(bu, role)


@pytest.fixture
def trigger(bu, admin_user, activity_type):
    return services.trigger_create(
        business_unit=bu,
        actor=Actor(user=admin_user),
        activity_type=activity_type,
        name="Facturer les dépannages",
    )


@pytest.fixture
def activity(bu, activity_type, customer):
    return factories.ActivityFactory(business_unit=bu, activity_type=activity_type, customer=customer)


@pytest.fixture
def other_trigger(other_bu):
    other_type = factories.ActivityTypeFactory(business_unit=other_bu, name="Entretien")
    return services.trigger_create(
        business_unit=other_bu, actor=Actor(), activity_type=other_type, name="Chez le voisin"
    )


@pytest.fixture
def other_activity(other_bu, other_trigger):
    return factories.ActivityFactory(business_unit=other_bu, activity_type=other_trigger.activity_type)
