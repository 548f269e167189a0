"""A real Celery worker process for integration tests, on Redis, against the test database.

The worker is another process: it only sees committed rows, so tests using it are
transactional and need a server database (PostgreSQL); SQLite's in-memory test database is
invisible to it. Without PostgreSQL/Redis the tests skip loudly; in CI they fail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def wait_for(
    predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.2, what: str = ""
) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


def database_url_for_subprocess() -> str:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        return ""
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def require_worker_services() -> None:
    from .conftest import require_service

    if not settings.REDIS_URL:
        require_service("Redis", "REDIS_URL is not set; the real worker consumes tasks through Redis")
    if connection.settings_dict["ENGINE"] != "django.db.backends.postgresql":
        require_service(
            "PostgreSQL",
            "DATABASE_URL is not PostgreSQL; a worker process cannot see SQLite's in-memory test DB",
        )


class Worker:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, concurrency: int = 4) -> None:
        self.log_file = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cadulis",
                "worker",
                "-Q",
                "firings,default",
                "--pool",
                "threads",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: b"ready" in self.log.read_bytes(), timeout=40, what="the Celery worker to be ready")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)
        self.log_file.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def purge_queues() -> None:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for queue in ("firings", "default"):
        client.delete(queue)
    client.delete("unacked", "unacked_index")


@pytest.fixture
def worker_env(transactional_db, settings_for_sandbox) -> dict[str, str]:
    require_worker_services()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "DATABASE_URL": database_url_for_subprocess(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "PENNYLANE_AUTHORIZE_URL": settings.PENNYLANE_AUTHORIZE_URL,
            "PENNYLANE_TOKEN_URL": settings.PENNYLANE_TOKEN_URL,
            "PENNYLANE_REVOKE_URL": settings.PENNYLANE_REVOKE_URL,
            "PENNYLANE_API_BASE_URL": settings.PENNYLANE_API_BASE_URL,
            "PENNYLANE_TIMEOUT": str(settings.PENNYLANE_TIMEOUT),
            "TOKEN_ENCRYPTION_KEYS": ",".join(settings.TOKEN_ENCRYPTION_KEYS),
            "DJANGO_SETTINGS_MODULE": "cadulis.settings",
        }
    )
    return env


@pytest.fixture
def celery_worker_process(worker_env, tmp_path) -> Iterator[Worker]:
    purge_queues()
    worker = Worker(worker_env, tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def settings_for_sandbox(settings, sandbox_clean):
    """The product pointed at the sandbox (a fresh state for each test)."""
    from pennylane import ratelimit

    settings.PENNYLANE_AUTHORIZE_URL = sandbox_clean.authorize_url
    settings.PENNYLANE_TOKEN_URL = sandbox_clean.token_url
    settings.PENNYLANE_REVOKE_URL = sandbox_clean.revoke_url
    settings.PENNYLANE_API_BASE_URL = sandbox_clean.api_base
    settings.PENNYLANE_CLIENT_ID = sandbox_clean.client_id
    settings.PENNYLANE_CLIENT_SECRET = sandbox_clean.client_secret
    settings.PENNYLANE_TIMEOUT = 5.0
    ratelimit._default = None
    yield settings
    ratelimit._default = None


def connect_business_unit(business_unit, sandbox, company: str = "demo", scopes: list[str] | None = None):
    """Connect through the sandbox's control shortcut (the browser flow has its own tests)."""
    from pennylane.client import PennylaneClient
    from pennylane.services import connection_connect

    tokens = sandbox.issue_tokens(company=company, scopes=scopes or list(settings.PENNYLANE_SCOPES))
    me = PennylaneClient(settings.PENNYLANE_API_BASE_URL, tokens["access_token"]).me()
    return connection_connect(business_unit=business_unit, user=None, tokens=tokens, me=me)
