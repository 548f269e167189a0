"""Helpers for the sandbox tests: an API client that checks every response against the official
OpenAPI file (loaded once per session) and records which operations were validated."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.paths.finders import APICallPathFinder

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "pennylane" / "openapi-v2.json"
TODAY = dt.date.today()


class SpecChecker:
    """Validates responses of the live sandbox against Pennylane's spec (servers rewritten)."""

    def __init__(self, spec: dict[str, Any], base_url: str) -> None:
        self.spec = spec
        spec = {**spec, "servers": [{"url": base_url}]}
        self.openapi = OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))
        self.validated: set[tuple[str, int]] = set()  # (operationId, status)

    def check(self, response: requests.Response) -> None:
        request = RequestsOpenAPIRequest(response.request)
        result = self.openapi.unmarshal_response(request, RequestsOpenAPIResponse(response))
        if result.errors:
            details = "; ".join(f"{e}: {getattr(e, '__cause__', '')}" for e in result.errors)
            raise AssertionError(
                f"{response.request.method} {response.request.path_url} -> {response.status_code} does not "
                f"match the official spec: {details}\nbody: {response.text[:2000]}"
            )
        found = APICallPathFinder(self.openapi.spec).find(request.method, request.host_url + request.path)
        self.validated.add((str(found.operation["operationId"]), response.status_code))


@pytest.fixture(scope="session")
def spec_data() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.fail(f"the official Pennylane spec is required for the conformance tests: {SPEC_PATH}")
    return dict(json.loads(SPEC_PATH.read_text()))


@pytest.fixture(scope="session")
def spec_checker(spec_data: dict[str, Any], sandbox: Any) -> SpecChecker:
    return SpecChecker(spec_data, sandbox.url)


class Api:
    """A bearer-token client for one company; every non-429 response is checked against the spec."""

    def __init__(self, sandbox: Any, token: str, checker: SpecChecker) -> None:
        self.sandbox = sandbox
        self.token = token
        self.checker = checker
        self.http = requests.Session()

    def call(
        self, method: str, path: str, *, validate: bool = True, wait_on_429: bool = True, **kwargs: Any
    ) -> requests.Response:
        """One request; like a polite client, it waits ``retry-after`` on a 429 and tries again
        (``wait_on_429=False`` returns the 429 instead)."""
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        for _attempt in range(5):
            response = self.http.request(
                method, f"{self.sandbox.api_base}{path}", headers=headers, timeout=15, **kwargs
            )
            if response.status_code != 429 or not wait_on_429:
                break
            time.sleep(float(response.headers.get("retry-after", "1")))
        if validate and response.status_code != 429:
            self.checker.check(response)
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, json=body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("PUT", path, json=body, **kwargs)

    # Builders of valid bodies --------------------------------------------------------------

    def company_customer(self, **extra: Any) -> dict[str, Any]:
        body = {
            "name": "Boulangerie Martin",
            "billing_address": {
                "address": "3 rue des Lilas",
                "postal_code": "69003",
                "city": "Lyon",
                "country_alpha2": "FR",
            },
            "emails": ["compta@boulangerie-martin.fr"],
            **extra,
        }
        response = self.post("/company_customers", body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def invoice(
        self, customer_id: int, *, draft: bool | None = None, validate: bool = True, **extra: Any
    ) -> requests.Response:
        body: dict[str, Any] = {
            "date": TODAY.isoformat(),
            "deadline": (TODAY + dt.timedelta(days=30)).isoformat(),
            "customer_id": customer_id,
            "invoice_lines": [
                {
                    "label": "Remplacement chauffe-eau",
                    "quantity": 2,
                    "unit": "piece",
                    "raw_currency_unit_price": "100.50",
                    "vat_rate": "FR_200",
                },
                {
                    "label": "Main d'oeuvre",
                    "quantity": 1.5,
                    "unit": "hour",
                    "raw_currency_unit_price": "40",
                    "vat_rate": "FR_100",
                },
            ],
            **extra,
        }
        if draft is not None:
            body["draft"] = draft
        return self.post("/customer_invoices", body, validate=validate)

    def quote(self, customer_id: int, **extra: Any) -> requests.Response:
        body = {
            "date": TODAY.isoformat(),
            "deadline": (TODAY + dt.timedelta(days=30)).isoformat(),
            "customer_id": customer_id,
            "invoice_lines": [
                {
                    "label": "Diagnostic fuite",
                    "quantity": 1,
                    "unit": "piece",
                    "raw_currency_unit_price": "89",
                    "vat_rate": "FR_200",
                }
            ],
            **extra,
        }
        return self.post("/quotes", body)


def make_api(
    sandbox: Any, checker: SpecChecker, company: str = "demo", scopes: list[str] | None = None
) -> Api:
    return Api(sandbox, sandbox.issue_tokens(company=company, scopes=scopes)["access_token"], checker)


@pytest.fixture
def api(sandbox_clean: Any, spec_checker: SpecChecker) -> Api:
    return make_api(sandbox_clean, spec_checker)


@pytest.fixture
def api_no_numbering(api: Api) -> Api:
    return make_api(api.sandbox, api.checker, company="no-numbering")
