"""Forms of "Paramètres > Déclenchements": they shape input; the services validate it."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit
from activities.status import Status
from catalog.models import ActivityType

from . import conditions
from .models import Event, Logic, Recurrence, Trigger, TriggerType
from .types import pennylane_mapping
from .types.pennylane_billing import DEFAULT_CONFIG

CONDITION_KEY = re.compile(r"^conditions\[(\d+)\](?:\.(field|operator|value))?$")
MAX_CONDITION_ROWS = 30

DOCUMENT_CHOICES = [("invoice", _("Facture")), ("quote", _("Devis"))]
INVOICE_MODE_CHOICES = [("draft", _("Brouillon")), ("finalized", _("Finalisée"))]
DATE_RULE_CHOICES = [
    ("firing_date", _("Date du déclenchement")),
    ("closure_date", _("Date de clôture de l'activité")),
    ("scheduled_date", _("Date prévue de l'activité")),
]
LANGUAGE_CHOICES = [("fr_FR", _("Français")), ("en_GB", _("Anglais")), ("de_DE", _("Allemand"))]
FIELD_LABELS = {
    "title": _("Titre de l'activité (objet du document)"),
    "reference": _("Référence de l'activité"),
    "comment": _("Commentaire (description)"),
    "address": _("Adresse d'intervention"),
    "dates": _("Dates prévue et de clôture"),
    "assignees": _("Intervenants"),
}
CONFIG_FIELDS = (
    "document",
    "invoice_mode",
    "send_email",
    "extra_recipients",
    "date_rule",
    "deadline_days",
    "fields",
    "custom_fields",
    "free_text",
    "language",
)
# Service error keys -> form field names.
FIELD_MAP = {f"config.{name}": name for name in CONFIG_FIELDS}


class TriggerAddForm(forms.Form):
    """ "Ajout de déclenchement": Type d'activité, Nom, Type de déclenchement."""

    activity_type = forms.ModelChoiceField(label=_("Type d'activité"), queryset=ActivityType.objects.none())
    name = forms.CharField(label=_("Nom"), max_length=200)
    trigger_type = forms.ChoiceField(
        label=_("Type de déclenchement"), choices=TriggerType.choices, initial=TriggerType.PENNYLANE_BILLING
    )

    def __init__(self, *args: Any, business_unit: BusinessUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ActivityType.objects.filter(business_unit=business_unit).order_by("name", "id")
        field.empty_label = _("— Choisissez un type d'activité —")


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]


