"""The "Facturer avec Pennylane" trigger type: settings, summary errors, preview, execution."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, Customer

from . import pennylane_mapping as mapping
from .base import Outcome, Problem, Steps

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


def execute(firing: Firing, steps: Steps) -> Outcome:
    from .pennylane_run import execute as run

    return run(firing, steps)


__all__ = ["LABEL", "clean_config", "default_config", "execute", "preview", "problems"]
