"""The shared limiter: 25 requests per 5 s per token hash, a shared cooldown after a 429."""

import os
import threading
import time

import pytest

from pennylane.ratelimit import SAFETY_MARGIN, DatabaseRateLimiter, RedisRateLimiter, key_for_token
from tests.conftest import require_service


class FakeTime:
    def __init__(self):
        self.now = 1_000_000.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_the_key_is_a_hash_never_the_token():
    key = key_for_token("my-access-token")
    assert "my-access-token" not in key
    assert key == key_for_token("my-access-token") != key_for_token("other")


@pytest.mark.django_db
def test_database_limiter_lets_25_through_then_waits_for_the_oldest_to_leave_the_window():
    t = FakeTime()
    limiter = DatabaseRateLimiter(limit=25, window=5.0, clock=t.clock, sleep=t.sleep)
    for _ in range(25):
        assert limiter.acquire("k") == 0.0
    waited = limiter.acquire("k")
    assert 5.0 + SAFETY_MARGIN <= waited <= 5.0 + SAFETY_MARGIN + 0.1
    assert limiter.acquire("other-token") == 0.0  # per token


@pytest.mark.django_db
def test_database_limiter_cooldown_is_shared_by_every_instance():
    t = FakeTime()
    one = DatabaseRateLimiter(clock=t.clock, sleep=t.sleep)
    two = DatabaseRateLimiter(clock=t.clock, sleep=t.sleep)
    one.cooldown("k", 7.0)
    assert two.acquire("k") >= 7.0


@pytest.mark.django_db
def test_a_wait_longer_than_max_wait_is_rate_limited_instead_of_blocking():
    from pennylane.exceptions import RateLimitedError

    t = FakeTime()
    limiter = DatabaseRateLimiter(clock=t.clock, sleep=t.sleep)
    limiter.cooldown("k", 120)
    with pytest.raises(RateLimitedError) as caught:
        limiter.acquire("k", max_wait=30)
    assert caught.value.wait_seconds >= 119


@pytest.fixture
def redis_limiter_factory():
    url = os.environ.get("REDIS_URL")
    if not url:
        require_service("Redis", "the Redis limiter is tested against a real Redis (set REDIS_URL)")
    made = []

    def make(**kwargs):
        limiter = RedisRateLimiter(url, **kwargs)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        for key in limiter.redis.scan_iter("pennylane:rl:test-*"):
            limiter.redis.delete(key)


def test_redis_limiter_never_lets_more_than_the_limit_through_a_window(redis_limiter_factory):
    limiter = redis_limiter_factory(limit=5, window=1.0)
    key = f"test-{time.time_ns()}"
    stamps = []
    lock = threading.Lock()

    def worker():
        for _ in range(5):
            limiter.acquire(key)
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    assert len(stamps) == 15
    for i in range(len(stamps) - 5):
        assert stamps[i + 5] - stamps[i] >= 1.0, "6 acquisitions inside one window"


def test_redis_limiter_cooldown_is_seen_by_another_process_instance(redis_limiter_factory):
    key = f"test-{time.time_ns()}"
    redis_limiter_factory().cooldown(key, 1.0)
    started = time.monotonic()
    redis_limiter_factory().acquire(key)
    assert time.monotonic() - started >= 0.9
