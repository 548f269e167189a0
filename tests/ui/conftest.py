from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from accounts.principal import Actor, Origin
from activities import services
from tests import factories


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(user)
    return client


@pytest.fixture
def as_admin(admin_user):
    return login(admin_user)


@pytest.fixture
def as_supervisor(supervisor):
    return login(supervisor)


@pytest.fixture
def as_field_worker(field_worker):
    return login(field_worker)


@pytest.fixture
def as_accountant(accountant):
    return login(accountant)


@pytest.fixture
def activity(bu, activity_type, customer, admin_user, field_worker):
    """An activity created through the service (so it has history), assigned to the field worker."""
    start = timezone.now() + timedelta(hours=1)
    return services.activity_create(
        business_unit=bu,
        actor=Actor(user=admin_user, origin=Origin.WEB),
        activity_type=activity_type,
        title="Fuite sous évier",
        customer=customer,
        scheduled_start=start,
        assignees=[field_worker],
    )


@pytest.fixture
def other_activity(other_bu):
    """An activity of another business unit, with its own admin."""
    admin = factories.MembershipFactory(business_unit=other_bu, role=Role.ADMIN, user__username="autre").user
    activity_type = factories.ActivityTypeFactory(business_unit=other_bu)
    customer = factories.CustomerFactory(business_unit=other_bu)
    return services.activity_create(
        business_unit=other_bu,
        actor=Actor(user=admin, origin=Origin.WEB),
        activity_type=activity_type,
        title="Chez le concurrent",
        customer=customer,
    )


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # PBKDF2 costs ~0.3 s per user; these tests are about pages, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
