from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SkipFiring(Exception):
    """Nothing to do, on purpose (e.g. the document already exists): the firing is skipped."""


class PermanentFailure(Exception):
    """A failure no retry can fix; the message tells the administrator what to change."""


@dataclass
class Problem:
    level: str  # "error" or "warning"
    message: str
    code: str = ""
    connect_button: bool = False


@dataclass
class Outcome:
    message: str
    request: dict[str, Any] = field(default_factory=dict)
    response: dict[str, Any] = field(default_factory=dict)
    document_external_reference: str = ""


@dataclass
class Steps:
    """What a run did, step by step, for the attempt row (no tokens, no full bodies)."""

    items: list[dict[str, Any]] = field(default_factory=list)
    request: dict[str, Any] = field(default_factory=dict)
    response: dict[str, Any] = field(default_factory=dict)

    def add(self, step: str, ms: int, status: str = "ok", error: str = "") -> None:
        self.items.append({"step": step, "ms": ms, "status": status, "error": error[:500]})


class Busy(Exception):
    """Another firing of the same trigger and activity is creating the document: try again soon."""


class TriggerGone(Exception):
    """The trigger was deleted or deactivated while the firing waited: it is cancelled."""
