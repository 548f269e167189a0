"""``GET /me`` and the changelogs."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..models import ChangeEvent
from .base import BadRequest, Ctx, decode_cursor, encode_cursor, error, iso, parse_limit

RETENTION = dt.timedelta(weeks=4)
DEMO_USER = {
    "id": 4242,
    "first_name": "Camille",
    "last_name": "Démo",
    "email": "camille.demo@example.com",
    "locale": "fr",
}


def me(ctx: Ctx) -> HttpResponse:
    company = ctx.company
    return JsonResponse(
        {
            "user": DEMO_USER,
            "company": {"id": company.pk, "name": company.name, "reg_no": company.reg_no},
            "scopes": ctx.token.scope_list,
        }
    )


def _changes(ctx: Ctx, resource: str) -> HttpResponse:
    request = ctx.request
    cursor = request.GET.get("cursor")
    start_raw = request.GET.get("start_date")
    now = timezone.now()
    try:
        limit = parse_limit(request, maximum=1000)
        if cursor and start_raw:
            raise BadRequest("start_date and cursor cannot be used together")
        qs = ChangeEvent.objects.filter(
            company=ctx.company, resource=resource, processed_at__gte=now - RETENTION
        )
        if start_raw:
            start = parse_datetime(start_raw)
            if start is None:
                raise BadRequest("start_date must be an RFC 3339 date-time")
            if timezone.is_naive(start):
                start = timezone.make_aware(start, dt.UTC)
            if start < now - RETENTION:
                return error(422, "start_date must be within the last 4 weeks")
            qs = qs.filter(processed_at__gte=start)
        if cursor:
            _processed, last_id = decode_cursor(cursor)
            qs = qs.filter(id__gt=last_id)
    except BadRequest as exc:
        return error(400, str(exc))
    rows = list(qs.order_by("processed_at", "id")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    items = [
        {
            "id": row.object_id,
            "operation": row.operation,
            "processed_at": iso(row.processed_at),
            "updated_at": iso(row.processed_at),
            "created_at": iso(row.object_created_at),
        }
        for row in rows
    ]
    next_cursor = encode_cursor([iso(rows[-1].processed_at), rows[-1].pk]) if has_more else None
    return JsonResponse({"items": items, "has_more": has_more, "next_cursor": next_cursor})


def invoice_changes(ctx: Ctx) -> HttpResponse:
    return _changes(ctx, "customer_invoices")


def quote_changes(ctx: Ctx) -> HttpResponse:
    return _changes(ctx, "quotes")


TEMPLATE_EPOCH = "2026-01-01T09:00:00.000000Z"


def invoice_templates(ctx: Ctx) -> HttpResponse:
    """``GET /customer_invoice_templates``. UNCONFIRMED: Pennylane creates a default template
    once invoice numbering is set up (api-notes.md 7.9), so a company without numbering has
    none; the product uses that to warn before the first 422."""
    try:
        limit = parse_limit(ctx.request, maximum=100)
    except BadRequest as exc:
        return error(400, str(exc))
    items = []
    if ctx.company.invoice_prefix:
        items.append(
            {
                "id": 7000 + ctx.company.pk,
                "name": "Modèle par défaut",
                "created_at": TEMPLATE_EPOCH,
                "updated_at": TEMPLATE_EPOCH,
            }
        )
    return JsonResponse({"items": items[:limit], "has_more": False, "next_cursor": None})
