"""Readable "Historique des modifications": field labels and old → new values in words."""

from __future__ import annotations

from decimal import InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog import billing

from .models import Activity, HistoryEntry, HistoryKind
from .status import CancelReason, Status

DATETIME_FIELDS = {"scheduled_start", "scheduled_end", "closed_at", "cancelled_at"}


def field_label(name: str) -> str:
    if name == "assignees":
        return _("Intervenants")
    try:
        return capfirst(str(Activity._meta.get_field(name.removesuffix("_id")).verbose_name))
    except FieldDoesNotExist:
        return name


def _money(value: Any) -> str:
    return formats.number_format(value, decimal_pos=2, use_l10n=True)


def value_text(name: str, value: Any, names: dict[str, dict[str, str]]) -> str:
    if value in (None, "", [], {}):
        return "—"
    if name == "assignees" and isinstance(value, list):
        return ", ".join(names.get("assignees", {}).get(str(v), str(v)) for v in value)
    if name in names:
        return names[name].get(str(value), f"#{value}")
    if name == "status" and value in Status.values:
        return str(Status(value).label)
    if name == "cancel_reason" and value in CancelReason.values:
        return str(CancelReason(value).label)
    if name in DATETIME_FIELDS and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            if timezone.is_aware(parsed):
                parsed = timezone.localtime(parsed)
            return formats.date_format(parsed, "SHORT_DATETIME_FORMAT")
    if name == "billing_lines" and isinstance(value, list):
        try:
            totals = billing.totals(value)
        except (KeyError, TypeError, ValueError, InvalidOperation):
            return ngettext("%(n)d ligne", "%(n)d lignes", len(value)) % {"n": len(value)}
        return ngettext("%(n)d ligne, %(total)s HT", "%(n)d lignes, %(total)s HT", len(value)) % {
            "n": len(value),
            "total": _money(totals.excl_tax),
        }
    if isinstance(value, dict):
        return ", ".join(f"{k} : {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def readable_changes(entry: HistoryEntry, names: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    for name, pair in (entry.changes or {}).items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        if entry.kind == HistoryKind.CREATED and new in (None, "", [], {}):
            continue  # a creation lists what was filled in
        rows.append(
            {
                "field": name,
                "label": field_label(name),
                "old": value_text(name, old, names),
                "new": value_text(name, new, names),
            }
        )
    return rows


def annotate_history(entries: list[HistoryEntry], names: dict[str, dict[str, str]]) -> list[HistoryEntry]:
    for entry in entries:
        entry.readable_changes = readable_changes(entry, names)  # type: ignore[attr-defined]
    return entries
