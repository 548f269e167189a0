"""Response bodies, key for key as in the spec's response schemas (all keys always present)."""

from __future__ import annotations

from typing import Any

from ..documents import invoice_status, money, plain
from ..models import Customer, Document, Line, Product
from .base import Ctx, iso

EMPTY_ADDRESS = {"address": "", "postal_code": "", "city": "", "country_alpha2": ""}


def customer(ctx: Ctx, obj: Customer, *, with_type: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": obj.pk,
        "name": obj.name,
        "billing_iban": obj.billing_iban,
        "payment_conditions": obj.payment_conditions,
        "recipient": obj.recipient,
        "phone": obj.phone,
        "reference": obj.reference,
        "notes": obj.notes,
    }
    if obj.customer_type == Customer.COMPANY:
        data.update(vat_number=obj.vat_number, reg_no=obj.reg_no)
    else:
        data.update(first_name=obj.first_name, last_name=obj.last_name)
    data.update(
        ledger_account={"id": 4110000 + obj.pk} if obj.ledger_account_number else None,
        emails=list(obj.emails),
        billing_address={**EMPTY_ADDRESS, **obj.billing_address},
        delivery_address={**EMPTY_ADDRESS, **(obj.delivery_address or obj.billing_address)},
        created_at=iso(obj.created_at),
        updated_at=iso(obj.updated_at),
        external_reference=obj.external_reference,
        billing_language=obj.billing_language,
        mandates={"url": ctx.url(f"/customers/{obj.pk}/mandates")},
        pro_account_mandates={"url": ctx.url(f"/customers/{obj.pk}/pro_account_mandates")},
        contacts={"url": ctx.url(f"/customers/{obj.pk}/contacts")},
    )
    if with_type:
        data["customer_type"] = obj.customer_type
    return data


def product(ctx: Ctx, obj: Product) -> dict[str, Any]:
    from ..documents import vat_percent

    price = obj.price_before_tax * (1 + vat_percent(obj.vat_rate) / 100)
    return {
        "id": obj.pk,
        "label": obj.label,
        "description": obj.description,
        "external_reference": obj.external_reference,
        "price_before_tax": plain(obj.price_before_tax),
        "vat_rate": obj.vat_rate,
        "price": money(price),
        "unit": obj.unit,
        "currency": obj.currency,
        "reference": obj.reference,
        "ledger_account": {"id": obj.ledger_account_id} if obj.ledger_account_id else None,
        "archived_at": None,
        "created_at": iso(obj.created_at),
        "updated_at": iso(obj.updated_at),
    }


def public_url(ctx: Ctx, doc: Document) -> str:
    return f"{ctx.base}/public/{doc.kind}/{doc.public_token}/"


def _common(ctx: Ctx, doc: Document, collection: str) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "label": doc.label,
        "currency": doc.currency,
        "amount": money(doc.amount),
        "currency_amount": money(doc.amount),
        "currency_amount_before_tax": money(doc.amount_before_tax),
        "exchange_rate": "1.0",
        "date": doc.date.isoformat(),
        "deadline": doc.deadline.isoformat(),
        "currency_tax": money(doc.tax),
        "tax": money(doc.tax),
        "language": doc.language,
        "discount": {"type": doc.discount_type, "value": plain(doc.discount_value)},
        "special_mention": doc.special_mention,
        "customer": {"id": doc.customer_id, "url": ctx.url(f"/customers/{doc.customer_id}")},
        "invoice_line_sections": {"url": ctx.url(f"/{collection}/{doc.pk}/invoice_line_sections")},
        "invoice_lines": {"url": ctx.url(f"/{collection}/{doc.pk}/invoice_lines")},
        "pdf_invoice_free_text": doc.pdf_invoice_free_text,
        "pdf_invoice_subject": doc.pdf_invoice_subject,
        "pdf_description": doc.pdf_description,
        "appendices": {"url": ctx.url(f"/{collection}/{doc.pk}/appendices")},
        "external_reference": doc.external_reference,
        "archived_at": None,
        "created_at": iso(doc.created_at),
        "updated_at": iso(doc.updated_at),
    }


def invoice(ctx: Ctx, doc: Document) -> dict[str, Any]:
    base = f"/customer_invoices/{doc.pk}"
    remaining = None if doc.draft else ("0.00" if doc.paid else money(doc.amount))
    remaining_ht = None if doc.draft else ("0.00" if doc.paid else money(doc.amount_before_tax))
    data = _common(ctx, doc, "customer_invoices")
    data.update(
        invoice_number=doc.number,
        paid=doc.paid,
        status=invoice_status(doc),
        draft=doc.draft,
        ledger_entry={"id": doc.ledger_entry_id or 0},
        public_file_url=None if doc.draft else public_url(ctx, doc),
        filename=None if doc.draft else f"Facture {doc.number}.pdf",
        remaining_amount_with_tax=remaining,
        remaining_amount_without_tax=remaining_ht,
        custom_header_fields={"url": ctx.url(f"{base}/custom_header_fields")},
        categories={"url": ctx.url(f"{base}/categories")},
        billing_subscription=None,
        credited_invoice=None,
        customer_invoice_template={"id": doc.template_id} if doc.template_id else None,
        transaction_reference=doc.transaction_reference,
        payments={"url": ctx.url(f"{base}/payments")},
        matched_transactions={"url": ctx.url(f"{base}/matched_transactions")},
        quote={"id": doc.quote_id} if doc.quote_id else None,
        e_invoicing=None,
    )
    return data


def quote(ctx: Ctx, doc: Document) -> dict[str, Any]:
    data = _common(ctx, doc, "quotes")
    data.update(
        quote_number=doc.number,
        status=doc.quote_status,
        public_file_url=public_url(ctx, doc),
        filename=f"Devis {doc.number}.pdf",
        linked_invoices={"url": ctx.url(f"/quotes/{doc.pk}/linked_invoices")},
        quote_template={"id": doc.template_id} if doc.template_id else None,
    )
    return data


def line(ctx: Ctx, obj: Line) -> dict[str, Any]:
    amount = obj.amount_before_tax + obj.tax
    return {
        "id": obj.pk,
        "label": obj.label,
        "unit": obj.unit,
        "quantity": plain(obj.quantity),
        "amount": money(amount),
        "currency_amount": money(amount),
        "description": obj.description or "",
        "product": {"id": obj.product_id, "url": ctx.url(f"/products/{obj.product_id}")}
        if obj.product_id
        else None,
        "vat_rate": obj.vat_rate,
        "currency_amount_before_tax": money(obj.amount_before_tax),
        "currency_tax": money(obj.tax),
        "tax": money(obj.tax),
        "raw_currency_unit_price": plain(obj.raw_currency_unit_price),
        "discount": {"type": obj.discount_type, "value": plain(obj.discount_value)},
        "section_rank": obj.section_rank,
        "imputation_dates": obj.imputation_dates,
        "created_at": iso(obj.created_at),
        "updated_at": iso(obj.updated_at),
    }
