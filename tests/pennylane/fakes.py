"""A tiny local HTTP server playing Pennylane with handmade responses: the one test double.

Tests that need no sandbox talk to it over real HTTP, so the client, requests and
requests-oauthlib run exactly as in production.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")


Handler = Callable[[Seen], Reply]


class FakePennylane:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], list[Reply] | Handler]] = []
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                seen = Seen(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    dict(self.headers),
                    self.rfile.read(length),
                )
                reply = fake._reply(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.json is not None:
                    body = json.dumps(reply.json).encode()
                    ctype = "application/json"
                else:
                    body = (reply.text or "").encode()
                    ctype = "text/plain"
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api = f"{self.url}/api/external/v2"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def on(self, method: str, pattern: str, *replies: Reply | Handler) -> None:
        """Answer ``method`` on paths matching ``pattern`` (regex, full match) with the replies in
        order (the last repeats), or with a handler."""
        target: list[Reply] | Handler
        if len(replies) == 1 and callable(replies[0]) and not isinstance(replies[0], Reply):
            target = replies[0]
        else:
            target = list(replies)  # type: ignore[arg-type]
        self.routes.insert(0, (method, re.compile(pattern), target))

    def _reply(self, seen: Seen) -> Reply:
        with self.lock:
            self.seen.append(seen)
            for method, pattern, target in self.routes:
                if method == seen.method and pattern.fullmatch(seen.path):
                    if callable(target):
                        return target(seen)
                    return target.pop(0) if len(target) > 1 else target[0]
        return Reply(404, {"error": "Not Found", "status": 404})

    def calls(self, method: str, pattern: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method and re.fullmatch(pattern, s.path)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


API = "/api/external/v2"
ME = {
    "user": None,
    "company": {"id": 4242, "name": "Démo SAS", "reg_no": "sandbox-4242"},
    "scopes": ["customers:all", "quotes:all"],
}


def token_reply(access: str = "acc-1", refresh: str = "ref-1", expires_in: int = 86400) -> Reply:
    return Reply(
        200,
        {"access_token": access, "refresh_token": refresh, "expires_in": expires_in, "token_type": "Bearer"},
    )
