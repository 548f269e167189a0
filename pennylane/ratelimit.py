"""Pennylane's rate limit, shared by every worker process on every machine.

Pennylane allows 25 requests per 5 s per token (api-notes 3.3). Celery's ``rate_limit`` is per
worker, so the window lives in Redis (production) or in the database (the SQLite dev default).
Keys are a hash of the access token, never the token. After a 429 a shared cooldown makes
every process wait until ``retry-after`` / ``ratelimit-reset``. Waiting is not an error: it
consumes no retry budget.
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from collections.abc import Callable
from typing import Protocol

from django.conf import settings

from .exceptions import RateLimitedError

# Our clock (acquire time) and Pennylane's (arrival time) differ by the request's latency:
# a slightly longer window keeps the 26th request out of Pennylane's window.
SAFETY_MARGIN = 0.3


def key_for_token(access_token: str) -> str:
    return hashlib.sha256(access_token.encode()).hexdigest()[:40]


class RateLimiter(Protocol):
    def acquire(self, key: str, *, max_wait: float | None = None) -> float:
        """Block until a request may be sent; return the seconds waited.

        Raise ``RateLimitedError`` only if the wait would exceed ``max_wait``.
        """
        ...

    def cooldown(self, key: str, seconds: float) -> None:
        """Make every process wait ``seconds`` before the next request with this key."""
        ...


class _BaseLimiter:
    def __init__(
        self,
        limit: int | None = None,
        window: float | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit if limit is not None else settings.PENNYLANE_RATE_LIMIT
        self.window = (window if window is not None else settings.PENNYLANE_RATE_WINDOW) + SAFETY_MARGIN
        self.sleep = sleep

    def _try(self, key: str) -> float:
        """Take a slot and return 0, or return the seconds to wait before trying again."""
        raise NotImplementedError

    def acquire(self, key: str, *, max_wait: float | None = None) -> float:
        waited = 0.0
        while True:
            wait = self._try(key)
            if wait <= 0:
                return waited
            if max_wait is not None and waited + wait > max_wait:
                raise RateLimitedError(
                    f"Limite de requêtes Pennylane : attente de {wait:.0f} s nécessaire.", wait_seconds=wait
                )
            # A little jitter so that processes released together do not stampede.
            wait += random.uniform(0, 0.05)
            self.sleep(wait)
            waited += wait


class RedisRateLimiter(_BaseLimiter):
    """Sliding window in a sorted set, checked and taken atomically by a Lua script."""

    # Redis' own clock (TIME) is the one clock every machine shares.
    ACQUIRE = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local cooling = redis.call('PTTL', KEYS[2])
    if cooling > 0 then return cooling end
    local window = tonumber(ARGV[2])
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
    if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
      redis.call('ZADD', KEYS[1], now, ARGV[3])
      redis.call('PEXPIRE', KEYS[1], window)
      return 0
    end
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return math.max(1, tonumber(oldest[2]) + window - now)
    """
    COOLDOWN = """
    if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
      redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
    end
    return 1
    """

    def __init__(self, url: str | None = None, **kwargs: object) -> None:
        import redis

        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.redis = redis.Redis.from_url(url or settings.REDIS_URL)
        self._acquire = self.redis.register_script(self.ACQUIRE)
        self._cooldown = self.redis.register_script(self.COOLDOWN)

    def _keys(self, key: str) -> list[str]:
        return [f"pennylane:rl:{key}:hits", f"pennylane:rl:{key}:cooldown"]

    def _try(self, key: str) -> float:
        window_ms = int(self.window * 1000)
        result = self._acquire(keys=self._keys(key), args=[self.limit, window_ms, uuid.uuid4().hex])
        return int(result) / 1000.0

    def cooldown(self, key: str, seconds: float) -> None:
        self._cooldown(keys=self._keys(key)[1:], args=[max(1, int(seconds * 1000))])


class DatabaseRateLimiter(_BaseLimiter):
    """The same window in a database row, taken under a row lock (dev default: SQLite, no Redis)."""

    def __init__(self, *, clock: Callable[[], float] = time.time, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock

    def _try(self, key: str) -> float:
        from django.db import transaction

        from .models import RateLimitBucket

        with transaction.atomic():
            RateLimitBucket.objects.get_or_create(key=key)
            bucket = RateLimitBucket.objects.select_for_update().get(key=key)
            now = self.clock()
            if bucket.cooldown_until > now:
                return bucket.cooldown_until - now
            hits = [h for h in bucket.hits if h > now - self.window]
            if len(hits) < self.limit:
                bucket.hits = [*hits, now]
                bucket.save(update_fields=["hits"])
                return 0.0
            return max(0.001, min(hits) + self.window - now)

    def cooldown(self, key: str, seconds: float) -> None:
        from django.db import transaction

        from .models import RateLimitBucket

        until = self.clock() + seconds
        with transaction.atomic():
            RateLimitBucket.objects.get_or_create(key=key)
            bucket = RateLimitBucket.objects.select_for_update().get(key=key)
            if bucket.cooldown_until < until:
                bucket.cooldown_until = until
                bucket.save(update_fields=["cooldown_until"])


_default: RateLimiter | None = None


def default_limiter() -> RateLimiter:
    """Redis when ``REDIS_URL`` is set, the database otherwise (one instance per process)."""
    global _default
    if _default is None:
        _default = RedisRateLimiter() if settings.REDIS_URL else DatabaseRateLimiter()
    return _default
