"""OAuth 2.0 authorization-code server shaped like Pennylane's (``/oauth/authorize|token|revoke``)."""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import state
from .models import AccessToken, AuthorizationCode, Company, OAuthClient, token_hash

ACCESS_TTL = dt.timedelta(seconds=86_400)
REFRESH_TTL = dt.timedelta(days=90)
CODE_TTL = dt.timedelta(minutes=10)
LOOPBACK = re.compile(r"^http://(127\.0\.0\.1|localhost):\d+/")
KNOWN_SCOPES = {
    f"{resource}:{level}"
    for resource in (
        "customer_invoices",
        "customers",
        "products",
        "quotes",
        "billing_subscriptions",
        "commercial_documents",
        "supplier_invoices",
        "suppliers",
        "categories",
        "transactions",
        "bank_accounts",
        "journals",
        "ledger_accounts",
        "ledger_entries",
        "customer_mandates",
        "purchase_requests",
    )
    for level in ("all", "readonly")
} | {
    "customer_invoice_templates:readonly",
    "bank_establishments:readonly",
    "file_attachments:all",
    "pa_registrations:readonly",
    "fiscal_years:readonly",
    "trial_balance:readonly",
    "exports:fec",
    "exports:agl",
    "exports:gl",
    "ledger",
}


def redirect_allowed(client: OAuthClient, uri: str) -> bool:
    if client.allow_loopback and LOOPBACK.match(uri):
        return True
    return any(uri.startswith(prefix) for prefix in client.redirect_prefixes.split() if prefix)


def _with_params(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _oauth_error(code: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": code, "error_description": description}, status=status)


@csrf_exempt  # a local emulator with no login; the decision form carries the request itself
def authorize(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    client = OAuthClient.objects.filter(client_id=client_id).first()
    if client is None or not redirect_uri or not redirect_allowed(client, redirect_uri):
        # RFC 6749 4.1.2.1: never redirect to an unverified URI.
        message = "Application inconnue ou adresse de retour (redirect_uri) non autorisée."
        return render(request, "sandbox/oauth_error.html", {"message": message}, status=400)
    state_value = params.get("state")
    extra = {"state": state_value} if state_value is not None else {}
    if params.get("response_type") != "code":
        return HttpResponseRedirect(
            _with_params(redirect_uri, {"error": "unsupported_response_type", **extra})
        )
    scopes = params.get("scope", "").split()
    unknown = [s for s in scopes if s not in KNOWN_SCOPES]
    if not scopes or unknown:
        return HttpResponseRedirect(_with_params(redirect_uri, {"error": "invalid_scope", **extra}))
    if request.method == "GET":
        context: dict[str, Any] = {
            "client": client,
            "params": {k: params.get(k, "") for k in ("client_id", "redirect_uri", "response_type", "scope")},
            "state": state_value,
            "scopes": scopes,
            "companies": Company.objects.all(),
        }
        return render(request, "sandbox/authorize.html", context)
    if params.get("decision") != "allow":
        return HttpResponseRedirect(_with_params(redirect_uri, {"error": "access_denied", **extra}))
    company = Company.objects.filter(key=params.get("company", "")).first()
    if company is None:
        return render(request, "sandbox/oauth_error.html", {"message": "Choisissez une société."}, status=400)
    code = secrets.token_urlsafe(32)
    AuthorizationCode.objects.create(
        code_hash=token_hash(code),
        client=client,
        company=company,
        scopes=" ".join(scopes),
        redirect_uri=redirect_uri,
        expires_at=timezone.now() + CODE_TTL,
    )
    return HttpResponseRedirect(_with_params(redirect_uri, {"code": code, **extra}))


def issue_pair(client: OAuthClient | None, company: Company, scopes: str) -> dict[str, Any]:
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = timezone.now()
    AccessToken.objects.create(
        access_hash=token_hash(access),
        refresh_hash=token_hash(refresh),
        client=client,
        company=company,
        scopes=scopes,
        access_expires_at=now + ACCESS_TTL,
        refresh_expires_at=now + REFRESH_TTL,
    )
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_TTL.total_seconds()),
        "refresh_token": refresh,
        "scope": scopes,
        "created_at": int(now.timestamp()),
    }


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode()
        except (ValueError, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _authenticate_client(request: HttpRequest) -> OAuthClient | None:
    client_id, secret = _client_credentials(request)
    client = OAuthClient.objects.filter(client_id=client_id).first()
    if client is None or not secrets.compare_digest(client.secret_hash, token_hash(secret)):
        return None
    return client


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _oauth_error("invalid_request", "POST required", status=405)
    client = _authenticate_client(request)
    if client is None:
        return _oauth_error("invalid_client", "Client authentication failed.", status=401)
    grant_type = request.POST.get("grant_type")
    now = timezone.now()
    if grant_type == "authorization_code":
        raw = request.POST.get("code", "")
        with transaction.atomic():
            grant = AuthorizationCode.objects.filter(code_hash=token_hash(raw), client=client).first()
            if grant is None or grant.expires_at <= now:
                return _oauth_error("invalid_grant", "The authorization code is invalid or expired.")
            if grant.redirect_uri != request.POST.get("redirect_uri"):
                return _oauth_error("invalid_grant", "The redirect_uri does not match.")
            # Single use: the conditional update lets one concurrent caller win.
            if not AuthorizationCode.objects.filter(pk=grant.pk, used=False).update(used=True):
                return _oauth_error("invalid_grant", "The authorization code has already been used.")
            body = issue_pair(client, grant.company, grant.scopes)
        return JsonResponse(body, headers={"Cache-Control": "no-store"})
    if grant_type == "refresh_token":
        raw = request.POST.get("refresh_token", "")
        with transaction.atomic():
            old = AccessToken.objects.filter(refresh_hash=token_hash(raw), client=client).first()
            if old is None or old.refresh_used or (old.refresh_expires_at and old.refresh_expires_at <= now):
                return _oauth_error("invalid_grant", "The refresh token is invalid, expired or revoked.")
            # Rotation: the used refresh token and the previous access token both die now.
            if not AccessToken.objects.filter(pk=old.pk, refresh_used=False).update(
                refresh_used=True, revoked=True
            ):
                return _oauth_error("invalid_grant", "The refresh token is invalid, expired or revoked.")
            body = issue_pair(client, old.company, old.scopes)
        state.count_refresh(client.client_id)
        return JsonResponse(body, headers={"Cache-Control": "no-store"})
    return _oauth_error("unsupported_grant_type", "grant_type must be authorization_code or refresh_token.")


@csrf_exempt
def revoke(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _oauth_error("invalid_request", "POST required", status=405)
    client = _authenticate_client(request)
    if client is None:
        return _oauth_error("invalid_client", "Client authentication failed.", status=401)
    digest = token_hash(request.POST.get("token", ""))
    # Either token of a pair revokes the whole pair; unknown tokens are ignored (RFC 7009).
    AccessToken.objects.filter(client=client).filter(access_hash=digest).update(
        revoked=True, refresh_used=True
    )
    AccessToken.objects.filter(client=client).filter(refresh_hash=digest).update(
        revoked=True, refresh_used=True
    )
    return HttpResponse(status=200)
