"""Rate limiting and ``ratelimit-*`` headers on the API; serialized writes on SQLite."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

from . import conf, state
from .models import token_hash

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# SQLite has one writer; a threaded server would otherwise hit "database is locked" under load.
_sqlite_writes = threading.Lock()


def _write_guard(request: HttpRequest) -> Any:
    if request.method not in SAFE_METHODS and connection.vendor == "sqlite":
        return _sqlite_writes
    return nullcontext()


def _rate_key(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return "token:" + token_hash(header[7:].strip())
    return "anon:" + request.META.get("REMOTE_ADDR", "")


def api_headers_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., Any]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            if request.path == "/oauth/token":
                state.count("oauth_token")
            with _write_guard(request):
                return get_response(request)
        state.count("api")
        allowed, remaining, reset_at, retry_after = state.rate_limit_hit(_rate_key(request))
        if not allowed:
            state.count("429")
            response = HttpResponse(
                f"Rate limit exceeded. Please retry in {retry_after} seconds.",
                status=429,
                content_type="text/plain",
            )
            response["retry-after"] = str(retry_after)
        else:
            with _write_guard(request):
                response = get_response(request)
            state.count(f"status_{response.status_code}")
        response["ratelimit-limit"] = str(state.RATE_LIMIT)
        response["ratelimit-remaining"] = str(remaining)
        response["ratelimit-reset"] = str(reset_at)
        return response

    return middleware


def faults_enabled() -> bool:
    return bool(conf.faults_enabled())
