"""A real Celery worker process consumes a task sent through Redis."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.worker
def test_a_real_worker_consumes_a_ping_task_through_redis():
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        require_service("Redis", "REDIS_URL is needed to run a real Celery worker against a real broker")
    import redis

    from cadulis.celery import app
    from cadulis.tasks import PING_KEY, ping

    token = uuid.uuid4().hex
    # A queue of our own besides "default", so a worker of another test run cannot take the message.
    queue = f"test-ping-{token}"
    env = {**os.environ, "CELERY_BROKER_URL": redis_url, "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cadulis",
            "worker",
            "-Q",
            f"default,{queue}",
            "--pool",
            "solo",
            "--include",
            "cadulis.tasks",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"ping-{token}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = redis.Redis.from_url(redis_url)
    key = PING_KEY.format(token=token)
    try:
        with app.connection_for_write(redis_url) as connection:
            ping.apply_async(args=[token], queue=queue, connection=connection)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and client.get(key) is None and worker.poll() is None:
            time.sleep(0.2)
        assert client.get(key) == b"pong", "the worker did not run the task"
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        client.delete(key)
        client.delete(queue)
        client.close()
    assert "cadulis.tasks.ping" in output and "succeeded" in output, output[-2000:]
