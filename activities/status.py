"""The activity status machine (product/cadulis.md section 2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    TO_SCHEDULE = "to_schedule", _("À planifier")
    SCHEDULED = "scheduled", _("Planifiée")
    IN_PROGRESS = "in_progress", _("En cours")
    CLOSED_OK = "closed_ok", _("Clôturée OK")
    CLOSED_KO = "closed_ko", _("Clôturée KO")
    CANCELLED = "cancelled", _("Annulée")


class Action(models.TextChoices):
    SCHEDULE = "schedule", _("Planifier")
    UNSCHEDULE = "unschedule", _("Remettre à planifier")
    START = "start", _("Démarrer")
    CLOSE_OK = "close_ok", _("Clôturer OK")
    CLOSE_KO = "close_ko", _("Clôturer KO")
    CANCEL = "cancel", _("Annuler")
    REOPEN = "reopen", _("Rouvrir")


OPEN_STATUSES = {Status.TO_SCHEDULE, Status.SCHEDULED, Status.IN_PROGRESS}
CLOSED_STATUSES = {Status.CLOSED_OK, Status.CLOSED_KO}

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.SCHEDULE: (frozenset({Status.TO_SCHEDULE, Status.SCHEDULED}), Status.SCHEDULED),
    Action.UNSCHEDULE: (frozenset({Status.SCHEDULED}), Status.TO_SCHEDULE),
    Action.START: (frozenset({Status.SCHEDULED, Status.TO_SCHEDULE}), Status.IN_PROGRESS),
    Action.CLOSE_OK: (frozenset(OPEN_STATUSES), Status.CLOSED_OK),
    Action.CLOSE_KO: (frozenset(OPEN_STATUSES), Status.CLOSED_KO),
    Action.CANCEL: (frozenset(OPEN_STATUSES), Status.CANCELLED),
    Action.REOPEN: (frozenset(CLOSED_STATUSES | {Status.CANCELLED}), Status.TO_SCHEDULE),
}

# What a field worker may do on an activity assigned to them.
FIELD_WORKER_ACTIONS = frozenset({Action.START, Action.CLOSE_OK, Action.CLOSE_KO})


class CancelReason(models.TextChoices):
    CUSTOMER_REQUEST = "customer_request", _("Demande du client")
    ORDERER = "orderer", _("Donneur d'ordre")
    INTERNAL = "internal", _("Interne")
    MISSING_EQUIPMENT = "missing_equipment", _("Matériel manquant")
    OTHER = "other", _("Autre")


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if status in sources]
