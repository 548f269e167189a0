import pytest
from django.core.exceptions import ValidationError

from activities.validators import (
    luhn_ok,
    validate_country,
    validate_no_nul,
    validate_siren,
    validate_vat_number,
)


@pytest.mark.parametrize("siren", ["542051180", "732829320", "443 061 841"])
def test_a_siren_with_a_correct_luhn_key_is_accepted(siren):
    validate_siren(siren)


@pytest.mark.parametrize("siren", ["542051181", "123456789", "54205118", "5420511800", "ABCDEFGHI", ""])
def test_a_siren_with_a_wrong_key_or_shape_is_refused(siren):
    with pytest.raises(ValidationError, match="SIREN"):
        validate_siren(siren)


def test_luhn_doubles_every_second_digit_from_the_right():
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")


@pytest.mark.parametrize(
    "vat", ["FR59542051180", "fr 44 732829320", "FRAB542051180", "DE123456789", "BE0123456789"]
)
def test_a_vat_number_with_the_right_french_key_or_a_foreign_shape_is_accepted(vat):
    validate_vat_number(vat)


@pytest.mark.parametrize(
    ("vat", "message"),
    [
        ("FR58542051180", "clé ne correspond pas"),  # key of another SIREN
        ("FR0054205118", "FR, 2 caractères"),  # 8-digit SIREN
        ("FR59-542051180", "FR, 2 caractères"),
        ("X1", "code pays"),
        ("DE1", "code pays"),
    ],
)
def test_a_vat_number_with_a_wrong_key_or_shape_is_refused(vat, message):
    with pytest.raises(ValidationError, match=message):
        validate_vat_number(vat)


@pytest.mark.parametrize("country", ["fr", "FRA", "", "F1"])
def test_a_country_must_be_two_capital_letters(country):
    with pytest.raises(ValidationError):
        validate_country(country)


def test_nul_characters_are_refused():
    validate_no_nul("texte")
    with pytest.raises(ValidationError):
        validate_no_nul("a\x00b")


def test_the_customer_service_normalizes_then_validates(bu, actor):
    from activities import services

    customer = services.customer_create(
        business_unit=bu,
        actor=actor,
        reference="C",
        name="Total",
        siren="542 051 180",
        vat_number="fr59 542051180",
    )
    assert (customer.siren, customer.vat_number) == ("542051180", "FR59542051180")
    with pytest.raises(ValidationError) as error:
        services.customer_update(customer=customer, actor=actor, data={"siren": "542051181"})
    assert list(error.value.message_dict) == ["siren"]
