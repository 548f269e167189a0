"""Billing lines: validation and exact totals.

Lines are stored as JSON on the activity type (defaults) and on the activity. Amounts are
Decimals; each line is rounded to the cent as an invoice does (HT = round(qty x unit price),
VAT = round(HT x rate)), totals are sums of rounded lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .vat import VAT_RATES

CENT = Decimal("0.01")
MAX_QUANTITY = Decimal("1000000")
MAX_UNIT_PRICE = Decimal("10000000")
MAX_LINES = 100
# 100 lines of at most this stay within the 12 integer digits stored for document amounts.
MAX_LINE_TOTAL = Decimal("1000000000")
MAX_LABEL = 500


def _decimal(value: Any, field: str, *, places: int, errors: dict[str, list[str]]) -> Decimal | None:
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Nombre invalide."))
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(_("Nombre invalide."))
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        errors.setdefault(field, []).append(_("Au plus %(n)d décimales.") % {"n": places})
        return None
    return number


def clean_line(raw: Any, index: int) -> dict[str, str]:
    """Validate one line; errors are keyed ``billing_lines[i].field``."""
    errors: dict[str, list[str]] = {}
    prefix = f"billing_lines[{index}]"
    if not isinstance(raw, dict):
        raise ValidationError({prefix: [_("Une ligne doit être un objet.")]})
    unknown = set(raw) - {"label", "quantity", "unit", "unit_price", "vat_rate", "description"}
    for key in sorted(unknown):
        errors.setdefault(f"{prefix}.{key}", []).append(_("Champ inconnu."))
    label = str(raw.get("label") or "").strip()
    if not label:
        errors.setdefault(f"{prefix}.label", []).append(_("Ce champ est obligatoire."))
    elif len(label) > MAX_LABEL or "\x00" in label:
        errors.setdefault(f"{prefix}.label", []).append(_("Libellé invalide (500 caractères au plus)."))
    unit = str(raw.get("unit") or "").strip() or "piece"
    if len(unit) > 50 or "\x00" in unit:
        errors.setdefault(f"{prefix}.unit", []).append(_("Unité invalide (50 caractères au plus)."))
    description = str(raw.get("description") or "").strip()
    if len(description) > 5000 or "\x00" in description:
        errors.setdefault(f"{prefix}.description", []).append(
            _("Description invalide (5000 caractères au plus).")
        )
    quantity = _decimal(raw.get("quantity", ""), f"{prefix}.quantity", places=4, errors=errors)
    if quantity is not None and not (0 < quantity <= MAX_QUANTITY):
        errors.setdefault(f"{prefix}.quantity", []).append(
            _("La quantité doit être positive et au plus %(max)s.") % {"max": MAX_QUANTITY}
        )
    price = _decimal(raw.get("unit_price", ""), f"{prefix}.unit_price", places=2, errors=errors)
    if price is not None and not (0 <= price <= MAX_UNIT_PRICE):
        errors.setdefault(f"{prefix}.unit_price", []).append(
            _("Le prix unitaire doit être positif et au plus %(max)s.") % {"max": MAX_UNIT_PRICE}
        )
    vat = str(raw.get("vat_rate") or "")
    if vat not in VAT_RATES:
        errors.setdefault(f"{prefix}.vat_rate", []).append(
            _("Code de TVA Pennylane inconnu : « %(code)s » (ex. FR_200, FR_100, FR_55, FR_21, exempt).")
            % {"code": vat[:20]}
        )
    if quantity is not None and price is not None and quantity * price > MAX_LINE_TOTAL:
        errors.setdefault(f"{prefix}.quantity", []).append(
            _("Le total de la ligne dépasse %(max)s.") % {"max": MAX_LINE_TOTAL}
        )
    if errors:
        raise ValidationError(errors)
    assert quantity is not None and price is not None
    return {
        "label": label,
        "quantity": _normalize(quantity),
        "unit": unit,
        "unit_price": f"{price.quantize(CENT)}",
        "vat_rate": vat,
        "description": description,
    }


def _normalize(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def clean_lines(raw: Any) -> list[dict[str, str]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise ValidationError({"billing_lines": [_("Une liste de lignes est attendue.")]})
    if len(raw) > MAX_LINES:
        raise ValidationError({"billing_lines": [_("Au plus %(n)d lignes.") % {"n": MAX_LINES}]})
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, line in enumerate(raw):
        try:
            cleaned.append(clean_line(line, index))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


@dataclass(frozen=True)
class LineAmounts:
    total_excl_tax: Decimal
    tax: Decimal

    @property
    def total_incl_tax(self) -> Decimal:
        return self.total_excl_tax + self.tax


def line_amounts(line: dict[str, str]) -> LineAmounts:
    excl = (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(CENT, rounding=ROUND_HALF_UP)
    tax = (excl * VAT_RATES[line["vat_rate"]]).quantize(CENT, rounding=ROUND_HALF_UP)
    return LineAmounts(excl, tax)


@dataclass(frozen=True)
class Totals:
    excl_tax: Decimal
    tax: Decimal
    incl_tax: Decimal


def totals(lines: list[dict[str, str]]) -> Totals:
    excl = Decimal("0.00")
    tax = Decimal("0.00")
    for line in lines:
        amounts = line_amounts(line)
        excl += amounts.total_excl_tax
        tax += amounts.tax
    return Totals(excl, tax, excl + tax)
