"""Services refuse another business unit's objects even when a caller forgets to scope (F19)."""

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import Activity, Customer
from tests import factories


def test_creating_an_activity_with_another_business_units_type_is_refused(bu, actor, other_bu, customer):
    foreign_type = factories.ActivityTypeFactory(business_unit=other_bu)
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            business_unit=bu, actor=actor, activity_type=foreign_type, customer=customer, title="T"
        )
    assert list(error.value.message_dict) == ["activity_type"]
    assert not Activity.objects.exists()


def test_creating_an_activity_with_another_business_units_customer_is_refused(
    bu, actor, other_bu, activity_type
):
    foreign_customer = factories.CustomerFactory(business_unit=other_bu)
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            business_unit=bu, actor=actor, activity_type=activity_type, customer=foreign_customer, title="T"
        )
    assert list(error.value.message_dict) == ["customer"]


def test_updating_an_activity_with_another_business_units_type_or_customer_is_refused(bu, actor, other_bu):
    activity = factories.ActivityFactory(business_unit=bu)
    for field, foreign in (
        ("activity_type", factories.ActivityTypeFactory(business_unit=other_bu)),
        ("customer", factories.CustomerFactory(business_unit=other_bu)),
    ):
        with pytest.raises(ValidationError) as error:
            services.activity_update(activity=activity, actor=actor, data={field: foreign})
        assert list(error.value.message_dict) == [field]
    activity.refresh_from_db()
    assert activity.activity_type.business_unit == bu
    assert not activity.history.exists()


def test_assigning_someone_outside_the_business_unit_is_refused(bu, actor, other_bu, activity_type):
    outsider = factories.MembershipFactory(business_unit=other_bu).user
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            business_unit=bu, actor=actor, activity_type=activity_type, title="T", assignees=[outsider]
        )
    assert list(error.value.message_dict) == ["assignees"]


def test_references_are_unique_per_business_unit_only(bu, actor, other_bu, activity_type):
    foreign_type = factories.ActivityTypeFactory(business_unit=other_bu)
    services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, title="A", reference="R-1"
    )
    services.activity_create(
        business_unit=other_bu, actor=actor, activity_type=foreign_type, title="B", reference="R-1"
    )
    with pytest.raises(ValidationError):
        services.activity_create(
            business_unit=bu, actor=actor, activity_type=activity_type, title="C", reference="R-1"
        )
    assert Activity.objects.filter(reference="R-1").count() == 2


def test_a_generated_reference_skips_numbers_taken_by_hand(bu, actor, activity_type):
    services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, title="A", reference="ACT-000001"
    )
    generated = services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, title="B"
    )
    assert generated.reference == "ACT-000002"


def test_customer_references_are_unique_per_business_unit(bu, actor, other_bu):
    services.customer_create(business_unit=bu, actor=actor, reference="C-1", name="A")
    services.customer_create(business_unit=other_bu, actor=actor, reference="C-1", name="B")
    with pytest.raises(ValidationError):
        services.customer_create(business_unit=bu, actor=actor, reference="C-1", name="C")
    assert Customer.objects.filter(reference="C-1").count() == 2
