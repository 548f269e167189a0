"""The only module that speaks HTTP to Pennylane (API v2 and OAuth).

One method per operation, each naming its ``operationId`` in the official spec
(shared/pennylane/openapi-v2.json). Every call has a timeout, goes through the shared rate
limiter, and fails with one of ``pennylane.exceptions``. No Django model is imported here, so
the client is tested with nothing but HTTP.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from typing import Any, cast
from urllib.parse import urlsplit

import requests
from django.conf import settings
from oauthlib.oauth2 import OAuth2Error
from requests_oauthlib import OAuth2Session

from . import types as t
from .exceptions import (
    AuthenticationError,
    PennylaneError,
    RateLimitedError,
    ReauthorizationRequired,
    TransientError,
    error_for_status,
    message_from_body,
)
from .ratelimit import RateLimiter, key_for_token

logger = logging.getLogger(__name__)

# Pennylane may grant fewer scopes than asked: we read the granted ones from GET /me instead
# of letting oauthlib raise on the difference.
os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")


def _eq(field: str, value: Any) -> str:
    # The filter is a JSON *string* (a form-style hash is refused with 400, api-notes 3.2).
    return json.dumps([{"field": field, "operator": "eq", "value": value}])


class PennylaneClient:
    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        limiter: RateLimiter | None = None,
        timeout: float | None = None,
        rate_limit_retries: int = 5,
        max_rate_limit_wait: float = 60.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = access_token
        self._key = key_for_token(access_token)
        self.limiter = limiter
        self.timeout = timeout if timeout is not None else settings.PENNYLANE_TIMEOUT
        self.rate_limit_retries = rate_limit_retries
        self.max_rate_limit_wait = max_rate_limit_wait
        self.session = requests.Session()

    def __repr__(self) -> str:  # never the token
        return f"<PennylaneClient {self.base_url}>"

    @property
    def token_key(self) -> str:
        """The hash of the access token (rate-limit key; tells which token a 401 refused)."""
        return self._key

    # --- transport -------------------------------------------------------------------------

    def _request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None
    ) -> Any:
        url = f"{self.base_url}{path}"
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        for attempt in range(self.rate_limit_retries + 1):
            if self.limiter is not None:
                self.limiter.acquire(self._key, max_wait=self.max_rate_limit_wait)
            started = time.monotonic()
            try:
                response = self.session.request(
                    method, url, params=params, json=body, headers=headers, timeout=self.timeout
                )
            except requests.Timeout as e:
                raise TransientError(
                    f"Pennylane n'a pas répondu dans le délai ({self.timeout:.0f} s) : {method} {path}."
                ) from e
            except requests.RequestException as e:
                raise TransientError(f"Pennylane est injoignable : {type(e).__name__}.") from e
            logger.debug(
                "pennylane %s %s -> %s in %.0f ms",
                method,
                path,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            if response.status_code == 429:
                error = cast(RateLimitedError, error_for_status(429, response.text, response.headers))
                if self.limiter is None:
                    raise error
                # Every process backs off together; the wait happens in acquire() and is not an error.
                self.limiter.cooldown(self._key, error.wait_seconds)
                if attempt < self.rate_limit_retries:
                    continue
                raise error
            if response.status_code >= 400:
                raise error_for_status(response.status_code, response.text, response.headers)
            if response.status_code == 204 or not response.content:
                return None
            try:
                return response.json()
            except ValueError as e:
                raise TransientError(
                    f"Réponse illisible de Pennylane (statut {response.status_code})."
                ) from e
        raise AssertionError("unreachable")  # pragma: no cover

    def _get(self, path: str, **params: Any) -> Any:
        return self._request("GET", path, params={k: v for k, v in params.items() if v is not None})

    def _iter(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """All items of a list, page by page. The cursor forgets the filter: re-send it every page."""
        cursor: str | None = None
        while True:
            page = self._get(path, **params, limit=100, cursor=cursor)
            yield from page.get("items", [])
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return

    def _first(self, path: str, field: str, value: Any) -> dict[str, Any] | None:
        page = self._get(path, filter=_eq(field, value), limit=2)
        items = page.get("items", [])
        return items[0] if items else None

    # --- company ---------------------------------------------------------------------------

    def me(self) -> t.Me:
        # Reference: getMe
        return cast(t.Me, self._get("/me"))

    # --- customers -------------------------------------------------------------------------

    def customer_find_by_external_reference(self, ref: str) -> t.Customer | None:
        # Reference: getCustomers
        return cast(t.Customer | None, self._first("/customers", "external_reference", ref))

    def company_customer_create(self, payload: dict[str, Any]) -> t.Customer:
        # Reference: postCompanyCustomer
        return cast(t.Customer, self._request("POST", "/company_customers", body=payload))

    def individual_customer_create(self, payload: dict[str, Any]) -> t.Customer:
        # Reference: postIndividualCustomer
        return cast(t.Customer, self._request("POST", "/individual_customers", body=payload))

    def customer_get(self, id: int) -> t.Customer:
        # Reference: getCustomer
        return cast(t.Customer, self._get(f"/customers/{int(id)}"))

    # --- products --------------------------------------------------------------------------

    def product_create(self, payload: dict[str, Any]) -> t.Product:
        # Reference: postProducts
        return cast(t.Product, self._request("POST", "/products", body=payload))

    def product_get(self, id: int) -> t.Product:
        # Reference: getProduct
        return cast(t.Product, self._get(f"/products/{int(id)}"))

    def products_list(self, external_reference: str | None = None) -> list[t.Product]:
        # Reference: getProducts
        params = {"filter": _eq("external_reference", external_reference)} if external_reference else {}
        return cast(list[t.Product], list(self._iter("/products", params)))

    # --- invoices --------------------------------------------------------------------------

    def invoice_create(self, payload: dict[str, Any]) -> t.Invoice:
        # Reference: postCustomerInvoices
        return cast(t.Invoice, self._request("POST", "/customer_invoices", body=payload))

    def invoice_get(self, id: int) -> t.Invoice:
        # Reference: getCustomerInvoice
        return cast(t.Invoice, self._get(f"/customer_invoices/{int(id)}"))

    def invoice_find_by_external_reference(self, ref: str) -> t.Invoice | None:
        # Reference: getCustomerInvoices
        return cast(t.Invoice | None, self._first("/customer_invoices", "external_reference", ref))

    def invoice_finalize(self, id: int) -> t.Invoice:
        # Reference: finalizeCustomerInvoice
        return cast(t.Invoice, self._request("PUT", f"/customer_invoices/{int(id)}/finalize"))

    def invoice_send_by_email(self, id: int, recipients: list[str] | None = None) -> None:
        # Reference: sendByEmailCustomerInvoice (409 while the PDF is generated: ConflictError)
        body = {"recipients": recipients} if recipients else {}
        self._request("POST", f"/customer_invoices/{int(id)}/send_by_email", body=body)

    def invoice_mark_as_paid(self, id: int) -> None:
        # Reference: markAsPaidCustomerInvoice
        self._request("PUT", f"/customer_invoices/{int(id)}/mark_as_paid")

    def invoice_create_from_quote(
        self, quote_id: int, *, draft: bool, external_reference: str | None = None
    ) -> t.Invoice:
        # Reference: createCustomerInvoiceFromQuote
        body: dict[str, Any] = {"quote_id": int(quote_id), "draft": draft}
        if external_reference:
            body["external_reference"] = external_reference
        return cast(t.Invoice, self._request("POST", "/customer_invoices/create_from_quote", body=body))

    # --- quotes ----------------------------------------------------------------------------

    def quote_create(self, payload: dict[str, Any]) -> t.Quote:
        # Reference: postQuotes
        return cast(t.Quote, self._request("POST", "/quotes", body=payload))

    def quote_get(self, id: int) -> t.Quote:
        # Reference: getQuote
        return cast(t.Quote, self._get(f"/quotes/{int(id)}"))

    def quote_find_by_external_reference(self, ref: str, customer_id: int | None = None) -> t.Quote | None:
        # Reference: listQuotes. It has no external_reference filter: narrow by customer when
        # known and scan the items (the filter is re-sent on every page by _iter).
        params = {"filter": _eq("customer_id", int(customer_id))} if customer_id else {}
        for item in self._iter("/quotes", params):
            if item.get("external_reference") == ref:
                return cast(t.Quote, item)
        return None

    def quote_update_status(self, id: int, status: str) -> t.Quote:
        # Reference: updateStatusQuote
        return cast(
            t.Quote, self._request("PUT", f"/quotes/{int(id)}/update_status", body={"status": status})
        )

    def quote_send_by_email(self, id: int, recipients: list[str] | None = None) -> None:
        # Reference: sendByEmailQuote
        body = {"recipients": recipients} if recipients else {}
        self._request("POST", f"/quotes/{int(id)}/send_by_email", body=body)

    # --- templates --------------------------------------------------------------------------

    def customer_invoice_templates(self) -> list[dict[str, Any]]:
        # Reference: getCustomerInvoiceTemplates
        return list(self._iter("/customer_invoice_templates", {}))

    # --- changelogs ------------------------------------------------------------------------

    def changelogs(self, resource: str, start_date: str | None = None) -> list[t.Change]:
        # Reference: getCustomerInvoicesChanges / getQuoteChanges / getCustomerChanges / getProductChanges
        if resource not in {"customer_invoices", "quotes", "customers", "products"}:
            raise ValueError(f"unsupported changelog resource {resource!r}")
        items: list[t.Change] = []
        cursor: str | None = None
        while True:
            # start_date and cursor together are refused (400): start_date on the first page only.
            params = {"cursor": cursor} if cursor else {"start_date": start_date}
            page = self._get(f"/changelogs/{resource}", limit=1000, **params)
            items.extend(page.get("items", []))
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return items


def _allow_loopback_http(url: str) -> None:
    # oauthlib refuses http:// URLs; the local sandbox is http on the loopback only.
    # Real Pennylane is https, so this changes nothing there.
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1"):
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"


class PennylaneOAuth:
    """The OAuth authorization-code flow (requests-oauthlib) plus explicit refresh and revoke.

    No auto-refresh: refresh tokens are single-use, so the caller refreshes under a row lock
    (services.client_for_connection).
    """

    def __init__(
        self,
        *,
        authorize_url: str,
        token_url: str,
        revoke_url: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        scopes: list[str],
        timeout: float,
    ) -> None:
        self.authorize_url, self.token_url, self.revoke_url = authorize_url, token_url, revoke_url
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uri, self.scopes, self.timeout = redirect_uri, scopes, timeout
        for url in (authorize_url, token_url, revoke_url):
            _allow_loopback_http(url)

    @classmethod
    def from_settings(cls) -> PennylaneOAuth:
        return cls(
            authorize_url=settings.PENNYLANE_AUTHORIZE_URL,
            token_url=settings.PENNYLANE_TOKEN_URL,
            revoke_url=settings.PENNYLANE_REVOKE_URL,
            client_id=settings.PENNYLANE_CLIENT_ID,
            client_secret=settings.PENNYLANE_CLIENT_SECRET,
            redirect_uri=settings.PENNYLANE_REDIRECT_URI,
            scopes=list(settings.PENNYLANE_SCOPES),
            timeout=settings.PENNYLANE_TIMEOUT,
        )

    def _session(self) -> OAuth2Session:
        session = OAuth2Session(self.client_id, redirect_uri=self.redirect_uri, scope=self.scopes)
        session.register_compliance_hook("access_token_response", _check_token_response)
        session.register_compliance_hook("refresh_token_response", _check_token_response)
        return session

    def authorization_url(self, state: str) -> str:
        url, _state = self._session().authorization_url(self.authorize_url, state=state)
        return cast(str, url)

    def exchange_code(self, code: str) -> t.TokenSet:
        # Reference: POST /oauth/token grant_type=authorization_code (api-notes 2.2)
        return self._token_call(
            lambda s: s.fetch_token(
                self.token_url,
                code=code,
                client_secret=self.client_secret,
                include_client_id=True,
                timeout=self.timeout,
            )
        )

    def refresh(self, refresh_token: str) -> t.TokenSet:
        # Reference: POST /oauth/token grant_type=refresh_token. Single use: the old pair dies.
        return self._token_call(
            lambda s: s.refresh_token(
                self.token_url,
                refresh_token=refresh_token,
                client_id=self.client_id,
                client_secret=self.client_secret,
                timeout=self.timeout,
            )
        )

    def _token_call(self, call: Any) -> t.TokenSet:
        try:
            token = call(self._session())
        except PennylaneError:
            raise
        except requests.Timeout as e:
            raise TransientError("Pennylane n'a pas répondu à la demande de jeton.") from e
        except requests.RequestException as e:
            raise TransientError(f"Pennylane est injoignable : {type(e).__name__}.") from e
        except OAuth2Error as e:
            if e.error == "invalid_grant":
                raise ReauthorizationRequired(
                    "Pennylane a refusé l'autorisation : reconnectez le compte."
                ) from e
            raise AuthenticationError(f"Pennylane a refusé la demande de jeton ({e.error}).") from e
        if not token.get("access_token"):
            raise AuthenticationError("Pennylane n'a pas renvoyé de jeton d'accès.")
        return cast(t.TokenSet, dict(token))

    def revoke(self, token: str) -> None:
        # Reference: POST /oauth/revoke (200, empty body)
        data = {"client_id": self.client_id, "client_secret": self.client_secret, "token": token}
        try:
            response = requests.post(self.revoke_url, data=data, timeout=self.timeout)
        except requests.RequestException as e:
            raise TransientError(f"Pennylane est injoignable : {type(e).__name__}.") from e
        if response.status_code >= 400:
            raise error_for_status(response.status_code, response.text, response.headers)


def _check_token_response(response: requests.Response) -> requests.Response:
    """Classify the token endpoint's failures before oauthlib parses the body."""
    status = response.status_code
    if status < 400:
        return response
    if status == 429 or status >= 500:
        raise error_for_status(status, response.text, response.headers)
    code = ""
    try:
        data = response.json()
        code = data.get("error", "") if isinstance(data, dict) else ""
    except ValueError:
        pass
    if code == "invalid_grant":
        raise ReauthorizationRequired(
            "Pennylane a refusé le jeton de renouvellement (révoqué, expiré ou déjà utilisé) : "
            "reconnectez le compte.",
            status=status,
        )
    own = message_from_body(response.text)
    raise AuthenticationError(f"Pennylane a refusé la demande de jeton : {own or status}.", status=status)
