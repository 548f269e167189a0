"""The client against handmade responses served over real HTTP by a local server."""

import json
import logging
import time

import pytest

from pennylane.client import PennylaneClient
from pennylane.exceptions import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PennylaneError,
    RateLimitedError,
    TransientError,
    ValidationError,
)
from pennylane.ratelimit import DatabaseRateLimiter

from .fakes import API, ME, Reply


@pytest.fixture
def client(fake, settings):
    settings.PENNYLANE_TIMEOUT = 1.0
    return PennylaneClient(fake.api, "secret-access-token")


def test_me_sends_the_bearer_token_and_returns_the_company(fake, client):
    fake.on("GET", f"{API}/me", Reply(200, ME))
    me = client.me()
    assert me["company"]["name"] == "Démo SAS"
    assert fake.seen[0].headers["Authorization"] == "Bearer secret-access-token"


@pytest.mark.parametrize(
    ("status", "body", "error_class", "message", "permanent"),
    [
        (
            400,
            {"message": "is not a date", "field": "date", "code": "InvalidDateFormat"},
            ValidationError,
            "is not a date (date)",
            True,
        ),
        (
            401,
            {"error": "The access token is invalid", "status": 401},
            AuthenticationError,
            "The access token is invalid",
            True,
        ),
        (
            403,
            {"error": 'Access to this resource requires scope "quotes:all".', "status": 403},
            ForbiddenError,
            "requires scope",
            True,
        ),
        (
            404,
            {"error": "Couldn't find Customer with 'id'=123", "status": 404},
            NotFoundError,
            "Couldn't find Customer",
            True,
        ),
        (
            409,
            {"error": "Conflict with the current state of the target resource.", "status": 409},
            ConflictError,
            "Conflict",
            False,
        ),
        (
            422,
            {"error": "Configurez d'abord la numérotation des factures", "status": 422},
            ValidationError,
            "numérotation",
            True,
        ),
        (
            422,
            {"error": "unprocessable_entity", "message": "Date invalide", "details": {"date": ["bad"]}},
            ValidationError,
            "Date invalide",
            True,
        ),
        (500, None, TransientError, "erreur 500", False),
        (503, {"error": "maintenance"}, TransientError, "maintenance", False),
    ],
)
def test_each_status_maps_to_one_error_class(fake, client, status, body, error_class, message, permanent):
    reply = (
        Reply(status, body) if body is not None else Reply(status, text="<html>Internal Server Error</html>")
    )
    fake.on("GET", f"{API}/customer_invoices/7", reply)
    with pytest.raises(error_class) as caught:
        client.invoice_get(7)
    assert message in caught.value.message
    assert caught.value.status == status
    assert caught.value.permanent is permanent
    assert isinstance(caught.value, PennylaneError)


def test_a_forbidden_error_names_the_missing_scope(fake, client):
    fake.on(
        "GET",
        f"{API}/quotes/1",
        Reply(403, {"error": 'Access to this resource requires scope "quotes:all".'}),
    )
    with pytest.raises(ForbiddenError) as caught:
        client.quote_get(1)
    assert caught.value.scope == "quotes:all"


def test_a_429_without_limiter_is_rate_limited_with_the_wait_from_its_plain_text_answer(fake, client):
    fake.on(
        "GET",
        f"{API}/me",
        Reply(429, text="Rate limit exceeded. Please retry in 3 seconds.", headers={"retry-after": "3"}),
    )
    with pytest.raises(RateLimitedError) as caught:
        client.me()
    assert caught.value.wait_seconds == 3.0
    assert caught.value.permanent is False


def test_a_429_uses_ratelimit_reset_when_there_is_no_retry_after(fake, client):
    reset = int(time.time()) + 4
    fake.on(
        "GET", f"{API}/me", Reply(429, text="Rate limit exceeded.", headers={"ratelimit-reset": str(reset)})
    )
    with pytest.raises(RateLimitedError) as caught:
        client.me()
    assert 2.0 <= caught.value.wait_seconds <= 4.0


@pytest.mark.django_db
def test_with_a_limiter_a_429_waits_and_retries_without_raising(fake):
    fake.on(
        "GET",
        f"{API}/me",
        Reply(429, text="Rate limit exceeded. Please retry in 1 seconds.", headers={"retry-after": "1"}),
        Reply(200, ME),
    )
    client = PennylaneClient(fake.api, "tok", limiter=DatabaseRateLimiter())
    started = time.monotonic()
    assert client.me()["company"]["id"] == 4242
    assert time.monotonic() - started >= 0.9  # the shared cooldown was honoured
    assert len(fake.calls("GET", f"{API}/me")) == 2


