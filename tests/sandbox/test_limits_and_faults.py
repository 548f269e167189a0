"""Rate limiting per token and the fault-injection control API."""

from __future__ import annotations

import time

import pytest
import requests

from .conftest import make_api

pytestmark = pytest.mark.sandbox


def test_the_26th_request_within_5_seconds_gets_a_plain_text_429(api):
    other = make_api(api.sandbox, api.checker)
    started = time.monotonic()
    answers = [api.get("/me", wait_on_429=False) for _ in range(25)]
    assert all(answer.status_code == 200 for answer in answers)
    assert [int(a.headers["ratelimit-remaining"]) for a in answers] == list(range(24, -1, -1))
    assert {a.headers["ratelimit-limit"] for a in answers} == {"25"}
    assert all(int(a.headers["ratelimit-reset"]) >= int(time.time()) for a in answers)
    limited = api.get("/me", wait_on_429=False)
    assert time.monotonic() - started < 5, "the machine was too slow to test the window"
    assert limited.status_code == 429
    assert limited.headers["Content-Type"].startswith("text/plain")
    assert 1 <= int(limited.headers["retry-after"]) <= 5
    assert limited.text.startswith("Rate limit exceeded. Please retry in ")
    # Another token has its own budget.
    assert other.get("/me", wait_on_429=False).status_code == 200
    assert api.sandbox.stats()["responses_429"] == 1
    time.sleep(int(limited.headers["retry-after"]))
    assert api.get("/me").status_code == 200


def test_force_429_answers_429_to_everyone_for_a_while(api):
    api.sandbox.force_429(1.5)
    answer = api.get("/me", wait_on_429=False)
    assert answer.status_code == 429
    assert answer.headers["retry-after"] in ("1", "2")
    time.sleep(1.6)
    assert api.get("/me").status_code == 200


def test_an_injected_status_answers_without_creating_anything(api):
    customer = api.company_customer()
    api.sandbox.fault("POST", r"^/api/external/v2/customer_invoices$", status=500, times=2)
    assert api.invoice(customer["id"], validate=False).status_code == 500
    assert api.invoice(customer["id"], validate=False).status_code == 500
    assert api.invoice(customer["id"]).status_code == 201
    assert len([row for row in api.sandbox.ledger() if row["kind"] == "invoice"]) == 1


def test_an_injected_fault_can_carry_a_body_and_only_matches_its_method(api):
    api.sandbox.fault("POST", r"/company_customers$", status=503, body="upstream down")
    assert api.get("/customers").status_code == 200
    answer = api.post("/company_customers", {"name": "X"}, validate=False)
    assert (answer.status_code, answer.text) == (503, "upstream down")


def test_latency_delays_the_answer(api):
    api.sandbox.fault("GET", r"/me$", latency=0.5)
    started = time.monotonic()
    assert api.get("/me").status_code == 200
    assert time.monotonic() - started >= 0.5


def test_drop_after_commit_creates_the_document_but_loses_the_reply(api):
    customer = api.company_customer()
    api.sandbox.fault("POST", r"/customer_invoices$", drop_after_commit=True)
    with pytest.raises(requests.ConnectionError):
        api.invoice(customer["id"], external_reference="FIRING-42")
    ledger = [row for row in api.sandbox.ledger() if row["kind"] == "invoice"]
    assert [(row["external_reference"], row["company"]) for row in ledger] == [("FIRING-42", "demo")]
    assert ledger[0]["number"] is not None


def test_reset_forgets_data_and_faults(api):
    api.company_customer()
    api.sandbox.fault("GET", r"/me$", status=500)
    api.sandbox.reset()
    assert api.sandbox.ledger() == []
    assert api.get("/me").status_code == 200


def test_tokens_issued_by_the_control_api_are_scoped_to_their_company(api):
    pair = api.sandbox.issue_tokens(company="no-numbering", scopes=["customers:readonly"])
    assert pair["expires_in"] == 86400
    other = make_api(api.sandbox, api.checker, company="no-numbering", scopes=["customers:readonly"])
    body = other.get("/me").json()
    assert body["company"]["name"] == "Société sans numérotation"
    assert body["scopes"] == ["customers:readonly"]


def test_the_control_api_reports_request_counts(api):
    api.get("/me")
    api.get("/customers")
    stats = api.sandbox.stats()
    assert stats["api_requests"] == 2
    assert stats["by_status"] == {"200": 2}
