"""Running a firing in a worker: claim, execute through its type, record the outcome, retry.

Exactly once: the claim is one atomic UPDATE (a redelivered or duplicated message finds the
firing no longer pending and does nothing), and the type's execution looks documents up by
their deterministic external_reference before any create.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import types
from .engine import enqueue
from .models import Firing, FiringAttempt, FiringStatus
from .types.base import Busy, Outcome, PermanentFailure, SkipFiring, Steps, TriggerGone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = getattr(settings, "FIRING_MAX_ATTEMPTS", 8)


def lease() -> timedelta:
    """A firing claimed longer ago than this was lost with its worker: it may be claimed again."""
    return timedelta(seconds=getattr(settings, "FIRING_LEASE_SECONDS", settings.CELERY_TASK_TIME_LIMIT + 60))


# Countdowns stay well under the broker's visibility timeout (RELIABILITY.md); longer waits
# are left to the sweeper.
MAX_COUNTDOWN = 120.0


def backoff(attempt: int) -> float:
    """5 s, 10 s, 20 s, ... capped, with jitter so a burst of failures does not retry in step."""
    return min(MAX_COUNTDOWN, 5.0 * (2 ** max(0, attempt - 1))) * random.uniform(0.8, 1.2)


def firing_claim(firing_id: int) -> Firing | None:
    now = timezone.now()
    due = Q(status=FiringStatus.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=2))
    )
    # A firing whose worker keeps dying (OOM, hard time limit) is not claimed past the cap.
    stale = Q(status=FiringStatus.RUNNING, claimed_at__lt=now - lease(), attempts__lt=MAX_ATTEMPTS)
    claimed = Firing.objects.filter(Q(pk=firing_id) & (due | stale)).update(
        status=FiringStatus.RUNNING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return None
    return Firing.objects.select_related("trigger", "activity", "history_entry").get(pk=firing_id)


@dataclass
class Result:
    status: str
    message: str
    retry_in: float | None = None
    count_attempt: bool = True


def firing_run(firing_id: int) -> str | None:
    """Entry point of the Celery task. Returns the final status, or None when nothing ran."""
    firing = firing_claim(firing_id)
    if firing is None:
        return None
    started_at, start = timezone.now(), time.monotonic()
    steps = Steps()
    outcome: Outcome | None = None
    try:
        outcome = types.get(firing.trigger_type).execute(firing, steps)
        result = Result(FiringStatus.SUCCEEDED, outcome.message)
    except Exception as exc:  # classified below; nothing escapes without being recorded
        result = classify(exc, firing.attempts)
    result = _record(firing, result, outcome, steps, started_at, int((time.monotonic() - start) * 1000))
    retry_in = result.retry_in
    if retry_in is not None:
        transaction.on_commit(lambda: enqueue(firing_id, countdown=retry_in))
    return result.status


def classify(exc: Exception, attempts: int) -> Result:
    from celery.exceptions import SoftTimeLimitExceeded
    from django.db import DataError

    from pennylane import exceptions as pl

    if isinstance(exc, SkipFiring):
        return Result(FiringStatus.SKIPPED, str(exc))
    if isinstance(exc, TriggerGone):
        return Result(FiringStatus.CANCELLED, str(exc))
    if isinstance(exc, PermanentFailure):
        return Result(FiringStatus.FAILED, str(exc))
    if isinstance(exc, Busy):
        return Result(FiringStatus.PENDING, str(exc), backoff(1), False)
    if isinstance(exc, SoftTimeLimitExceeded):
        # Most likely a long wait for the shared rate limit: not an error of this firing.
        return Result(
            FiringStatus.PENDING,
            _("Temps d'exécution dépassé (file Pennylane chargée), nouvel essai."),
            backoff(1),
            False,
        )
    if isinstance(exc, DataError):
        return Result(
            FiringStatus.FAILED, _("Valeur hors limites pour la base de données : %(e)s") % {"e": exc}
        )
    if isinstance(exc, pl.ReauthorizationRequired):
        return Result(
            FiringStatus.PAUSED,
            _("En pause : %(e)s Reconnectez le compte Pennylane pour reprendre.") % {"e": exc.message or exc},
        )
    if isinstance(exc, pl.RateLimitedError):
        # Waiting for the rate limit is not a failure: it does not use up the retry budget.
        wait = min(MAX_COUNTDOWN, max(1.0, float(exc.wait_seconds or 5)))
        return Result(
            FiringStatus.PENDING, _("Limite de débit Pennylane atteinte, nouvel essai."), wait, False
        )
    if isinstance(exc, pl.PennylaneError) and exc.permanent:
        return Result(FiringStatus.FAILED, explain(exc))
    if isinstance(exc, pl.PennylaneError):
        message = explain(exc)
    else:
        logger.exception("Firing failed unexpectedly")
        message = _("Erreur inattendue : %(e)s") % {"e": type(exc).__name__}
    if attempts >= MAX_ATTEMPTS:
        return Result(
            FiringStatus.FAILED, _("%(msg)s (abandon après %(n)d essais)") % {"msg": message, "n": attempts}
        )
    return Result(FiringStatus.PENDING, message, backoff(attempts))


def explain(exc: Exception) -> str:
    """Pennylane's error in plain words, with what to do about it."""
    from pennylane import exceptions as pl

    text = getattr(exc, "message", "") or str(exc)
    if isinstance(exc, pl.ForbiddenError):
        scope = getattr(exc, "scope", "") or ""
        return _(
            "Pennylane refuse l'accès (%(scope)s) : reconnectez le compte en accordant ce droit. %(text)s"
        ) % {
            "scope": scope,
            "text": text,
        }
    if isinstance(exc, pl.ValidationError):
        if "numérotation" in text.lower():
            return _(
                "Pennylane : « %(text)s ». Configurez la numérotation dans Pennylane puis relancez le déclenchement."
            ) % {"text": text}
        return _(
            "Pennylane a refusé le document : « %(text)s ». Corrigez l'activité ou le déclencheur puis relancez."
        ) % {"text": text}
    if isinstance(exc, pl.NotFoundError):
        return _("Introuvable dans Pennylane : %(text)s") % {"text": text}
    if isinstance(exc, pl.ConflictError):
        return _("Pennylane n'est pas prêt (%(text)s), nouvel essai.") % {"text": text}
    if isinstance(exc, pl.TransientError):
        return _("Pennylane ne répond pas correctement (%(text)s), nouvel essai.") % {"text": text}
    return text


