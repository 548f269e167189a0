"""The "Facturer avec Pennylane" trigger type: settings, summary errors, preview, execution."""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, Customer

from . import pennylane_mapping as mapping
from .base import Outcome, PermanentFailure, Problem, SkipFiring, Steps

if TYPE_CHECKING:
    from ..models import Firing, Trigger

LABEL = "Facturer avec Pennylane"
DOCUMENTS = {"invoice": _("Facture"), "quote": _("Devis")}
DEFAULT_CONFIG: dict[str, Any] = {
    "document": "invoice",
    "invoice_mode": "draft",
    "send_email": False,
    "extra_recipients": [],
    "date_rule": "firing_date",
    "deadline_days": 30,
    "fields": ["title", "reference", "comment", "address", "dates", "assignees"],
    "custom_fields": [],
    "free_text": "Intervention {activity.reference} : {activity.title}",
    "language": "fr_FR",
}


def default_config() -> dict[str, Any]:
    return {**DEFAULT_CONFIG, "fields": list(DEFAULT_CONFIG["fields"])}


def clean_config(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValidationError({"config": [_("Un objet de paramètres est attendu.")]})
    unknown = set(raw) - set(DEFAULT_CONFIG)
    errors: dict[str, list[str]] = {f"config.{k}": [_("Paramètre inconnu.")] for k in sorted(unknown)}
    config = {**default_config(), **{k: v for k, v in raw.items() if k in DEFAULT_CONFIG}}
    if config["document"] not in ("invoice", "quote"):
        errors["config.document"] = [_("Choisissez « invoice » (facture) ou « quote » (devis).")]
    if config["invoice_mode"] not in ("draft", "finalized"):
        errors["config.invoice_mode"] = [_("Choisissez « draft » (brouillon) ou « finalized » (finalisée).")]
    if config["date_rule"] not in ("firing_date", "closure_date", "scheduled_date"):
        errors["config.date_rule"] = [_("Règle de date inconnue.")]
    if config["language"] not in ("fr_FR", "en_GB", "de_DE"):
        errors["config.language"] = [_("Langue inconnue (fr_FR, en_GB, de_DE).")]
    try:
        days = int(config["deadline_days"])
        if isinstance(config["deadline_days"], bool) or not 0 <= days <= 365:
            raise ValueError
        config["deadline_days"] = days
    except (TypeError, ValueError):
        errors["config.deadline_days"] = [_("Un nombre de jours entre 0 et 365 est attendu.")]
    config["send_email"] = bool(config["send_email"])
    recipients = config["extra_recipients"]
    if isinstance(recipients, str):
        recipients = [r for r in recipients.replace(";", ",").replace("\n", ",").split(",") if r.strip()]
    if not isinstance(recipients, list) or len(recipients) > 10:
        errors["config.extra_recipients"] = [_("Une liste de 10 e-mails au plus est attendue.")]
    else:
        try:
            for email in recipients:
                validate_email(str(email).strip())
            config["extra_recipients"] = [str(e).strip().lower() for e in recipients]
        except ValidationError:
            errors["config.extra_recipients"] = [_("Adresse e-mail invalide.")]
    if config["send_email"] and config["document"] == "invoice" and config["invoice_mode"] == "draft":
        errors["config.send_email"] = [
            _("Une facture brouillon ne peut pas être envoyée : choisissez une facture finalisée.")
        ]
    fields = config["fields"]
    if not isinstance(fields, list) or any(f not in mapping.TRANSFERABLE_FIELDS for f in fields):
        errors["config.fields"] = [_("Champs à transférer inconnus.")]
    customs = config["custom_fields"]
    if not isinstance(customs, list) or any(not isinstance(c, str) or not c.isidentifier() for c in customs):
        errors["config.custom_fields"] = [_("Codes de champs personnalisés invalides.")]
    text = config["free_text"]
    if not isinstance(text, str) or len(text) > 2000 or "\x00" in text:
        errors["config.free_text"] = [_("Texte invalide (2000 caractères au plus).")]
    elif "config.free_text" not in errors:
        try:
            mapping.check_template(text)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return config


# --- summary page ---------------------------------------------------------------------------


def problems(trigger: Trigger, *, probe: bool = True) -> list[Problem]:
    """Everything that stops this trigger from working, in plain French."""
    from pennylane import services as pl_services

    found: list[Problem] = []
    config = {**DEFAULT_CONFIG, **(trigger.config or {})}
    activity_type = trigger.activity_type
    if not activity_type.financial_data_enabled or not activity_type.billing_data_enabled:
        found.append(
            Problem(
                "error",
                _(
                    "Les données de facturation ne sont pas activées pour le type d'activité « %(type)s » : "
                    "Paramètres > Gestion catalogue > Configurer > Données financières."
                )
                % {"type": activity_type.name},
                code="billing_disabled",
            )
        )
    if not activity_type.default_billing_lines:
        found.append(
            Problem(
                "warning",
                _(
                    "Le type d'activité « %(type)s » n'a aucune ligne de facturation par défaut : "
                    "chaque activité devra avoir ses lignes, sinon Pennylane refusera le document."
                )
                % {"type": activity_type.name},
                code="no_lines",
            )
        )
    connection = pl_services.connection_for(trigger.business_unit)
    status = getattr(connection, "status", None)
    if connection is None or status in ("never", "disconnected"):
        found.append(
            Problem(
                "error",
                _("Aucune connexion Pennylane : connectez votre compte Pennylane."),
                "no_connection",
                True,
            )
        )
    elif status == "to_reconnect":
        found.append(
            Problem(
                "error",
                _("La connexion Pennylane est à rétablir (%(error)s) : reconnectez votre compte Pennylane.")
                % {"error": connection.last_error or _("autorisation expirée ou révoquée")},
                "to_reconnect",
                True,
            )
        )
    else:
        found.extend(_scope_problems(connection, config))
        if probe:
            found.extend(_numbering_problems(connection, config))
    if config["send_email"]:
        found.extend(_email_problems(trigger, config))
    return found


def _scope_problems(connection: Any, config: dict[str, Any]) -> list[Problem]:
    granted = set(connection.scopes or [])
    needed = {"customers:all", "customer_invoices:all" if config["document"] == "invoice" else "quotes:all"}
    missing = sorted(needed - granted)
    if not missing:
        return []
    return [
        Problem(
            "error",
            _(
                "L'autorisation Pennylane ne couvre pas : %(scopes)s. Reconnectez le compte en acceptant ces droits."
            )
            % {"scopes": ", ".join(missing)},
            "missing_scope",
            True,
        )
    ]


def _numbering_problems(connection: Any, config: dict[str, Any]) -> list[Problem]:
    """Asked to Pennylane: a company has invoice templates once its numbering is set up."""
    from pennylane import services as pl_services

    if config["document"] != "invoice" or "customer_invoice_templates:readonly" not in (
        connection.scopes or []
    ):
        return []  # nothing to ask for quotes; without the scope we cannot ask
    try:
        configured = pl_services.connection_call(connection.pk, numbering_configured)
    except Exception as exc:  # the summary page must render even when Pennylane does not answer
        return [
            Problem("warning", _("Pennylane n'a pas pu être interrogé : %(e)s") % {"e": exc}, "probe_failed")
        ]
    if configured is False and config["document"] == "invoice":
        return [
            Problem(
                "error",
                _(
                    "La numérotation des factures n'est pas configurée dans Pennylane (%(company)s) : "
                    "Paramètres > Facturation clients, puis revenez ici."
                )
                % {"company": connection.company_name},
                "numbering",
            )
        ]
    return []


def numbering_configured(client: Any) -> bool | None:
    """Pennylane has no numbering endpoint, but a company has a default invoice template once
    its numbering is set up (api-notes.md 7.9): no template means no numbering."""
    # Reference: getCustomerInvoiceTemplates
    templates = client.customer_invoice_templates()
    return bool(templates)


def _email_problems(trigger: Trigger, config: dict[str, Any]) -> list[Problem]:
    if config["extra_recipients"]:
        return []
    without = (
        Customer.objects.filter(activities__activity_type=trigger.activity_type, emails=[]).distinct().count()
    )
    if not without:
        return []
    return [
        Problem(
            "warning",
            _(
                "L'envoi par e-mail est activé mais %(n)d client(s) de ce type d'activité n'ont pas d'e-mail : "
                "leurs documents seront créés sans être envoyés."
            )
            % {"n": without},
            "customers_without_email",
        )
    ]


# --- preview and execution ------------------------------------------------------------------


def external_reference(firing: Firing) -> str:
    return f"cadulis-{firing.business_unit_id}-{firing.idempotency_key}"[:100]


def preview(trigger: Trigger, activity: Activity) -> dict[str, Any]:
    from ..snapshot import build

    snapshot = build(activity, trigger, event="preview")
    body = mapping.payload(
        clean_config(trigger.config or {}),
        snapshot,
        customer_id=0,
        external_reference="cadulis-<id>",
        today=timezone.localdate(),
    )
    kind = (trigger.config or {}).get("document", "invoice")
    path = "/api/external/v2/customer_invoices" if kind == "invoice" else "/api/external/v2/quotes"
    return {"method": "POST", "path": path, "body": body}


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


def execute(firing: Firing, steps: Steps) -> Outcome:
    """Create (exactly once) the firing's quote or invoice in Pennylane; send it if asked."""
    from pennylane import ensure
    from pennylane import services as pl_services
    from pennylane.exceptions import ReauthorizationRequired
    from pennylane.models import BillingDocument

    from ..models import Firing as FiringModel
    from ..models import FiringStatus

    snapshot = firing.snapshot
    config = {**DEFAULT_CONFIG, **snapshot["trigger"]["config"]}
    kind = config["document"]
    activity = Activity.objects.select_related("customer").get(pk=firing.activity_id)
    if activity.business_unit_id != firing.business_unit_id:  # a forged firing (RELIABILITY.md F20)
        raise PermanentFailure(_("Activité d'une autre business unit : refusé."))
    earlier = (
        FiringModel.objects.filter(
            trigger=firing.trigger, activity_id=firing.activity_id, status=FiringStatus.SUCCEEDED
        )
        .exclude(pk=firing.pk)
        .exclude(document_external_reference="")
        .first()
    )
    if earlier is not None and firing.trigger_id is not None:
        doc = BillingDocument.objects.filter(external_reference=earlier.document_external_reference).first()
        number = doc.number if doc else earlier.document_external_reference
        raise SkipFiring(
            _(
                "Ce déclencheur a déjà créé %(doc)s pour cette activité : aucun second document n'est créé. "
                "Pour corriger un document finalisé, faites un avoir dans Pennylane."
            )
            % {"doc": number}
        )
    if activity.customer is None:
        raise PermanentFailure(
            _("L'activité n'a pas de client : ajoutez un client puis relancez le déclenchement.")
        )
    if not snapshot["activity"].get("billing_lines"):
        raise PermanentFailure(_("L'activité n'a aucune ligne de facturation : ajoutez-en puis relancez."))
    connection = pl_services.connection_for(activity.business_unit)
    if connection is None or connection.business_unit_id != firing.business_unit_id:
        raise ReauthorizationRequired(_("Aucune connexion Pennylane pour cette business unit."))
    customer = activity.customer

    def call(operation: Any) -> Any:
        # Each call refreshes the token safely when needed and keeps the connection's health.
        return pl_services.connection_call(connection.pk, operation)

    start = time.monotonic()
    customer_id = call(
        lambda client: ensure.customer_ensure(client=client, connection=connection, customer=customer)
    )
    steps.add("customer", _ms(start))
    ref = external_reference(firing)
    body = mapping.payload(
        config, snapshot, customer_id=customer_id, external_reference=ref, today=timezone.localdate()
    )
    steps.request = {
        "method": "POST",
        "path": "customer_invoices" if kind == "invoice" else "quotes",
        "body": body,
    }
    with transaction.atomic():
        document, _created = BillingDocument.objects.get_or_create(
            external_reference=ref,
            defaults={
                "business_unit_id": firing.business_unit_id,
                "activity": activity,
                "kind": kind,
                "company_id": connection.company_id,
                "customer_pennylane_id": customer_id,
            },
        )
        FiringModel.objects.filter(pk=firing.pk).update(document_external_reference=ref)
    if document.pennylane_id is None:
        start = time.monotonic()
        remote = call(
            lambda client: ensure.document_ensure(
                client=client, kind=kind, payload=body, external_reference=ref, customer_id=customer_id
            )
        )
        steps.add("document", _ms(start))
        _document_update(document, remote, kind)
    sent = _send_if_asked(call, document, config, activity, steps)
    finalized = kind == "quote" or not document.draft
    if finalized or sent:
        Activity.objects.filter(pk=activity.pk, billing_locked_at__isnull=True).update(
            billing_locked_at=timezone.now()
        )
    steps.response = {
        "id": document.pennylane_id,
        "number": document.number,
        "status": document.status,
        "amount": str(document.amount_incl_tax),
    }
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
    return Outcome(
        message=message, request=steps.request, response=steps.response, document_external_reference=ref
    )


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
    call: Any, document: Any, config: dict[str, Any], activity: Activity, steps: Steps
) -> bool:
    if not config["send_email"] or document.sent_at is not None:
        return document.sent_at is not None
    if document.kind == "invoice" and document.draft:
        return False
    recipients = list(config["extra_recipients"]) or None
    if recipients is None and not (activity.customer and activity.customer.emails):
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


__all__ = [
    "LABEL",
    "PermanentFailure",
    "SkipFiring",
    "clean_config",
    "default_config",
    "dt",
    "execute",
    "preview",
    "problems",
]
