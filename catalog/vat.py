"""Pennylane VAT codes (the `vat_rate` enum of the official spec) the product offers, with rates.

Codes are the rate x 10 with a country prefix: FR_55 is 5.5 %, never FR_055
(shared/pennylane/api-notes.md section 7.3).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

VAT_RATES: dict[str, Decimal] = {
    "FR_200": Decimal("0.20"),
    "FR_100": Decimal("0.10"),
    "FR_85": Decimal("0.085"),
    "FR_55": Decimal("0.055"),
    "FR_21": Decimal("0.021"),
    "FR_1_05": Decimal("0.0105"),
    "FR_1_75": Decimal("0.0175"),
    "FR_09": Decimal("0.009"),
    "FR_40": Decimal("0.04"),
    "FR_50": Decimal("0.05"),
    "FR_60": Decimal("0.06"),
    "FR_65": Decimal("0.065"),
    "FR_92": Decimal("0.092"),
    "FR_130": Decimal("0.13"),
    "FR_160": Decimal("0.16"),
    "FR_196": Decimal("0.196"),
    "exempt": Decimal("0"),
    "extracom": Decimal("0"),
    "crossborder": Decimal("0"),
    "intracom_21": Decimal("0"),
    "intracom_55": Decimal("0"),
    "intracom_85": Decimal("0"),
    "intracom_100": Decimal("0"),
    "FR_85_construction": Decimal("0"),
    "FR_100_construction": Decimal("0"),
    "FR_200_construction": Decimal("0"),
}

_LABELS = {
    "FR_200": _("20 % (FR_200)"),
    "FR_100": _("10 % (FR_100)"),
    "FR_85": _("8,5 % (FR_85)"),
    "FR_55": _("5,5 % (FR_55)"),
    "FR_21": _("2,1 % (FR_21)"),
    "exempt": _("Exonéré (exempt)"),
    "extracom": _("Hors UE (extracom)"),
    "crossborder": _("Vente à distance (crossborder)"),
}

VAT_CHOICES: list[tuple[str, object]] = [(code, _LABELS.get(code, code)) for code in VAT_RATES]
DEFAULT_VAT = "FR_200"


def vat_rate(code: str) -> Decimal:
    return VAT_RATES[code]
