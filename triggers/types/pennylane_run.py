"""Executing a "Facturer avec Pennylane" firing: exactly one document per trigger and activity.

The document's external_reference is deterministic per (trigger, activity): every firing of
the same trigger for the same activity (a retry, a redelivery, a forced run, a resumed pause)
ensures the same Pennylane document, looked up before any create. Under the activity's row
lock, one firing at a time may create it; the others wait (transient) or are skipped once it
exists.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, Customer

from . import pennylane_mapping as mapping
from .base import Busy, Outcome, PermanentFailure, SkipFiring, Steps, TriggerGone

if TYPE_CHECKING:
    from ..models import Firing

DOCUMENTS = {"invoice": _("Facture"), "quote": _("Devis")}


def external_reference(firing: Firing) -> str:
    if firing.trigger_id is None:
        return f"cadulis-{firing.business_unit_id}-{firing.idempotency_key}"[:100]
    return f"cadulis-{firing.business_unit_id}-t{firing.trigger_id}-a{firing.activity_id}"


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


def _reserve(firing: Firing, kind: str, ref: str, company_id: int | None) -> Any:
    """Under the activity's lock: skip if done, wait if another firing is creating, else reserve."""
    from pennylane.models import BillingDocument

    from ..execution import lease
    from ..models import Firing as FiringModel
    from ..models import FiringStatus

    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=firing.activity_id)
        siblings = FiringModel.objects.filter(trigger=firing.trigger, activity_id=activity.pk).exclude(
            pk=firing.pk
        )
        document = BillingDocument.objects.filter(external_reference=ref).first()
        if siblings.filter(status=FiringStatus.SUCCEEDED).exists():
            raise SkipFiring(
                _(
                    "Ce déclencheur a déjà créé %(doc)s pour cette activité : aucun second document n'est "
                    "créé. Pour corriger un document finalisé, faites un avoir dans Pennylane."
                )
                % {"doc": (document.number if document and document.number else ref)}
            )
        fresh = timezone.now() - lease()
        if siblings.filter(
            status=FiringStatus.RUNNING, document_external_reference=ref, claimed_at__gte=fresh
        ).exists():
            raise Busy(_("Un autre déclenchement crée ce document en ce moment : nouvel essai."))
        if document is None:
            document = BillingDocument.objects.create(
                external_reference=ref,
                business_unit_id=firing.business_unit_id,
                activity=activity,
                kind=kind,
                company_id=company_id,
            )
        FiringModel.objects.filter(pk=firing.pk).update(document_external_reference=ref)
        return activity, document


