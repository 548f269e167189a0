"""Active triggers per (business unit, activity type), cached so a save reads them without SQL.

The cache key carries a per-business-unit version that every trigger change bumps (at once
and again on commit), so no process keeps using a trigger that was edited, paused or deleted.
With REDIS_URL set the cache is shared by every process; otherwise it is per process.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

from .models import Trigger

TTL = 300
# Tests give each test its own namespace (ids repeat across test databases).
NAMESPACE = "v1"


def _version_key(business_unit_id: int) -> str:
    return f"triggers:{NAMESPACE}:version:{business_unit_id}"


def _version(business_unit_id: int) -> str:
    version = cache.get(_version_key(business_unit_id))
    if version is None:
        version = uuid.uuid4().hex
        cache.set(_version_key(business_unit_id), version, None)
    return str(version)


def active_triggers(business_unit_id: int, activity_type_id: int) -> list[Trigger]:
    key = f"triggers:{NAMESPACE}:{business_unit_id}:{activity_type_id}:{_version(business_unit_id)}"
    triggers = cache.get(key)
    if triggers is None:
        triggers = list(
            Trigger.objects.filter(
                business_unit_id=business_unit_id, activity_type_id=activity_type_id, active=True
            ).order_by("priority", "id")
        )
        cache.set(key, triggers, TTL)
    return triggers


def invalidate(business_unit_id: int) -> None:
    def bump() -> None:
        cache.set(_version_key(business_unit_id), uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)
