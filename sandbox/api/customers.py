"""Customers (company and individual) and products."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from ..documents import BusinessError, record_change, to_decimal
from ..models import Customer, Product
from . import render
from .base import FULL, Ctx, Field, as_int, error, get_or_404, not_found, paginate

SIMPLE_FIELDS = (
    "vat_number",
    "reg_no",
    "phone",
    "recipient",
    "reference",
    "notes",
    "billing_iban",
    "payment_conditions",
    "billing_language",
    "emails",
    "billing_address",
    "delivery_address",
    "first_name",
    "last_name",
    "name",
)


def _conflict() -> JsonResponse:
    return error(409, "Conflict with the current state of the target resource. Resource already exists.")


def _apply(obj: Customer, data: dict[str, Any]) -> None:
    for key in SIMPLE_FIELDS:
        if key in data:
            setattr(
                obj,
                key,
                data[key] if data[key] is not None or key in ("reference", "notes", "billing_iban") else "",
            )
    if "ledger_account" in data:
        obj.ledger_account_number = (data["ledger_account"] or {}).get("number")
    if "external_reference" in data:
        obj.external_reference = data["external_reference"]
    if obj.customer_type == Customer.INDIVIDUAL:
        obj.name = f"{obj.first_name} {obj.last_name}".strip()


def _reference_taken(ctx: Ctx, model: Any, reference: str | None, exclude: int | None = None) -> bool:
    if not reference:
        return False
    return (
        model.objects.filter(company=ctx.company, external_reference=reference).exclude(pk=exclude).exists()
    )


def _create(ctx: Ctx, customer_type: str) -> HttpResponse:
    if _reference_taken(ctx, Customer, ctx.body.get("external_reference")):
        return _conflict()
    obj = Customer(company=ctx.company, customer_type=customer_type)
    _apply(obj, ctx.body)
    with transaction.atomic():
        obj.save()
        record_change(ctx.company, "customers", obj.pk, obj.created_at, "insert")
    return JsonResponse(render.customer(ctx, obj), status=201)


def _typed(ctx: Ctx, customer_type: str, id: str) -> Customer | None:
    return get_or_404(Customer.objects.filter(company=ctx.company, customer_type=customer_type), id)


def _update(ctx: Ctx, customer_type: str, id: str) -> HttpResponse:
    obj = _typed(ctx, customer_type, id)
    if obj is None:
        return not_found()
    if _reference_taken(ctx, Customer, ctx.body.get("external_reference"), exclude=obj.pk):
        return _conflict()
    _apply(obj, ctx.body)
    obj.updated_at = timezone.now()
    with transaction.atomic():
        obj.save()
        record_change(ctx.company, "customers", obj.pk, obj.created_at, "update")
    return JsonResponse(render.customer(ctx, obj))


def company_customer_create(ctx: Ctx) -> HttpResponse:
    return _create(ctx, Customer.COMPANY)


def individual_customer_create(ctx: Ctx) -> HttpResponse:
    return _create(ctx, Customer.INDIVIDUAL)


def company_customer_get(ctx: Ctx, id: str) -> HttpResponse:
    obj = _typed(ctx, Customer.COMPANY, id)
    return JsonResponse(render.customer(ctx, obj)) if obj else not_found()


def individual_customer_get(ctx: Ctx, id: str) -> HttpResponse:
    obj = _typed(ctx, Customer.INDIVIDUAL, id)
    return JsonResponse(render.customer(ctx, obj)) if obj else not_found()


def company_customer_update(ctx: Ctx, id: str) -> HttpResponse:
    return _update(ctx, Customer.COMPANY, id)


def individual_customer_update(ctx: Ctx, id: str) -> HttpResponse:
    return _update(ctx, Customer.INDIVIDUAL, id)


def _emails_in(ctx: Ctx) -> Any:
    def query(operator: str, values: list[str]) -> Q:
        wanted = {v.lower() for v in values}
        rows = Customer.objects.filter(company=ctx.company).values_list("pk", "emails")
        return Q(pk__in=[pk for pk, emails in rows if wanted & {e.lower() for e in emails or []}])

    return query


def customer_list(ctx: Ctx) -> HttpResponse:
    fields = {
        "id": Field(FULL, "id", as_int),
        "customer_type": Field(("eq", "not_eq"), "customer_type"),
        "ledger_account_id": Field(("eq", "not_eq"), None, as_int),
        "name": Field(("start_with", "eq"), "name"),
        "external_reference": Field(("start_with", "eq", "not_eq", "in", "not_in"), "external_reference"),
        "reg_no": Field(("eq", "not_eq", "in", "not_in"), "reg_no"),
        "emails": Field(("in",), custom=_emails_in(ctx)),
    }
    qs = Customer.objects.filter(company=ctx.company)
    return paginate(ctx, qs, lambda c: render.customer(ctx, c, with_type=True), fields=fields)


def customer_get(ctx: Ctx, id: str) -> HttpResponse:
    obj = get_or_404(Customer.objects.filter(company=ctx.company), id)
    return JsonResponse(render.customer(ctx, obj, with_type=True)) if obj else not_found()


# ---- products ----------------------------------------------------------------------------------

PRODUCT_FIELDS = ("label", "vat_rate", "unit", "currency", "reference", "ledger_account_id", "description")


def _apply_product(obj: Product, data: dict[str, Any]) -> None:
    for key in PRODUCT_FIELDS:
        if key in data:
            setattr(obj, key, data[key])
    if "price_before_tax" in data:
        if data["price_before_tax"] == "":
            raise BusinessError("price_before_tax can't be blank")
        obj.price_before_tax = to_decimal(data["price_before_tax"], "price_before_tax")
    if "external_reference" in data:
        obj.external_reference = data["external_reference"]


def product_create(ctx: Ctx) -> HttpResponse:
    if _reference_taken(ctx, Product, ctx.body.get("external_reference")):
        return _conflict()
    obj = Product(company=ctx.company)
    _apply_product(obj, ctx.body)
    with transaction.atomic():
        obj.save()
        record_change(ctx.company, "products", obj.pk, obj.created_at, "insert")
    return JsonResponse(render.product(ctx, obj), status=201)


def product_get(ctx: Ctx, id: str) -> HttpResponse:
    obj = get_or_404(Product.objects.filter(company=ctx.company), id)
    return JsonResponse(render.product(ctx, obj)) if obj else not_found()


def product_update(ctx: Ctx, id: str) -> HttpResponse:
    obj = get_or_404(Product.objects.filter(company=ctx.company), id)
    if obj is None:
        return not_found()
    if _reference_taken(ctx, Product, ctx.body.get("external_reference"), exclude=obj.pk):
        return _conflict()
    _apply_product(obj, ctx.body)
    obj.updated_at = timezone.now()
    with transaction.atomic():
        obj.save()
        record_change(ctx.company, "products", obj.pk, obj.created_at, "update")
    return JsonResponse(render.product(ctx, obj))


def product_list(ctx: Ctx) -> HttpResponse:
    fields = {
        "id": Field(FULL, "id", as_int),
        "label": Field(("eq", "in"), "label"),
        "reference": Field(("eq", "in"), "reference"),
        "external_reference": Field(("eq", "not_eq", "in", "not_in"), "external_reference"),
    }
    qs = Product.objects.filter(company=ctx.company)
    return paginate(ctx, qs, lambda p: render.product(ctx, p), fields=fields)