def test_a_timeout_is_transient(fake, settings):
    fake.on("GET", f"{API}/me", Reply(200, ME, delay=1.5))
    client = PennylaneClient(fake.api, "tok", timeout=0.3)
    with pytest.raises(TransientError) as caught:
        client.me()
    assert "délai" in caught.value.message
    assert caught.value.__cause__ is not None


def test_a_refused_connection_is_transient(settings):
    client = PennylaneClient("http://127.0.0.1:9/api/external/v2", "tok", timeout=0.5)
    with pytest.raises(TransientError):
        client.me()


def test_find_by_external_reference_sends_the_filter_as_a_json_string(fake, client):
    fake.on(
        "GET",
        f"{API}/customer_invoices",
        Reply(
            200, {"items": [{"id": 9, "external_reference": "R-1"}], "has_more": False, "next_cursor": None}
        ),
    )
    found = client.invoice_find_by_external_reference("R-1")
    assert found["id"] == 9
    sent = json.loads(fake.seen[0].query["filter"][0])
    assert sent == [{"field": "external_reference", "operator": "eq", "value": "R-1"}]


def test_quote_lookup_scans_every_page_and_resends_the_filter(fake, client):
    def pages(seen):
        if "cursor" not in seen.query:
            return Reply(
                200,
                {"items": [{"id": 1, "external_reference": "other"}], "has_more": True, "next_cursor": "c2"},
            )
        return Reply(
            200, {"items": [{"id": 2, "external_reference": "Q-1"}], "has_more": False, "next_cursor": None}
        )

    fake.on("GET", f"{API}/quotes", pages)
    found = client.quote_find_by_external_reference("Q-1", customer_id=55)
    assert found["id"] == 2
    assert len(fake.seen) == 2
    for seen in fake.seen:
        assert json.loads(seen.query["filter"][0]) == [
            {"field": "customer_id", "operator": "eq", "value": 55}
        ]


def test_send_by_email_answers_none_on_204_and_conflict_while_the_pdf_is_generated(fake, client):
    fake.on(
        "POST",
        f"{API}/customer_invoices/3/send_by_email",
        Reply(409, {"error": "PDF not ready", "status": 409}),
        Reply(204),
    )
    with pytest.raises(ConflictError):
        client.invoice_send_by_email(3)
    assert client.invoice_send_by_email(3, recipients=["a@b.fr"]) is None
    assert fake.seen[-1].json == {"recipients": ["a@b.fr"]}


def test_create_from_quote_and_status_update_send_the_documented_bodies(fake, client):
    fake.on("POST", f"{API}/customer_invoices/create_from_quote", Reply(201, {"id": 5, "quote": {"id": 4}}))
    fake.on("PUT", f"{API}/quotes/4/update_status", Reply(200, {"id": 4, "status": "accepted"}))
    assert client.invoice_create_from_quote(4, draft=True, external_reference="X")["id"] == 5
    assert fake.seen[0].json == {"quote_id": 4, "draft": True, "external_reference": "X"}
    assert client.quote_update_status(4, "accepted")["status"] == "accepted"


def test_changelogs_send_start_date_on_the_first_page_only(fake, client):
    def pages(seen):
        if "cursor" in seen.query:
            assert "start_date" not in seen.query
            return Reply(
                200, {"items": [{"id": 2, "operation": "update"}], "has_more": False, "next_cursor": None}
            )
        return Reply(200, {"items": [{"id": 1, "operation": "insert"}], "has_more": True, "next_cursor": "n"})

    fake.on("GET", f"{API}/changelogs/customer_invoices", pages)
    items = client.changelogs("customer_invoices", start_date="2026-11-01T00:00:00Z")
    assert [i["id"] for i in items] == [1, 2]
    assert fake.seen[0].query["start_date"] == ["2026-11-01T00:00:00Z"]


def test_the_token_never_reaches_the_logs_even_at_debug(fake, client, caplog):
    fake.on("GET", f"{API}/me", Reply(200, ME))
    with caplog.at_level(logging.DEBUG):
        client.me()
    assert caplog.records, "the client logs its calls at DEBUG"
    assert "secret-access-token" not in caplog.text
    assert "secret-access-token" not in repr(client)
