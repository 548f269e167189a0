"""Customer invoices and quotes: create, list, get, finalize, send, pay, convert, lines."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from .. import documents as services
from ..models import Document, Line, SentEmail
from ..state import STATE
from . import render
from .base import FULL, Ctx, Field, as_bool, as_date, as_int, error, get_or_404, not_found, paginate

INVOICE_FILTERS = {
    "id": Field(FULL, "id", as_int),
    "date": Field(FULL, "date", as_date),
    "customer_id": Field(FULL, "customer_id", as_int),
    "quote_id": Field(FULL, "quote_id", as_int),
    "billing_subscription_id": Field(FULL, None, as_int),
    "invoice_number": Field(("eq", "not_eq", "in", "not_in"), "number"),
    "draft": Field(("eq",), "draft", as_bool),
    # The sandbox never creates credit notes: credit_note=true matches nothing.
    "credit_note": Field(("eq",), custom=lambda op, value: Q(pk__in=[]) if value else Q(), cast=as_bool),
    "external_reference": Field(("eq",), "external_reference"),
    "category_id": Field(("in",), None, as_int),
}
QUOTE_FILTERS = {
    "id": Field(FULL, "id", as_int),
    "customer_id": Field(FULL, "customer_id", as_int),
    "status": Field(("eq", "not_eq", "in", "not_in"), "quote_status"),
}


def _invoices(ctx: Ctx) -> QuerySet[Document]:
    return Document.objects.filter(company=ctx.company, kind=Document.INVOICE)


def _quotes(ctx: Ctx) -> QuerySet[Document]:
    return Document.objects.filter(company=ctx.company, kind=Document.QUOTE)


# ---- invoices ----------------------------------------------------------------------------------


def invoice_create(ctx: Ctx) -> HttpResponse:
    # No idempotency, as in Pennylane: the same body posted twice creates two invoices (unless
    # it repeats an explicit external_reference, which is unique per company).
    doc = services.document_create(company=ctx.company, kind=Document.INVOICE, data=ctx.body)
    return JsonResponse(render.invoice(ctx, doc), status=201)


def invoice_list(ctx: Ctx) -> HttpResponse:
    return paginate(
        ctx, _invoices(ctx), lambda d: render.invoice(ctx, d), fields=INVOICE_FILTERS, sorts=("id", "date")
    )


def invoice_get(ctx: Ctx, id: str) -> HttpResponse:
    doc = get_or_404(_invoices(ctx), id)
    return JsonResponse(render.invoice(ctx, doc)) if doc else not_found()


def invoice_finalize(ctx: Ctx, id: str) -> HttpResponse:
    doc = get_or_404(_invoices(ctx), id)
    if doc is None:
        return not_found()
    return JsonResponse(render.invoice(ctx, services.invoice_finalize(doc)))


def invoice_mark_as_paid(ctx: Ctx, id: str) -> HttpResponse:
    doc = get_or_404(_invoices(ctx), id)
    if doc is None:
        return not_found()
    services.invoice_mark_as_paid(doc)
    return HttpResponse(status=204)


def invoice_create_from_quote(ctx: Ctx) -> HttpResponse:
    quote = get_or_404(_quotes(ctx), ctx.body["quote_id"])
    if quote is None:
        return not_found()
    reference = ctx.body.get("external_reference")
    if reference and _invoices(ctx).filter(external_reference=reference).exists():
        return error(422, "External reference has already been taken")
    doc = services.invoice_create_from_quote(quote=quote, data=ctx.body)
    return JsonResponse(render.invoice(ctx, doc), status=201)


def _send(ctx: Ctx, doc: Document, what: str) -> HttpResponse:
    if doc.kind == Document.INVOICE and doc.draft:
        return error(422, "Une facture brouillon ne peut pas être envoyée")
    if timezone.now() < services.pdf_ready_at(doc, STATE.pdf_delay):
        # Pennylane generates the PDF asynchronously after finalization.
        return error(409, "The PDF is being generated, please retry in a few minutes.")
    recipients = ctx.body.get("recipients") or list(doc.customer.emails)
    if not recipients:
        return error(422, "Le client n'a pas d'adresse e-mail : indiquez des destinataires")
    SentEmail.objects.create(
        company=ctx.company,
        document=doc,
        recipients=recipients,
        subject=f"{what} {doc.number} - {ctx.company.name}",
    )
    return HttpResponse(status=204)


def invoice_send_by_email(ctx: Ctx, id: str) -> HttpResponse:
    doc = get_or_404(_invoices(ctx).select_related("customer"), id)
    return _send(ctx, doc, "Facture") if doc else not_found()


def _lines(ctx: Ctx, doc: Document, *, with_imputation: bool) -> HttpResponse:
    def one(line: Line) -> dict[str, Any]:
        data = render.line(ctx, line)
        if not with_imputation:
            data.pop("imputation_dates")
        return data

    return paginate(ctx, Line.objects.filter(document=doc), one)


def invoice_lines(ctx: Ctx, customer_invoice_id: str) -> HttpResponse:
    doc = get_or_404(_invoices(ctx), customer_invoice_id)
    return _lines(ctx, doc, with_imputation=True) if doc else not_found()


# ---- quotes ------------------------------------------------------------------------------------


def quote_create(ctx: Ctx) -> HttpResponse:
    doc = services.document_create(company=ctx.company, kind=Document.QUOTE, data=ctx.body)
    return JsonResponse(render.quote(ctx, doc), status=201)


def quote_list(ctx: Ctx) -> HttpResponse:
    return paginate(ctx, _quotes(ctx), lambda d: render.quote(ctx, d), fields=QUOTE_FILTERS)


def quote_get(ctx: Ctx, id: str) -> HttpResponse:
    doc = get_or_404(_quotes(ctx), id)
    return JsonResponse(render.quote(ctx, doc)) if doc else not_found()


def quote_update_status(ctx: Ctx, id: str) -> HttpResponse:
    doc = get_or_404(_quotes(ctx), id)
    if doc is None:
        return not_found()
    services.quote_set_status(doc, ctx.body["status"])
    return JsonResponse(render.quote(ctx, doc))


def quote_send_by_email(ctx: Ctx, id: str) -> HttpResponse:
    doc = get_or_404(_quotes(ctx).select_related("customer"), id)
    return _send(ctx, doc, "Devis") if doc else not_found()


def quote_lines(ctx: Ctx, quote_id: str) -> HttpResponse:
    doc = get_or_404(_quotes(ctx), quote_id)
    return _lines(ctx, doc, with_imputation=False) if doc else not_found()
