"""From a firing's snapshot to the body of a Pennylane invoice or quote (API v2).

Reference: postCustomerInvoices / postQuotes in the official spec. Amounts are decimal
strings, quantities JSON numbers, VAT codes such as FR_200 (api-notes.md sections 1, 7).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

VARIABLE = re.compile(r"\{([a-z_]+(?:\.[a-z0-9_]+)+)\}")
KNOWN_VARIABLES = {
    "activity.reference",
    "activity.title",
    "activity.comment",
    "activity.address",
    "activity.scheduled_date",
    "activity.closed_date",
    "activity.assignees",
    "activity.total_excl_tax",
    "activity.total_incl_tax",
    "customer.name",
    "customer.reference",
}
TRANSFERABLE_FIELDS = ("title", "reference", "comment", "address", "dates", "assignees")


def check_template(text: str) -> None:
    for name in VARIABLE.findall(text or ""):
        if name in KNOWN_VARIABLES or re.fullmatch(r"activity\.custom\.[a-z0-9_]+", name):
            continue
        raise ValidationError({"config.free_text": [_("Variable inconnue : {%(name)s}.") % {"name": name}]})


def _date_part(iso: str | None) -> str:
    return iso[:10] if iso else ""


def _french_date(iso: str | None) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso[:10])
    return day.strftime("%d/%m/%Y")


def render(text: str, snapshot: dict[str, Any]) -> str:
    activity = snapshot["activity"]
    customer = snapshot.get("customer") or {}
    values = {
        "activity.reference": activity["reference"],
        "activity.title": activity["title"],
        "activity.comment": activity["comment"],
        "activity.address": _address(activity),
        "activity.scheduled_date": _french_date(activity.get("scheduled_start")),
        "activity.closed_date": _french_date(activity.get("closed_at")),
        "activity.assignees": ", ".join(activity.get("assignees") or []),
        "activity.total_excl_tax": activity.get("total_excl_tax", ""),
        "activity.total_incl_tax": activity.get("total_incl_tax", ""),
        "customer.name": customer.get("name", ""),
        "customer.reference": customer.get("reference", ""),
    }
    for code, value in (activity.get("custom_fields") or {}).items():
        values[f"activity.custom.{code}"] = "" if value is None else str(value)
    return VARIABLE.sub(lambda m: str(values.get(m.group(1), m.group(0))), text or "")


def _address(activity: dict[str, Any]) -> str:
    return ", ".join(
        p
        for p in (
            activity.get("address"),
            f"{activity.get('postal_code', '')} {activity.get('city', '')}".strip(),
        )
        if p
    )


def _quantity(text: str) -> int | float:
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def lines(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": line["label"][:500],
            "quantity": _quantity(line["quantity"]),
            "unit": line.get("unit") or "piece",
            "raw_currency_unit_price": line["unit_price"],
            "vat_rate": line["vat_rate"],
            **({"description": line["description"][:5000]} if line.get("description") else {}),
        }
        for line in snapshot["activity"].get("billing_lines") or []
    ]


def document_date(config: dict[str, Any], snapshot: dict[str, Any], today: dt.date) -> dt.date:
    rule = config.get("date_rule", "firing_date")
    activity = snapshot["activity"]
    if rule == "closure_date" and activity.get("closed_at"):
        return dt.date.fromisoformat(activity["closed_at"][:10])
    if rule == "scheduled_date" and activity.get("scheduled_start"):
        return dt.date.fromisoformat(activity["scheduled_start"][:10])
    return today


def free_text(config: dict[str, Any], snapshot: dict[str, Any]) -> str:
    """The selected fields, then the administrator's own text, for the PDF's free text."""
    activity = snapshot["activity"]
    fields = set(config.get("fields") or [])
    parts: list[str] = []
    if "reference" in fields:
        parts.append(_("Référence : %(v)s") % {"v": activity["reference"]})
    if "address" in fields and _address(activity):
        parts.append(_("Adresse d'intervention : %(v)s") % {"v": _address(activity)})
    if "dates" in fields:
        if activity.get("scheduled_start"):
            parts.append(_("Date prévue : %(v)s") % {"v": _french_date(activity["scheduled_start"])})
        if activity.get("closed_at"):
            parts.append(_("Date de clôture : %(v)s") % {"v": _french_date(activity["closed_at"])})
    if "assignees" in fields and activity.get("assignees"):
        parts.append(_("Intervenants : %(v)s") % {"v": ", ".join(activity["assignees"])})
    for code in config.get("custom_fields") or []:
        value = (activity.get("custom_fields") or {}).get(code)
        if value not in (None, ""):
            parts.append(f"{code} : {value}")
    text = render(config.get("free_text") or "", snapshot).strip()
    if text:
        parts.append(text)
    return "\n".join(parts)[:5000]


def payload(
    config: dict[str, Any],
    snapshot: dict[str, Any],
    *,
    customer_id: int,
    external_reference: str,
    today: dt.date,
) -> dict[str, Any]:
    activity = snapshot["activity"]
    fields = set(config.get("fields") or [])
    date = document_date(config, snapshot, today)
    body: dict[str, Any] = {
        "date": date.isoformat(),
        "deadline": (date + dt.timedelta(days=int(config.get("deadline_days", 30)))).isoformat(),
        "customer_id": customer_id,
        "external_reference": external_reference,
        "currency": "EUR",
        "language": config.get("language", "fr_FR"),
        "invoice_lines": lines(snapshot),
    }
    if "title" in fields:
        body["pdf_invoice_subject"] = activity["title"][:500]
    if "comment" in fields and activity.get("comment"):
        body["pdf_description"] = activity["comment"][:5000]
    text = free_text(config, snapshot)
    if text:
        body["pdf_invoice_free_text"] = text
    if config.get("document", "invoice") == "invoice":
        body["draft"] = config.get("invoice_mode", "draft") == "draft"
        body["label"] = f"{activity['reference']} {activity['title']}"[:250]
    return body