class TriggerSettingsForm(forms.Form):
    active = forms.BooleanField(label=_("Actif"), required=False)
    name = forms.CharField(label=_("Nom"), max_length=200)
    event = forms.ChoiceField(label=_("Événement déclencheur"), choices=Event.choices)
    event_status = forms.ChoiceField(
        label=_("Statut visé"),
        choices=[("", _("— N'importe quel statut —")), *Status.choices],
        required=False,
    )
    recurrence = forms.ChoiceField(
        label=_("Quand déclencher"), choices=Recurrence.choices, widget=forms.RadioSelect
    )
    condition_logic = forms.ChoiceField(
        label=_("Opérateur logique"), choices=Logic.choices, widget=forms.RadioSelect, initial=Logic.AND
    )
    priority = forms.IntegerField(
        label=_("Priorité"), min_value=0, max_value=10000, help_text=_("Les plus petits passent en premier.")
    )
    document = forms.ChoiceField(
        label=_("Document à créer"), choices=DOCUMENT_CHOICES, widget=forms.RadioSelect
    )
    invoice_mode = forms.ChoiceField(
        label=_("Facture"), choices=INVOICE_MODE_CHOICES, widget=forms.RadioSelect, required=False
    )
    send_email = forms.BooleanField(
        label=_("Envoyer le document au client par e-mail (par Pennylane)"), required=False
    )
    extra_recipients = forms.CharField(
        label=_("Destinataires supplémentaires"),
        required=False,
        max_length=2000,
        help_text=_("E-mails séparés par des virgules ; vide = les e-mails du client."),
    )
    date_rule = forms.ChoiceField(label=_("Date du document"), choices=DATE_RULE_CHOICES)
    deadline_days = forms.IntegerField(
        label=_("Délai de paiement / validité du devis (jours)"), min_value=0, max_value=365
    )
    fields = forms.MultipleChoiceField(
        label=_("Champs à transférer"),
        choices=[(f, FIELD_LABELS.get(f, f)) for f in pennylane_mapping.TRANSFERABLE_FIELDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Les lignes de facturation sont toujours transférées."),
    )
    custom_fields = forms.CharField(
        label=_("Champs personnalisés à transférer (codes)"),
        required=False,
        max_length=1000,
        help_text=_("Codes séparés par des virgules, par exemple : numero_bon, etage."),
    )
    free_text = forms.CharField(
        label=_("Texte libre"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    language = forms.ChoiceField(label=_("Langue du document"), choices=LANGUAGE_CHOICES)

    @classmethod
    def initial_for(cls, trigger: Trigger) -> dict[str, Any]:
        config = {**DEFAULT_CONFIG, **(trigger.config or {})}
        return {
            "active": trigger.active,
            "name": trigger.name,
            "event": trigger.event,
            "event_status": trigger.event_status,
            "recurrence": trigger.recurrence,
            "condition_logic": trigger.condition_logic,
            "priority": trigger.priority,
            "document": config["document"],
            "invoice_mode": config["invoice_mode"],
            "send_email": config["send_email"],
            "extra_recipients": ", ".join(config["extra_recipients"] or []),
            "date_rule": config["date_rule"],
            "deadline_days": config["deadline_days"],
            "fields": list(config["fields"] or []),
            "custom_fields": ", ".join(config["custom_fields"] or []),
            "free_text": config["free_text"],
            "language": config["language"],
        }

    def service_data(self, condition_rows: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "active": data["active"],
            "name": data["name"],
            "event": data["event"],
            "event_status": data["event_status"],
            "recurrence": data["recurrence"],
            "condition_logic": data["condition_logic"],
            "priority": data["priority"],
            "conditions": [
                {"field": r["field"], "operator": r["operator"], "value": r["value"]} for r in condition_rows
            ],
            "config": {
                "document": data["document"],
                "invoice_mode": data["invoice_mode"] or "draft",
                "send_email": data["send_email"],
                "extra_recipients": _split(data["extra_recipients"]),
                "date_rule": data["date_rule"],
                "deadline_days": data["deadline_days"],
                "fields": list(data["fields"]),
                "custom_fields": _split(data["custom_fields"]),
                "free_text": data["free_text"],
                "language": data["language"],
            },
        }

    def apply_service_errors(self, exc: ValidationError, rows: list[dict[str, Any]]) -> None:
        """Put each service error next to its field, conditions errors next to their row."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            match = CONDITION_KEY.match(key)
            if match and int(match.group(1)) < len(rows):
                rows[int(match.group(1))]["errors"].extend(messages)
                continue
            name = FIELD_MAP.get(key, key)
            if name in self.fields:
                self.add_error(name, messages)
            else:
                self.add_error(None, [f"{key} : {m}" if key != "__all__" else m for m in messages])


def condition_rows_from_trigger(trigger: Trigger) -> list[dict[str, Any]]:
    rows = []
    for c in trigger.conditions or []:
        value = c.get("value", "")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        rows.append(
            {"field": c.get("field", ""), "operator": c.get("operator", "eq"), "value": value, "errors": []}
        )
    return rows


def condition_rows_from_post(post: QueryDict) -> list[dict[str, Any]]:
    """The rows of the conditions editor; blank rows and rows marked "remove" are dropped."""
    fields = post.getlist("cond_field")[:MAX_CONDITION_ROWS]
    operators = post.getlist("cond_operator")
    values = post.getlist("cond_value")
    removed = set(post.getlist("cond_remove"))
    rows = []
    for index, field in enumerate(fields):
        if str(index) in removed or not field.strip():
            continue
        rows.append(
            {
                "field": field.strip()[:200],
                "operator": (operators[index] if index < len(operators) else "")[:20],
                "value": (values[index] if index < len(values) else "")[:2000],
                "errors": [],
            }
        )
    return rows


def condition_editor_context() -> dict[str, Any]:
    return {
        "condition_fields": conditions.field_choices(),
        "condition_operators": list(conditions.OPERATORS.items()),
        "no_value_operators": sorted(conditions.NO_VALUE_OPERATORS),
    }


class PreviewForm(forms.Form):
    activity = forms.TypedChoiceField(label=_("Activité"), coerce=int, choices=())

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(a.pk, f"{a.reference} — {a.title}") for a in activities]


class ForceForm(forms.Form):
    trigger = forms.IntegerField(min_value=1, max_value=2**63 - 1)
