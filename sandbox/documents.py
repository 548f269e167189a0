"""Invoices and quotes: lines, totals, numbering and finalization rules."""

from __future__ import annotations

import datetime as dt
import re
import threading
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import ChangeEvent, Company, Customer, Document, Line, Product

CENT = Decimal("0.01")
# Number allocation must be continuous even with concurrent finalizations.
_numbering_lock = threading.Lock()


class BusinessError(Exception):
    """Becomes ``{"error": message, "status": status}`` (422 unless told)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def plain(value: Decimal) -> str:
    """A decimal string without a useless exponent or trailing zeros: "2", "12.5"."""
    text = format(value.normalize(), "f")
    return text


def vat_percent(code: str) -> Decimal:
    """``FR_200`` -> 20, ``FR_55`` -> 5.5, ``FR_1_05`` -> 1.05; exempt/intracom/extracom... -> 0."""
    match = re.fullmatch(r"[A-Z]{2}_(\d+)(?:_(\d+))?", code)
    if not match:
        return Decimal(0)
    whole, fraction = match.groups()
    if fraction is not None:
        return Decimal(f"{whole}.{fraction}")
    return Decimal(whole) / 10


def to_decimal(value: Any, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise BusinessError(f"{field} is not a valid number", status=400) from exc
    if not result.is_finite():
        raise BusinessError(f"{field} is not a valid number", status=400)
    return result


def record_change(company: Company, resource: str, object_id: int, created_at: Any, operation: str) -> None:
    ChangeEvent.objects.create(
        company=company,
        resource=resource,
        object_id=object_id,
        operation=operation,
        object_created_at=created_at,
    )


def render_prefix(prefix: str, date: dt.date) -> str:
    return (
        prefix.replace("(annee)", f"{date.year:04d}")
        .replace("(mois)", f"{date.month:02d}")
        .replace("(jour)", f"{date.day:02d}")
    )


def _discounted(amount: Decimal, kind: str, value: Decimal) -> Decimal:
    if kind == "absolute":
        return amount - value
    return amount * (1 - value / 100)


def build_line(company: Company, data: dict[str, Any]) -> Line:
    """A line from a request item (product line or standard line); not saved."""
    product = None
    if "product_id" in data:
        product = Product.objects.filter(company=company, pk=data["product_id"]).first()
        if product is None:
            raise BusinessError("Product not found", status=404)
    discount = data.get("discount") or {}
    label = data.get("label", product.label if product else "")
    unit = data.get("unit", product.unit if product else None)
    vat_rate = data.get("vat_rate", product.vat_rate if product else "FR_200")
    price_raw = data.get("raw_currency_unit_price", product.price_before_tax if product else "0")
    return Line(
        product=product,
        label=label,
        description=data.get("description", product.description if product else None),
        unit=unit,
        quantity=to_decimal(data["quantity"], "quantity"),
        raw_currency_unit_price=to_decimal(price_raw, "raw_currency_unit_price"),
        vat_rate=vat_rate,
        discount_type=discount.get("type", "relative"),
        discount_value=to_decimal(discount.get("value") or "0", "discount"),
        section_rank=data.get("section_rank"),
        imputation_dates=data.get("imputation_dates"),
    )


def compute_totals(document: Document, lines: list[Line]) -> None:
    """HT = quantity x unit price - line discount - document discount; VAT per line, cents rounded."""
    gross = [
        _discounted(line.quantity * line.raw_currency_unit_price, line.discount_type, line.discount_value)
        for line in lines
    ]
    total_gross = sum(gross, Decimal(0))
    if document.discount_type == "absolute" and total_gross:
        ratio = (total_gross - document.discount_value) / total_gross
    elif document.discount_type == "absolute":
        ratio = Decimal(1)
    else:
        ratio = 1 - document.discount_value / 100
    for line, amount in zip(lines, gross, strict=True):
        line.amount_before_tax = (amount * ratio).quantize(CENT, rounding=ROUND_HALF_UP)
        line.tax = (line.amount_before_tax * vat_percent(line.vat_rate) / 100).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
    document.amount_before_tax = sum((line.amount_before_tax for line in lines), Decimal(0))
    document.tax = sum((line.tax for line in lines), Decimal(0))
    document.amount = document.amount_before_tax + document.tax


def _allocate_number(company: Company, kind: str, date: dt.date) -> str:
    with _numbering_lock:
        locked = Company.objects.select_for_update().get(pk=company.pk)
        if kind == Document.INVOICE:
            if not locked.invoice_prefix:
                raise BusinessError("Configurez d'abord la numérotation des factures")
            number = f"{render_prefix(locked.invoice_prefix, date)}{locked.invoice_next_number:04d}"
            locked.invoice_next_number += 1
            locked.save(update_fields=["invoice_next_number"])
        else:
            if not locked.quote_prefix:
                raise BusinessError("Configurez d'abord la numérotation des devis")
            number = f"{render_prefix(locked.quote_prefix, date)}{locked.quote_next_number:04d}"
            locked.quote_next_number += 1
            locked.save(update_fields=["quote_next_number"])
    return number


def _check_chronology(document: Document) -> None:
    last = (
        Document.objects.filter(company=document.company, kind=Document.INVOICE, draft=False)
        .exclude(pk=document.pk)
        .order_by("-date")
        .first()
    )
    if last is not None and document.date < last.date:
        raise BusinessError(
            "La date de la facture ne peut pas être antérieure à celle de la dernière facture "
            f"finalisée ({last.date:%d/%m/%Y})"
        )


def _finalize_in_place(document: Document) -> None:
    _check_chronology(document)
    document.number = _allocate_number(document.company, Document.INVOICE, document.date)
    document.draft = False
    document.finalized_at = timezone.now()


def _resource(kind: str) -> str:
    return "customer_invoices" if kind == Document.INVOICE else "quotes"


@transaction.atomic
def document_create(
    *, company: Company, kind: str, data: dict[str, Any], quote: Document | None = None
) -> Document:
    customer = Customer.objects.filter(company=company, pk=data["customer_id"]).first()
    if customer is None:
        raise BusinessError("Customer not found", status=404)
    reference = data.get("external_reference")
    if (
        reference
        and Document.objects.filter(company=company, kind=kind, external_reference=reference).exists()
    ):
        raise BusinessError("External reference has already been taken")
    discount = data.get("discount") or {}
    document = Document(
        company=company,
        kind=kind,
        customer=customer,
        label=data.get("label"),
        date=dt.date.fromisoformat(data["date"]),
        deadline=dt.date.fromisoformat(data["deadline"]),
        currency=data.get("currency", "EUR"),
        language=data.get("language", customer.billing_language),
        pdf_invoice_subject=data.get("pdf_invoice_subject") or "",
        pdf_invoice_free_text=data.get("pdf_invoice_free_text") or "",
        pdf_description=data.get("pdf_description"),
        special_mention=data.get("special_mention"),
        discount_type=discount.get("type", "relative"),
        discount_value=to_decimal(discount.get("value") or "0", "discount"),
        transaction_reference=data.get("transaction_reference"),
        template_id=data.get("customer_invoice_template_id") or data.get("quote_template_id"),
        quote=quote,
    )
    if reference:
        document.external_reference = reference
    lines = data.get("_lines") or [build_line(company, item) for item in data["invoice_lines"]]
    compute_totals(document, lines)
    if kind == Document.QUOTE:
        document.draft = False
        document.quote_status = "pending"
        document.number = _allocate_number(company, Document.QUOTE, document.date)
    elif data.get("draft") is not True:
        _finalize_in_place(document)
    document.save()
    document.ledger_entry_id = 900000 + document.pk
    if document.label is None:
        # Pennylane fills the accounting label when omitted; this format is the sandbox's choice.
        kind_label = "Facture" if kind == Document.INVOICE else "Devis"
        document.label = f"{kind_label} {customer.name} - {document.date:%d/%m/%Y}"
    document.save(update_fields=["ledger_entry_id", "label"])
    for line in lines:
        line.pk = None
        line.document = document
    Line.objects.bulk_create(lines)
    record_change(company, _resource(kind), document.pk, document.created_at, "insert")
    return document


@transaction.atomic
def invoice_finalize(document: Document) -> Document:
    if not document.draft:
        raise BusinessError("La facture est déjà finalisée")
    _finalize_in_place(document)
    document.updated_at = timezone.now()
    document.save()
    record_change(document.company, "customer_invoices", document.pk, document.created_at, "update")
    return document


@transaction.atomic
def invoice_mark_as_paid(document: Document) -> None:
    if document.draft:
        raise BusinessError("Une facture brouillon ne peut pas être marquée comme payée")
    document.paid = True
    document.updated_at = timezone.now()
    document.save(update_fields=["paid", "updated_at"])
    record_change(document.company, "customer_invoices", document.pk, document.created_at, "update")


@transaction.atomic
def invoice_create_from_quote(*, quote: Document, data: dict[str, Any]) -> Document:
    source_lines = list(Line.objects.filter(document=quote))
    payload: dict[str, Any] = {
        "customer_id": quote.customer_id,
        "date": timezone.localdate().isoformat(),
        "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "currency": quote.currency,
        "language": quote.language,
        "label": None,
        "pdf_invoice_subject": quote.pdf_invoice_subject,
        "pdf_invoice_free_text": quote.pdf_invoice_free_text,
        "pdf_description": quote.pdf_description,
        "special_mention": quote.special_mention,
        "discount": {"type": quote.discount_type, "value": str(quote.discount_value)},
        "draft": data["draft"],
        "_lines": source_lines,
    }
    for key in ("external_reference", "customer_invoice_template_id"):
        if key in data:
            payload[key] = data[key]
    invoice = document_create(company=quote.company, kind=Document.INVOICE, data=payload, quote=quote)
    quote_set_status(quote, "invoiced")
    return invoice


def quote_set_status(quote: Document, status: str) -> None:
    quote.quote_status = status
    quote.updated_at = timezone.now()
    quote.save(update_fields=["quote_status", "updated_at"])
    record_change(quote.company, "quotes", quote.pk, quote.created_at, "update")


def invoice_status(document: Document) -> str:
    if document.draft:
        return "draft"
    if document.paid:
        return "paid"
    return "late" if document.deadline < timezone.localdate() else "upcoming"


def pdf_ready_at(document: Document, delay: float) -> dt.datetime:
    start = document.finalized_at or document.created_at
    return start + dt.timedelta(seconds=delay)
