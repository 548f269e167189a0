"""Celery tasks: ids in, a service call, nothing else (STYLE.md)."""

from celery import shared_task
from django.conf import settings

from . import execution


@shared_task(
    name="triggers.tasks.firing_execute",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    ignore_result=True,
)
def firing_execute(firing_id: int) -> str | None:
    return execution.firing_run(firing_id)


@shared_task(name="triggers.tasks.firings_sweep", ignore_result=True)
def firings_sweep() -> int:
    return execution.firings_sweep()
