"""Pytest plugin: a live Pennylane sandbox (``python -m sandbox serve``) for the whole session.

``sandbox`` (session) starts it as a subprocess on a free port with ``SANDBOX_FAULTS=1``, a
temporary SQLite file (or ``SANDBOX_DATABASE_URL``) and a 1 s PDF delay, and returns a
:class:`SandboxHandle`. ``sandbox_clean`` (function) resets its data and faults first.
Tests talk to it over real HTTP only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
DEMO_SCOPES = ["customers:all", "products:all", "customer_invoices:all", "quotes:all"]


class SandboxHandle:
    def __init__(self, url: str, client_id: str, client_secret: str, log_path: Path) -> None:
        self.url = url
        self.api_base = f"{url}/api/external/v2"
        self.authorize_url = f"{url}/oauth/authorize"
        self.token_url = f"{url}/oauth/token"
        self.revoke_url = f"{url}/oauth/revoke"
        self.client_id = client_id
        self.client_secret = client_secret
        self.log_path = log_path
        self._http = requests.Session()

    def _control(self, http_method: str, name: str, **body: Any) -> Any:
        response = self._http.request(http_method, f"{self.url}/__sandbox__/{name}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self._control("POST", "reset")

    def fault(
        self,
        method: str,
        path_regex: str,
        status: int | None = None,
        times: int = 1,
        latency: float | None = None,
        drop_after_commit: bool = False,
        body: Any = None,
    ) -> None:
        """The next ``times`` requests matching method (or "*") and ``path_regex`` (re.search on
        the path) answer ``status`` (with ``body``) without reaching the app, or wait ``latency``
        seconds, or are processed and committed and then get their connection dropped."""
        self._control(
            "POST",
            "faults",
            method=method,
            path_regex=path_regex,
            status=status,
            times=times,
            latency=latency,
            drop_after_commit=drop_after_commit,
            body=body,
        )

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def force_429(self, seconds: float) -> None:
        self._control("POST", "force_429", seconds=seconds)

    def expire_access_token(self, token: str) -> None:
        self._control("POST", "expire_access_token", token=token)

    def revoke_all(self, company: str | None = None) -> int:
        return int(self._control("POST", "revoke_all", company=company)["revoked"])

    def lose_next_token_response(self) -> None:
        self._control("POST", "lose_next_token_response")

    def ledger(self) -> list[dict[str, Any]]:
        return list(self._control("GET", "ledger")["items"])

    def emails(self) -> list[dict[str, Any]]:
        return list(self._control("GET", "emails")["items"])

    def issue_tokens(self, company: str = "demo", scopes: list[str] | None = None) -> dict[str, Any]:
        pair = self._control("POST", "tokens", company=company, scopes=scopes or DEMO_SCOPES)
        return {key: pair[key] for key in ("access_token", "refresh_token", "expires_in")}

    def stats(self) -> dict[str, Any]:
        return dict(self._control("GET", "stats"))

    def set_pdf_delay(self, seconds: float) -> None:
        self._control("POST", "pdf_delay", seconds=seconds)

    def set_numbering(self, company: str, invoices: bool = True, quotes: bool = True) -> None:
        self._control("POST", "numbering", company=company, invoices=invoices, quotes=quotes)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    workdir = tmp_path_factory.mktemp("pennylane-sandbox")
    port = _free_port()
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        SANDBOX_FAULTS="1",
        SANDBOX_PDF_DELAY=env.get("SANDBOX_TEST_PDF_DELAY", "1"),
        SANDBOX_PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    if not env.get("SANDBOX_DATABASE_URL"):
        env["SANDBOX_DATABASE_URL"] = f"sqlite:///{workdir / 'sandbox.sqlite3'}"
    client_id = env.setdefault("SANDBOX_DEMO_CLIENT_ID", "cadulis-demo")
    client_secret = env.setdefault("SANDBOX_DEMO_CLIENT_SECRET", "cadulis-demo-secret")
    log_path = workdir / "sandbox.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    handle = SandboxHandle(f"http://127.0.0.1:{port}", client_id, client_secret, log_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the sandbox exited ({process.returncode}):\n{log_path.read_text()}")
            try:
                requests.get(f"{handle.url}/", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the sandbox did not start:\n{log_path.read_text()}") from None
                time.sleep(0.1)
        if env.get("SANDBOX_DATABASE_URL", "").startswith("postgres"):
            handle.reset()  # a shared PostgreSQL database may hold a previous run's data
        yield handle
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def sandbox_clean(sandbox: SandboxHandle) -> SandboxHandle:
    sandbox.reset()
    return sandbox
