"""In-memory runtime state of the sandbox process: rate-limit windows, injected faults, counters.

The server is one multi-threaded process, so a lock-protected module state is enough. None of
this survives a restart (the data does: it lives in the database).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from . import conf

RATE_LIMIT = 25
RATE_PERIOD = 5.0

_lock = threading.Lock()


@dataclass
class FaultRule:
    method: str
    path_regex: str
    status: int | None = None
    times: int = 1
    latency: float | None = None
    drop_after_commit: bool = False
    body: Any = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method.upper())) and re.search(self.path_regex, path) is not None


@dataclass
class State:
    windows: dict[str, deque[float]] = field(default_factory=dict)
    faults: list[FaultRule] = field(default_factory=list)
    force_429_until: float = 0.0
    lose_next_token_response: bool = False
    pdf_delay: float = 5.0
    requests: Counter[str] = field(default_factory=Counter)
    refreshes: Counter[str] = field(default_factory=Counter)


STATE = State(pdf_delay=conf.default_pdf_delay())


def reset() -> None:
    with _lock:
        STATE.windows.clear()
        STATE.faults.clear()
        STATE.force_429_until = 0.0
        STATE.lose_next_token_response = False
        STATE.pdf_delay = conf.default_pdf_delay()
        STATE.requests.clear()
        STATE.refreshes.clear()


def count(name: str) -> None:
    with _lock:
        STATE.requests[name] += 1


def count_refresh(client_id: str) -> None:
    with _lock:
        STATE.refreshes[client_id] += 1


def rate_limit_hit(key: str) -> tuple[bool, int, int, int]:
    """Sliding 5-second window per token: (allowed, remaining, reset_epoch, retry_after)."""
    now = time.time()
    with _lock:
        forced = STATE.force_429_until - now
        window = STATE.windows.setdefault(key, deque())
        while window and window[0] <= now - RATE_PERIOD:
            window.popleft()
        if forced > 0:
            return False, 0, math.ceil(STATE.force_429_until), max(1, math.ceil(forced))
        if len(window) >= RATE_LIMIT:
            wait = window[0] + RATE_PERIOD - now
            return False, 0, math.ceil(window[0] + RATE_PERIOD), max(1, math.ceil(wait))
        window.append(now)
        reset_at = math.ceil(window[0] + RATE_PERIOD)
        return True, RATE_LIMIT - len(window), reset_at, 0


def add_fault(rule: FaultRule) -> None:
    with _lock:
        STATE.faults.append(rule)


def take_fault(method: str, path: str) -> FaultRule | None:
    """The first rule matching the request, its counter decremented (removed when used up)."""
    with _lock:
        for rule in STATE.faults:
            if rule.matches(method, path):
                rule.times -= 1
                if rule.times <= 0:
                    STATE.faults.remove(rule)
                return rule
    return None


def take_lose_token_response() -> bool:
    with _lock:
        lose = STATE.lose_next_token_response
        STATE.lose_next_token_response = False
        return lose


def restore_lose_token_response() -> None:
    with _lock:
        STATE.lose_next_token_response = True
