import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def validate_siren(value: str) -> None:
    compact = value.replace(" ", "")
    if not re.fullmatch(r"\d{9}", compact) or not luhn_ok(compact):
        raise ValidationError(
            _("SIREN invalide : 9 chiffres avec une clé de contrôle correcte."), code="siren"
        )


def validate_vat_number(value: str) -> None:
    compact = value.replace(" ", "").upper()
    if compact.startswith("FR"):
        match = re.fullmatch(r"FR([0-9A-Z]{2})(\d{9})", compact)
        if not match:
            raise ValidationError(
                _("Numéro de TVA invalide : FR, 2 caractères de clé puis le SIREN."), code="vat"
            )
        key, siren = match.groups()
        if key.isdigit() and int(key) != (12 + 3 * (int(siren) % 97)) % 97:
            raise ValidationError(
                _("Numéro de TVA invalide : la clé ne correspond pas au SIREN."), code="vat"
            )
        return
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z+*.]{2,12}", compact):
        raise ValidationError(_("Numéro de TVA invalide : code pays puis 2 à 12 caractères."), code="vat")


def validate_country(value: str) -> None:
    if not re.fullmatch(r"[A-Z]{2}", value or ""):
        raise ValidationError(_("Code pays ISO à 2 lettres attendu (ex. FR)."), code="country")


def validate_no_nul(value: str) -> None:
    if "\x00" in (value or ""):
        raise ValidationError(_("Caractère nul interdit."), code="nul")
