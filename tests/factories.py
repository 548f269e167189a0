from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import BusinessUnit, Membership, Role, User
from activities.models import Activity, Customer, CustomerKind
from catalog.models import ActivityType, OperationType

DEFAULT_LINES = [
    {
        "label": "Main d'oeuvre",
        "quantity": "2",
        "unit": "hour",
        "unit_price": "45.00",
        "vat_rate": "FR_200",
        "description": "",
    },
    {
        "label": "Déplacement",
        "quantity": "1",
        "unit": "piece",
        "unit_price": "30.00",
        "vat_rate": "FR_200",
        "description": "",
    },
]


class BusinessUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessUnit

    name = factory.Sequence(lambda n: f"Business unit {n}")
    code = factory.Sequence(lambda n: f"bu-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pass-1234")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    business_unit = factory.SubFactory(BusinessUnitFactory)
    role = Role.ADMIN


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType

    business_unit = factory.SubFactory(BusinessUnitFactory)
    name = factory.Sequence(lambda n: f"Intervention {n}")
    reference = factory.Sequence(lambda n: f"TYPE-{n}")
    operation_type = OperationType.INTERVENTION
    default_duration = timedelta(hours=1)
    financial_data_enabled = True
    billing_data_enabled = True
    manual_triggers_enabled = True
    default_billing_lines = factory.LazyFunction(lambda: [dict(line) for line in DEFAULT_LINES])


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    business_unit = factory.SubFactory(BusinessUnitFactory)
    kind = CustomerKind.COMPANY
    reference = factory.Sequence(lambda n: f"CUST-{n}")
    name = factory.Sequence(lambda n: f"Client {n} SARL")
    emails = factory.LazyAttribute(lambda c: [f"{c.reference.lower()}@example.com"])
    address = "12 rue de la Paix"
    postal_code = "75002"
    city = "Paris"
    country = "FR"


class ActivityFactory(factory.django.DjangoModelFactory):
    """Inserts directly (no service): use services in tests about history or triggers."""

    class Meta:
        model = Activity

    business_unit = factory.SubFactory(BusinessUnitFactory)
    reference = factory.Sequence(lambda n: f"ACT-T{n:05d}")
    title = factory.Sequence(lambda n: f"Activité {n}")
    activity_type = factory.LazyAttribute(lambda a: ActivityTypeFactory(business_unit=a.business_unit))
    customer = factory.LazyAttribute(lambda a: CustomerFactory(business_unit=a.business_unit))
    address = "12 rue de la Paix"
    postal_code = "75002"
    city = "Paris"
    scheduled_start = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2))
    scheduled_end = factory.LazyAttribute(lambda a: a.scheduled_start + timedelta(hours=1))
    billing_lines = factory.LazyAttribute(
        lambda a: [dict(line) for line in a.activity_type.default_billing_lines]
    )
