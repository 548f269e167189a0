"""Trigger conditions, evaluated in Python on plain values (no query per trigger).

A condition is {"field": ..., "operator": ..., "value": ...}. Fields: an activity field
("status", "title", ...), "custom.<code>" for a custom field, "customer.<field>" for the
customer, "total_excl_tax" / "total_incl_tax" for the billing totals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

OPERATORS = {
    "eq": gettext_lazy("est égal à"),
    "neq": gettext_lazy("est différent de"),
    "in": gettext_lazy("fait partie de"),
    "not_in": gettext_lazy("ne fait pas partie de"),
    "empty": gettext_lazy("est vide"),
    "not_empty": gettext_lazy("n'est pas vide"),
    "gt": gettext_lazy("est supérieur à"),
    "lt": gettext_lazy("est inférieur à"),
}
NO_VALUE_OPERATORS = {"empty", "not_empty"}

ACTIVITY_FIELDS = {
    "status": gettext_lazy("Statut"),
    "title": gettext_lazy("Titre"),
    "reference": gettext_lazy("Référence"),
    "comment": gettext_lazy("Commentaire"),
    "address": gettext_lazy("Adresse"),
    "postal_code": gettext_lazy("Code postal"),
    "city": gettext_lazy("Ville"),
    "scheduled_start": gettext_lazy("Début prévu"),
    "closed_at": gettext_lazy("Date de clôture"),
    "cancel_reason": gettext_lazy("Motif d'annulation"),
    "total_excl_tax": gettext_lazy("Total HT"),
    "total_incl_tax": gettext_lazy("Total TTC"),
}
CUSTOMER_FIELDS = {
    "customer.kind": gettext_lazy("Client : type"),
    "customer.reference": gettext_lazy("Client : référence"),
    "customer.name": gettext_lazy("Client : nom"),
    "customer.city": gettext_lazy("Client : ville"),
    "customer.postal_code": gettext_lazy("Client : code postal"),
    "customer.country": gettext_lazy("Client : pays"),
    "customer.emails": gettext_lazy("Client : e-mails"),
    "customer.vat_number": gettext_lazy("Client : numéro de TVA"),
    "customer.siren": gettext_lazy("Client : SIREN"),
}
CUSTOM_FIELD = re.compile(r"^custom\.[a-z0-9_]{1,50}$")
CUSTOMER_CUSTOM_FIELD = re.compile(r"^customer\.custom\.[a-z0-9_]{1,50}$")


def field_choices() -> list[tuple[str, Any]]:
    return list(ACTIVITY_FIELDS.items()) + list(CUSTOMER_FIELDS.items())


def clean_conditions(raw: Any) -> list[dict[str, Any]]:
    """Validate conditions; errors are keyed ``conditions[i].<part>``."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > 30:
        raise ValidationError({"conditions": [_("Une liste de 30 conditions au plus est attendue.")]})
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, item in enumerate(raw):
        key = f"conditions[{index}]"
        if not isinstance(item, dict):
            errors[key] = [_("Une condition doit être un objet {field, operator, value}.")]
            continue
        field = str(item.get("field") or "")
        operator = str(item.get("operator") or "")
        value = item.get("value", "")
        if not (field in ACTIVITY_FIELDS or field in CUSTOMER_FIELDS or CUSTOM_FIELD.match(field)):
            errors[f"{key}.field"] = [
                _("Champ inconnu : utilisez un champ de l'activité, custom.<code> ou customer.<champ>.")
            ]
        if operator not in OPERATORS:
            errors[f"{key}.operator"] = [_("Opérateur inconnu.")]
        if operator in ("in", "not_in"):
            if isinstance(value, str):
                value = [part.strip() for part in value.split(",") if part.strip()]
            if not isinstance(value, list) or not value:
                errors[f"{key}.value"] = [_("Une liste de valeurs est attendue.")]
        elif operator in ("gt", "lt"):
            if _number(value) is None:
                errors[f"{key}.value"] = [_("Un nombre est attendu.")]
        elif operator in NO_VALUE_OPERATORS:
            value = ""
        elif isinstance(value, list | dict):
            errors[f"{key}.value"] = [_("Une valeur simple est attendue.")]
        if isinstance(value, str) and (len(value) > 500 or "\x00" in value):
            errors[f"{key}.value"] = [_("Valeur invalide (500 caractères au plus).")]
        cleaned.append({"field": field, "operator": operator, "value": value})
    if errors:
        raise ValidationError(errors)
    return cleaned


def needs_customer(conditions: list[dict[str, Any]]) -> bool:
    return any(str(c.get("field", "")).startswith("customer.") for c in conditions)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value).strip().lower()


_TRUE = {"true", "oui", "yes", "1"}
_FALSE = {"false", "non", "no", "0"}


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list):
        return any(_equal(item, expected) for item in actual)
    a, b = _number(actual), _number(expected)
    if a is not None and b is not None:
        return a == b
    ta, tb = _text(actual), _text(expected)
    if ta in _TRUE | _FALSE and tb in _TRUE | _FALSE:
        return (ta in _TRUE) == (tb in _TRUE)
    return ta == tb


def evaluate_one(condition: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    actual = values.get(condition["field"])
    operator, expected = condition["operator"], condition.get("value")
    if operator == "empty":
        return actual in (None, "", [], {})
    if operator == "not_empty":
        return actual not in (None, "", [], {})
    if operator == "eq":
        return _equal(actual, expected)
    if operator == "neq":
        return not _equal(actual, expected)
    if operator == "in":
        return any(_equal(actual, option) for option in expected or [])
    if operator == "not_in":
        return not any(_equal(actual, option) for option in expected or [])
    a, b = _number(actual), _number(expected)
    if a is None or b is None:
        return False
    return a > b if operator == "gt" else a < b


def evaluate(conditions: list[dict[str, Any]], logic: str, values: Mapping[str, Any]) -> bool:
    """No condition means "always"; ET needs all, OU needs one."""
    if not conditions:
        return True
    results = (evaluate_one(condition, values) for condition in conditions)
    return any(results) if logic == "or" else all(results)
