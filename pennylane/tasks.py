"""Celery tasks: thin, no arguments carrying secrets (ids only)."""

from celery import shared_task

from . import services


@shared_task(name="pennylane.tasks.connections_refresh_expiring", ignore_result=True)
def connections_refresh_expiring() -> int:
    """Beat: refresh the access tokens close to expiry, one connection at a time, under its lock."""
    return services.connections_refresh_expiring()
