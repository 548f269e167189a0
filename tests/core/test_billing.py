from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog import billing


def line(quantity, unit_price, vat="FR_200", **extra):
    return {"label": "Ligne", "quantity": quantity, "unit_price": unit_price, "vat_rate": vat, **extra}


def test_totals_are_decimals_summed_from_lines_rounded_to_the_cent():
    lines = billing.clean_lines([line("3", "33.33"), line("1", "0.01")])
    totals = billing.totals(lines)
    assert totals == billing.Totals(Decimal("100.00"), Decimal("20.00"), Decimal("120.00"))
    assert all(isinstance(v, Decimal) for v in (totals.excl_tax, totals.tax, totals.incl_tax))


def test_a_unit_price_with_three_decimals_is_refused():
    with pytest.raises(ValidationError) as error:
        billing.clean_lines([line("3", "33.333")])
    assert list(error.value.message_dict) == ["billing_lines[0].unit_price"]


def test_each_line_is_rounded_half_up_as_an_invoice_does():
    # 0.5 x 2.01 = 1.005 -> 1.01 (half up, not banker's 1.00); VAT 20 % of 1.01 = 0.202 -> 0.20
    amounts = billing.line_amounts(billing.clean_line(line("0.5", "2.01"), 0))
    assert (amounts.total_excl_tax, amounts.tax) == (Decimal("1.01"), Decimal("0.20"))


def test_vat_is_rounded_per_line_not_on_the_total():
    # Three lines of 0.05 HT at 10 %: 0.005 -> 0.01 VAT each, 0.03 in all (0.015 on the sum would be 0.02).
    lines = billing.clean_lines([line("1", "0.05", "FR_100")] * 3)
    assert billing.totals(lines).tax == Decimal("0.03")


def test_five_and_a_half_percent_vat():
    totals = billing.totals(billing.clean_lines([line("1", "100.00", "FR_55"), line("2", "9.99", "FR_55")]))
    assert (totals.excl_tax, totals.tax, totals.incl_tax) == (
        Decimal("119.98"),
        Decimal("6.60"),
        Decimal("126.58"),
    )


def test_quantities_keep_four_decimals_and_prices_are_normalized_to_the_cent():
    cleaned = billing.clean_line(line("1,2500", "7"), 0)
    assert (cleaned["quantity"], cleaned["unit_price"], cleaned["unit"]) == ("1.25", "7.00", "piece")
    assert billing.line_amounts(cleaned).total_excl_tax == Decimal("8.75")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (line("NaN", "1"), "quantity"),
        (line("1", "Infinity"), "unit_price"),
        (line("0", "1"), "quantity"),
        (line("-1", "1"), "quantity"),
        (line("1", "-1"), "unit_price"),
        (line("10000001", "1"), "quantity"),
        (line("1", "10000000.01"), "unit_price"),
        (line("1.00001", "1"), "quantity"),
        (line("abc", "1"), "quantity"),
        (line("1", "1", "FR_055"), "vat_rate"),
        (line("1", "1", "fr_200"), "vat_rate"),
        (line("1", "1", label=""), "label"),
        (line("1", "1", label="x" * 501), "label"),
        (line("1", "1", label="a\x00b"), "label"),
        (line("1", "1", colour="red"), "colour"),
    ],
)
def test_a_bad_line_is_refused_naming_the_line_and_field(raw, field):
    with pytest.raises(ValidationError) as error:
        billing.clean_lines([line("1", "1"), raw])
    assert list(error.value.message_dict) == [f"billing_lines[1].{field}"]


def test_a_line_that_is_not_an_object_and_a_non_list_are_refused():
    with pytest.raises(ValidationError) as error:
        billing.clean_lines(["text"])
    assert list(error.value.message_dict) == ["billing_lines[0]"]
    with pytest.raises(ValidationError) as error:
        billing.clean_lines({"label": "x"})
    assert list(error.value.message_dict) == ["billing_lines"]


def test_at_most_one_hundred_lines():
    with pytest.raises(ValidationError):
        billing.clean_lines([line("1", "1")] * 101)
    assert len(billing.clean_lines([line("1", "1")] * 100)) == 100


def test_float_inputs_are_read_from_their_shortest_representation():
    # 0.1 as a float is 0.1000000000000000055...; it must not become a 17-decimal quantity.
    assert billing.clean_line(line(0.1, 2.5), 0)["quantity"] == "0.1"
