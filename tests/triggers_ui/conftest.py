import pytest

from accounts.models import Role
from accounts.principal import Actor, Origin
from tests import factories
from triggers import services


@pytest.fixture
def make_trigger(bu, admin_user):
    def make(activity_type, name="Facturer les dépannages", business_unit=None, **data):
        return services.trigger_create(
            business_unit=business_unit or bu,
            actor=Actor(user=admin_user, origin=Origin.WEB),
            activity_type=activity_type,
            name=name,
            **data,
        )

    return make


@pytest.fixture
def trigger(make_trigger, activity_type):
    return make_trigger(activity_type)


@pytest.fixture
def other_trigger(other_bu):
    other_admin = factories.MembershipFactory(
        business_unit=other_bu, role=Role.ADMIN, user__username="autre"
    ).user
    other_type = factories.ActivityTypeFactory(business_unit=other_bu, name="Entretien")
    return services.trigger_create(
        business_unit=other_bu, actor=Actor(user=other_admin), activity_type=other_type, name="Chez le voisin"
    )


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user
