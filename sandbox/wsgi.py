"""WSGI entry point, wrapped by the fault injector (active only with ``SANDBOX_FAULTS=1``).

Faults act below Django so that a rule can let Django commit its transaction and then close the
client's socket before a single byte of the response is sent ("commit then drop").
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings")

from django.core.wsgi import get_wsgi_application

from . import conf, state

django_app = get_wsgi_application()
StartResponse = Callable[..., Any]


def _canned(rule: state.FaultRule, start_response: StartResponse) -> Iterable[bytes]:
    status = rule.status or 500
    body = rule.body if rule.body is not None else {"error": "Injected fault", "status": status}
    if isinstance(body, str):
        payload, content_type = body.encode(), "text/plain; charset=utf-8"
    else:
        payload, content_type = json.dumps(body).encode(), "application/json"
    headers = [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
    if status == 429:
        headers.append(("retry-after", "1"))
    start_response(f"{status} Injected", headers)
    return [payload]


def _run_then_drop(
    environ: dict[str, Any], only_if_ok: bool, start_response: StartResponse
) -> Iterable[bytes]:
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        captured["status"], captured["headers"] = status, headers
        return lambda _data: None

    result = django_app(environ, capture)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if only_if_ok and not captured["status"].startswith("200"):
        # Nothing was rotated: keep the fault armed for the next successful token response.
        state.restore_lose_token_response()
        start_response(captured["status"], captured["headers"])
        return [body]
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    # werkzeug treats ConnectionError as a dropped connection: nothing else is written.
    raise ConnectionAbortedError("sandbox fault: connection dropped after commit")


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
    if not conf.faults_enabled() or path.startswith("/__sandbox__/"):
        return django_app(environ, start_response)
    if path == "/oauth/token" and method == "POST" and state.take_lose_token_response():
        return _run_then_drop(environ, True, start_response)
    rule = state.take_fault(method, path)
    if rule is None:
        return django_app(environ, start_response)
    if rule.latency:
        time.sleep(rule.latency)
    if rule.status:
        return _canned(rule, start_response)
    if rule.drop_after_commit:
        return _run_then_drop(environ, False, start_response)
    return django_app(environ, start_response)