def execute(firing: Firing, steps: Steps) -> Outcome:
    from pennylane import ensure
    from pennylane import services as pl_services
    from pennylane.exceptions import ReauthorizationRequired

    from .pennylane_billing import DEFAULT_CONFIG

    if firing.trigger_id is None or (
        firing.trigger is not None and not firing.trigger.active and firing.forced_by_id is None
    ):
        raise TriggerGone(_("Annulé : le déclencheur a été supprimé ou désactivé."))
    snapshot = firing.snapshot
    config = {**DEFAULT_CONFIG, **snapshot["trigger"]["config"]}
    kind = config["document"]
    if firing.activity.business_unit_id != firing.business_unit_id:  # a forged firing (RELIABILITY.md F20)
        raise PermanentFailure(_("Activité d'une autre business unit : refusé."))
    customer_id_at_event = (snapshot.get("customer") or {}).get("id")
    customer = (
        Customer.objects.filter(
            pk=int(customer_id_at_event), business_unit_id=firing.business_unit_id
        ).first()
        if customer_id_at_event
        else None
    )
    if customer is None:
        raise PermanentFailure(
            _("L'activité n'avait pas de client : ajoutez un client puis forcez le déclenchement.")
        )
    if not snapshot["activity"].get("billing_lines"):
        raise PermanentFailure(_("L'activité n'a aucune ligne de facturation : ajoutez-en puis relancez."))
    connection = pl_services.connection_for(firing.activity.business_unit)
    if connection is None or connection.business_unit_id != firing.business_unit_id:
        raise ReauthorizationRequired(_("Aucune connexion Pennylane pour cette business unit."))

    def call(operation: Any) -> Any:
        # Each call refreshes the token safely when needed and keeps the connection's health.
        return pl_services.connection_call(connection.pk, operation)

    ref = external_reference(firing)
    activity, document = _reserve(firing, kind, ref, connection.company_id)
    start = time.monotonic()
    customer_id = document.customer_pennylane_id or call(
        lambda client: ensure.customer_ensure(client=client, connection=connection, customer=customer)
    )
    steps.add("customer", _ms(start))
    if document.customer_pennylane_id is None:
        document.customer_pennylane_id = customer_id
        document.save(update_fields=["customer_pennylane_id", "updated_at"])
    body = mapping.payload(
        config, snapshot, customer_id=customer_id, external_reference=ref, today=timezone.localdate()
    )
    steps.request = {
        "method": "POST",
        "path": "customer_invoices" if kind == "invoice" else "quotes",
        "body": body,
    }
    if document.pennylane_id is None:
        start = time.monotonic()
        remote = call(
            lambda client: ensure.document_ensure(
                client=client, kind=kind, payload=body, external_reference=ref, customer_id=customer_id
            )
        )
        steps.add("document", _ms(start))
        _document_update(document, remote, kind)
    # Lock before sending: a finalized invoice (or any quote) can no longer change, sent or not.
    if kind == "quote" or not document.draft:
        Activity.objects.filter(pk=activity.pk, billing_locked_at__isnull=True).update(
            billing_locked_at=timezone.now()
        )
    sent = _send_if_asked(call, document, config, customer, steps)
    if sent:
        Activity.objects.filter(pk=activity.pk, billing_locked_at__isnull=True).update(
            billing_locked_at=timezone.now()
        )
    steps.response = {
        "id": document.pennylane_id,
        "number": document.number,
        "status": document.status,
        "amount": str(document.amount_incl_tax),
    }
    return Outcome(
        message=_message(document, kind, sent),
        request=steps.request,
        response=steps.response,
        document_external_reference=ref,
    )


def _message(document: Any, kind: str, sent: bool) -> str:
    label = DOCUMENTS[kind]
    if document.number:
        message = _("%(doc)s %(number)s créé(e) dans Pennylane (%(status)s)") % {
            "doc": label,
            "number": document.number,
            "status": _("brouillon") if document.draft else document.status,
        }
    else:  # a draft has no number until it is finalized in Pennylane
        message = _("%(doc)s brouillon créé(e) dans Pennylane (identifiant %(id)s)") % {
            "doc": label,
            "id": document.pennylane_id,
        }
    if sent:
        message += _(" et envoyé(e) par e-mail")
    return message


def _document_update(document: Any, remote: dict[str, Any], kind: str) -> None:
    document.pennylane_id = remote["id"]
    document.number = remote.get("invoice_number" if kind == "invoice" else "quote_number") or ""
    document.status = remote.get("status") or ""
    document.draft = bool(remote.get("draft", False))
    document.currency = remote.get("currency") or "EUR"
    document.amount_excl_tax = remote.get("currency_amount_before_tax") or "0"
    document.amount_incl_tax = remote.get("currency_amount") or remote.get("amount") or "0"
    if not document.draft and document.finalized_at is None and kind == "invoice":
        document.finalized_at = timezone.now()
    document.save()


def _send_if_asked(
    call: Any, document: Any, config: dict[str, Any], customer: Customer, steps: Steps
) -> bool:
    if not config["send_email"] or document.sent_at is not None:
        return document.sent_at is not None
    if document.kind == "invoice" and document.draft:
        return False
    recipients = list(config["extra_recipients"]) or None
    if recipients is None and not customer.emails:
        steps.add("send_email", 0, "skipped", "client sans e-mail")
        return False
    start = time.monotonic()
    if document.kind == "invoice":
        call(lambda client: client.invoice_send_by_email(document.pennylane_id, recipients=recipients))
    else:
        call(lambda client: client.quote_send_by_email(document.pennylane_id, recipients=recipients))
    steps.add("send_email", _ms(start))
    document.sent_at = timezone.now()
    document.save(update_fields=["sent_at", "updated_at"])
    return True


__all__ = ["execute", "external_reference"]
