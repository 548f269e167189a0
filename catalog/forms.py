"""Catalog forms, and the billing lines editor shared with the activity forms."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import UIForm

from . import billing
from .models import OperationType
from .vat import DEFAULT_VAT, VAT_CHOICES

LINE_ERROR_KEY = re.compile(r"^billing_lines\[(\d+)\]\.(\w+)$")


class ActivityTypeForm(UIForm):
    name = forms.CharField(label=_("Nom"), max_length=200)
    reference = forms.CharField(label=_("Référence"), max_length=100, required=False)
    operation_type = forms.ChoiceField(label=_("Type d'opération"), choices=OperationType.choices)
    default_duration_minutes = forms.IntegerField(
        label=_("Durée par défaut (minutes)"), min_value=1, max_value=60 * 24 * 31, initial=60
    )
    financial_data_enabled = forms.BooleanField(label=_("Activer les données financières"), required=False)
    billing_data_enabled = forms.BooleanField(label=_("Activer les données de facturation"), required=False)
    manual_triggers_enabled = forms.BooleanField(
        label=_("Les déclencheurs sont disponibles manuellement sur l'activité"), required=False
    )


class BillingLineForm(UIForm):
    label = forms.CharField(label=_("Libellé"), required=False, max_length=500)
    quantity = forms.CharField(
        label=_("Quantité"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit = forms.CharField(label=_("Unité"), required=False, max_length=50, initial="piece")
    unit_price = forms.CharField(
        label=_("Prix unitaire HT"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    # Checked by clean_lines with the other fields (so all errors show at once); optional on blank rows.
    vat_rate = forms.CharField(
        label=_("TVA"),
        required=False,
        initial=DEFAULT_VAT,
        max_length=30,
        widget=forms.Select(choices=VAT_CHOICES),
    )
    # Kept as is: the description comes from the API and has no room in the row editor.
    description = forms.CharField(required=False, widget=forms.HiddenInput, max_length=5000)


class BaseBillingLineFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[forms.Form]:
        """Rows that hold a line: not deleted, not an untouched blank row."""
        kept = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if not any(str(data.get(k) or "").strip() for k in ("label", "quantity", "unit_price")):
                continue
            kept.append(form)
        return kept

    def lines(self) -> list[dict[str, Any]]:
        return [
            {
                k: (form.cleaned_data.get(k) or "")
                for k in ("label", "quantity", "unit", "unit_price", "vat_rate", "description")
            }
            for form in self.kept_forms()
        ]

    def clean_lines(self) -> list[dict[str, str]] | None:
        """Validate with catalog.billing; errors go next to the field of the row. None if invalid."""
        if not self.is_valid():
            return None
        kept = self.kept_forms()
        try:
            return billing.clean_lines(self.lines())
        except ValidationError as exc:
            self.apply_errors(exc, kept)
            return None

    def apply_errors(self, exc: ValidationError, kept: list[forms.Form] | None = None) -> None:
        kept = self.kept_forms() if kept is None else kept
        for key, messages in exc.message_dict.items():
            match = LINE_ERROR_KEY.match(key)
            if match and int(match[1]) < len(kept) and match[2] in kept[int(match[1])].fields:
                kept[int(match[1])].add_error(match[2], messages)
            else:
                self._non_form_errors = self.non_form_errors() + messages  # type: ignore[operator]


BillingLineFormSet = forms.formset_factory(
    BillingLineForm, formset=BaseBillingLineFormSet, extra=1, can_delete=True, max_num=billing.MAX_LINES
)


def billing_formset(
    data: Any = None, *, lines: list[dict[str, Any]] | None = None, **kwargs: Any
) -> BaseBillingLineFormSet:
    initial = [{**line} for line in (lines or [])]
    return BillingLineFormSet(data, initial=initial, prefix="lines", **kwargs)
