"""Project-level Celery tasks. `ping` proves that a worker consumes a queue end to end.

`cadulis` is not an installed app, so autodiscovery skips this module: a worker loads it with
`--include cadulis.tasks` (tests/core/test_celery_worker.py does).
"""

from __future__ import annotations

import re

import redis
from celery import shared_task
from django.conf import settings

PING_KEY = "cadulis:ping:{token}"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@shared_task(name="cadulis.tasks.ping", ignore_result=True)
def ping(token: str) -> str:
    """Leave a short-lived `cadulis:ping:<token>` = "pong" key in Redis (REDIS_URL)."""
    if not TOKEN.match(token):
        raise ValueError("token: letters, digits, - and _ only (64 at most)")
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        try:
            client.set(PING_KEY.format(token=token), "pong", ex=300)
        finally:
            client.close()
    return "pong"
