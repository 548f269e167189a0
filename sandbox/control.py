"""Test control API under ``/__sandbox__/`` (only when ``SANDBOX_FAULTS=1``); see README.md."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import conf, state
from .api.base import iso
from .models import AccessToken, Company, Customer, Document, OAuthClient, Product, SentEmail, token_hash
from .oauth import issue_pair
from .seed import INVOICE_PREFIX, QUOTE_PREFIX, wipe_data

View = Callable[[HttpRequest, dict[str, Any]], HttpResponse]


def control(func: View) -> Callable[[HttpRequest], HttpResponse]:
    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        if not conf.faults_enabled():
            raise Http404("fault control is disabled (SANDBOX_FAULTS=1 enables it)")
        try:
            body = json.loads(request.body) if request.body.strip() else {}
        except ValueError:
            return JsonResponse({"error": "invalid JSON"}, status=400)
        return func(request, body)

    return view


def _company(body: dict[str, Any]) -> Company:
    company = Company.objects.filter(key=body.get("company", "demo")).first()
    if company is None:
        raise Http404("unknown company")
    return company


@control
def reset(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    wipe_data()
    state.reset()
    return JsonResponse({"ok": True})


@control
def faults(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    if request.method == "DELETE":
        state.STATE.faults.clear()
        return JsonResponse({"ok": True})
    if request.method == "GET":
        return JsonResponse({"faults": [vars(rule) for rule in state.STATE.faults]})
    rule = state.FaultRule(
        method=str(body.get("method", "*")).upper(),
        path_regex=body["path_regex"],
        status=body.get("status"),
        times=int(body.get("times", 1)),
        latency=body.get("latency"),
        drop_after_commit=bool(body.get("drop_after_commit", False)),
        body=body.get("body"),
    )
    state.add_fault(rule)
    return JsonResponse({"ok": True}, status=201)


@control
def force_429(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    state.STATE.force_429_until = time.time() + float(body.get("seconds", 10))
    return JsonResponse({"ok": True})


@control
def expire_access_token(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    count = AccessToken.objects.filter(access_hash=token_hash(body.get("token", ""))).update(
        access_expires_at=timezone.now()
    )
    return JsonResponse({"expired": count}, status=200 if count else 404)


@control
def revoke_all(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """As if the user disconnected the application in Pennylane: every token of the company dies."""
    qs = AccessToken.objects.all()
    if body.get("company"):
        qs = qs.filter(company=_company(body))
    return JsonResponse({"revoked": qs.update(revoked=True, refresh_used=True)})


@control
def lose_next_token_response(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    state.restore_lose_token_response()
    return JsonResponse({"ok": True})


@control
def tokens(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    client = OAuthClient.objects.get(client_id=conf.demo_client_id())
    scopes = body.get("scopes") or ["customers:all", "products:all", "customer_invoices:all", "quotes:all"]
    with transaction.atomic():
        pair = issue_pair(client, _company(body), " ".join(scopes))
    return JsonResponse(pair, status=201)


@control
def ledger(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    rows: list[dict[str, Any]] = []
    for customer in Customer.objects.select_related("company").order_by("id"):
        rows.append(_row("customer", customer, customer.company.key, None))
    for product in Product.objects.select_related("company").order_by("id"):
        rows.append(_row("product", product, product.company.key, None))
    for doc in Document.objects.select_related("company").order_by("id"):
        rows.append(_row(doc.kind, doc, doc.company.key, doc.number or None))
    rows.sort(key=lambda row: row["created_at"])
    return JsonResponse({"items": rows})


def _row(kind: str, obj: Any, company: str, number: str | None) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": obj.pk,
        "company": company,
        "external_reference": obj.external_reference,
        "number": number,
        "created_at": iso(obj.created_at),
    }


@control
def emails(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    items = [
        {
            "company": mail.company.key,
            "document_kind": mail.document.kind,
            "document_id": mail.document_id,
            "recipients": mail.recipients,
            "subject": mail.subject,
            "sent_at": iso(mail.sent_at),
        }
        for mail in SentEmail.objects.select_related("company", "document").order_by("id")
    ]
    return JsonResponse({"items": items})


@control
def stats(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    counts = dict(state.STATE.requests)
    return JsonResponse(
        {
            "api_requests": counts.get("api", 0),
            "responses_429": counts.get("429", 0),
            "token_requests": counts.get("oauth_token", 0),
            "refreshes": dict(state.STATE.refreshes),
            "by_status": {k[7:]: v for k, v in counts.items() if k.startswith("status_")},
        }
    )


@control
def pdf_delay(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    state.STATE.pdf_delay = float(body["seconds"])
    return JsonResponse({"pdf_delay": state.STATE.pdf_delay})


@control
def numbering(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    company = _company(body)
    fields = []
    if "invoices" in body:
        company.invoice_prefix = INVOICE_PREFIX if body["invoices"] else None
        fields.append("invoice_prefix")
    if "quotes" in body:
        company.quote_prefix = QUOTE_PREFIX if body["quotes"] else None
        fields.append("quote_prefix")
    company.save(update_fields=fields)
    return JsonResponse({"invoice_prefix": company.invoice_prefix, "quote_prefix": company.quote_prefix})
