"""Several processes, one connection: one refresh (F15), at most 25 requests per 5 s (F12).

They need a database the processes share: PostgreSQL (DATABASE_URL). On the SQLite default
the test database lives in memory and cannot be shared, so these tests skip loudly (and fail
in CI, where PostgreSQL must be there).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection as db

from pennylane import crypto
from pennylane.models import PennylaneConnection
from tests.conftest import require_service

from .conftest import connection_from_sandbox

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def process_env(sandbox_settings, sandbox_clean):
    if db.vendor != "postgresql":
        require_service(
            "PostgreSQL", "two processes must share the test database (set DATABASE_URL to PostgreSQL)"
        )
    s = db.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cadulis.settings",
        DATABASE_URL=f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        PENNYLANE_API_BASE_URL=sandbox_clean.api_base,
        PENNYLANE_TOKEN_URL=sandbox_clean.token_url,
        PENNYLANE_REVOKE_URL=sandbox_clean.revoke_url,
        PENNYLANE_AUTHORIZE_URL=sandbox_clean.authorize_url,
        PENNYLANE_CLIENT_ID=sandbox_clean.client_id,
        PENNYLANE_CLIENT_SECRET=sandbox_clean.client_secret,
        LOG_LEVEL="WARNING",
    )
    return env


def spawn(env, *args, count=2):
    """Start ``count`` workers that begin at the same instant; return (start_at, processes)."""
    start_at = time.time() + 3.0  # every process is imported and waiting by then
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.pennylane.proc_worker",
                args[0],
                str(args[1]),
                str(start_at),
                *map(str, args[2:]),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    return start_at, processes


def collect(processes):
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def run_processes(env, *args, count=2):
    return collect(spawn(env, *args, count=count)[1])


def test_two_processes_refreshing_the_same_expired_connection_refresh_it_once(process_env, sandbox_clean, bu):
    connection, pair = connection_from_sandbox(sandbox_clean, bu, expired=True)
    results = run_processes(process_env, "refresh", connection.pk)
    assert sandbox_clean.stats()["refreshes"] == {sandbox_clean.client_id: 1}
    assert results[0]["token_key"] == results[1]["token_key"], "both processes use the new token"
    assert {r["company"] for r in results} == {"Démo Plomberie SAS"}
    stored = crypto.decrypt(PennylaneConnection.objects.get(pk=connection.pk).access_token_encrypted)
    assert stored != pair["access_token"]
    from pennylane.ratelimit import key_for_token

    assert key_for_token(stored) == results[0]["token_key"]


def test_two_processes_hammering_one_connection_never_exceed_the_rate_limit(process_env, sandbox_clean, bu):
    connection, _pair = connection_from_sandbox(sandbox_clean, bu)
    results = run_processes(process_env, "hammer", connection.pk, 20)
    stats = sandbox_clean.stats()
    assert stats["responses_429"] == 0
    assert all(r["errors"] == [] for r in results)
    total = sum(r["ok"] for r in results)
    # 20 s at 25 per (5 s + margin): the limit was actually reached, not just avoided.
    assert 80 <= total <= 25 * 5


def test_after_an_injected_429_burst_every_process_backs_off_and_recovers(process_env, sandbox_clean, bu):
    connection, _pair = connection_from_sandbox(sandbox_clean, bu)
    start_at, processes = spawn(process_env, "hammer", connection.pk, 14)
    time.sleep(max(0.0, start_at + 1.0 - time.time()))
    # In the middle of the run, long enough to cover the next window's batch (at ~5.3 s).
    sandbox_clean.force_429(6)
    results = collect(processes)
    assert all(r["errors"] == [] for r in results), "waiting for the limit is not an error"
    responses_429 = sandbox_clean.stats()["responses_429"]
    # The burst was hit, then the shared cooldown stopped every process: a handful of 429s,
    # not one per attempt during 6 s.
    assert 1 <= responses_429 <= 6
    ok_total = sum(r["ok"] for r in results)
    assert ok_total >= 40, "the processes went on after the burst"
