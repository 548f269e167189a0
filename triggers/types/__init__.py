"""Trigger types: one module each, registered here. A type validates its settings, lists what
stops it from working, previews and executes a firing. Adding an HTTP-call or e-mail type is
one more module with the same functions."""

from __future__ import annotations

from types import ModuleType

from ..models import TriggerType
from . import pennylane_billing

REGISTRY: dict[str, ModuleType] = {
    TriggerType.PENNYLANE_BILLING: pennylane_billing,
}


def get(trigger_type: str) -> ModuleType:
    return REGISTRY[trigger_type]