@transaction.atomic
def _record(
    firing: Firing, result: Result, outcome: Outcome | None, steps: Steps, started_at, duration_ms: int
) -> Result:
    now = timezone.now()
    firing = Firing.objects.select_for_update().get(pk=firing.pk)
    FiringAttempt.objects.create(
        firing=firing,
        number=firing.attempts,
        started_at=started_at,
        duration_ms=duration_ms,
        outcome="retry" if result.status == FiringStatus.PENDING else result.status,
        steps=steps.items,
        error_message="" if result.status == FiringStatus.SUCCEEDED else result.message,
    )
    if result.status == FiringStatus.PAUSED and _connection_usable(firing):
        # Reconnected while this run was failing: the resume already happened, retry now.
        result = Result(FiringStatus.PENDING, result.message, backoff(1), False)
    firing.status = result.status
    firing.error_message = "" if result.status == FiringStatus.SUCCEEDED else result.message
    firing.request_data = steps.request or firing.request_data
    firing.response_data = steps.response or firing.response_data
    if not result.count_attempt:
        firing.attempts = max(0, firing.attempts - 1)
    firing.next_attempt_at = now + timedelta(seconds=result.retry_in) if result.retry_in is not None else None
    firing.claimed_at = None
    if result.status in (
        FiringStatus.SUCCEEDED,
        FiringStatus.FAILED,
        FiringStatus.SKIPPED,
        FiringStatus.CANCELLED,
    ):
        firing.finished_at = now
    firing.save()
    entry = firing.history_entry
    if entry is not None:
        entry.message = _("Déclenchement « %(name)s » : %(status)s — %(message)s") % {
            "name": firing.trigger_name,
            "status": FiringStatus(result.status).label,
            "message": result.message,
        }
        entry.save(update_fields=["message"])
    return result


@transaction.atomic
def _fail_lost(firing_id: int) -> None:
    firing = Firing.objects.select_for_update(of=("self",)).select_related("history_entry").get(pk=firing_id)
    if firing.status != FiringStatus.RUNNING:
        return
    message = _(
        "Abandon : le traitement s'est interrompu %(n)d fois (processus arrêté ou délai dépassé)."
    ) % {"n": firing.attempts}
    firing.status, firing.error_message, firing.finished_at = FiringStatus.FAILED, message, timezone.now()
    firing.save(update_fields=["status", "error_message", "finished_at", "updated_at"])
    if firing.history_entry is not None:
        firing.history_entry.message = _("Déclenchement « %(name)s » : %(status)s — %(message)s") % {
            "name": firing.trigger_name,
            "status": FiringStatus.FAILED.label,
            "message": message,
        }
        firing.history_entry.save(update_fields=["message"])


def _connection_usable(firing: Firing) -> bool:
    from pennylane.services import connection_problem

    return connection_problem(firing.business_unit) is None


def firings_sweep(stale_after: timedelta | None = None, limit: int = 500) -> int:
    """Re-enqueue firings whose message was lost (broker down, process died, worker killed)."""
    now = timezone.now()
    if stale_after is None:
        stale_after = timedelta(seconds=getattr(settings, "FIRING_SWEEP_STALE_SECONDS", 300))
    due = Q(status=FiringStatus.PENDING, updated_at__lt=now - stale_after) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now - timedelta(seconds=30))
    )
    lost = Q(status=FiringStatus.RUNNING, claimed_at__lt=now - lease())
    exhausted = Firing.objects.filter(lost, attempts__gte=MAX_ATTEMPTS).values_list("id", flat=True)
    for firing_id in list(exhausted[:limit]):
        _fail_lost(firing_id)
    ids = list(Firing.objects.filter(due | lost).order_by("id").values_list("id", flat=True)[:limit])
    for firing_id in ids:
        enqueue(firing_id)
    if ids:
        logger.info("Sweeper re-enqueued %d firings", len(ids))
    return len(ids)
