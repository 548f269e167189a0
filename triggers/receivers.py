"""Receivers other than the activity one: cache invalidation, resuming paused firings."""

import logging
from typing import Any

from . import cache

logger = logging.getLogger(__name__)


def trigger_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    cache.invalidate(instance.business_unit_id)


def connection_restored(sender: Any, business_unit: Any, **kwargs: Any) -> None:
    from .services import firings_resume

    firings_resume(business_unit=business_unit)


def connect_pennylane() -> None:
    try:
        from pennylane.signals import connection_restored as signal
    except ImportError:  # the pennylane app is being built; nothing to resume without it
        logger.warning("pennylane.signals not available: paused firings will not resume on reconnection")
        return
    signal.connect(connection_restored, dispatch_uid="triggers_connection_restored")
