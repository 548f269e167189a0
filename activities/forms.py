"""Forms of the activity and customer pages (the writes themselves go through services)."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import UIForm
from accounts.principal import Principal
from catalog.selectors import activity_types_for_choice

from . import selectors
from .models import Activity, CustomerKind
from .status import Action, CancelReason, Status

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class BoundedDateTimeField(forms.DateTimeField):
    """Refuses absurd years here, before any arithmetic on them could overflow."""

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        if result is not None and not (2000 <= result.year <= 2100):
            raise ValidationError(_("Date hors limites (années 2000 à 2100)."), code="range")
        return result


def datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        **kwargs,
    )


def minute(value: Any) -> Any:
    """datetime-local inputs hold minutes: compare stored values at that precision."""
    if value is None:
        return None
    return timezone.localtime(value).replace(second=0, microsecond=0)


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=Status.choices)
    activity_type = django_filters.ModelChoiceFilter(label=_("Type"), queryset=None)
    customer = django_filters.ModelChoiceFilter(label=_("Client"), queryset=None)
    assignee = django_filters.ModelChoiceFilter(label=_("Intervenant"), field_name="assignees", queryset=None)
    date_from = django_filters.DateFilter(
        label=_("Planifiée à partir du"),
        field_name="scheduled_start",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Planifiée jusqu'au"),
        field_name="scheduled_start",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Activity
        fields: list[str] = []
        form = UIForm

    def __init__(self, *args: Any, principal: Principal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["activity_type"].queryset = activity_types_for_choice(
            business_unit=principal.business_unit
        )
        self.filters["customer"].queryset = selectors.customers_for_choice(principal=principal)
        if principal.is_field_worker:
            del self.filters["assignee"]
        else:
            self.filters["assignee"].queryset = selectors.assignable_users(principal=principal)

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        from django.db.models import Q

        return queryset.filter(
            Q(title__icontains=value) | Q(reference__icontains=value) | Q(city__icontains=value)
        )


class ActivityForm(UIForm):
    title = forms.CharField(label=_("Titre"), max_length=300)
    activity_type = forms.ModelChoiceField(label=_("Type d'activité"), queryset=None)
    customer = forms.ModelChoiceField(label=_("Client"), queryset=None, required=False)
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=20, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    scheduled_start = datetime_field(_("Début prévu"))
    scheduled_end = datetime_field(_("Fin prévue"))
    assignees = forms.ModelMultipleChoiceField(
        label=_("Intervenants"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, principal: Principal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = activity_types_for_choice(
            business_unit=principal.business_unit
        )
        self.fields["customer"].queryset = selectors.customers_for_choice(principal=principal)
        self.fields["assignees"].queryset = selectors.assignable_users(principal=principal)
        self.fields["activity_type"].widget.attrs["data-type-select"] = "1"

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        return {
            "title": activity.title,
            "activity_type": activity.activity_type_id,
            "customer": activity.customer_id,
            "address": activity.address,
            "postal_code": activity.postal_code,
            "city": activity.city,
            "scheduled_start": minute(activity.scheduled_start),
            "scheduled_end": minute(activity.scheduled_end),
            "assignees": [u.pk for u in activity.assignees.all()],
            "comment": activity.comment,
        }


class CustomFieldForm(UIForm):
    code = forms.CharField(label=_("Code"), max_length=50, required=False)
    value = forms.CharField(label=_("Valeur"), max_length=2000, required=False)


class BaseCustomFieldFormSet(forms.BaseFormSet):
    def values(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            code = (data.get("code") or "").strip()
            if code:
                result[code] = data.get("value") or ""
            elif (data.get("value") or "").strip():
                form.add_error("code", _("Ce champ est obligatoire."))
        return result

    def apply_errors(self, exc: ValidationError) -> None:
        for key, messages in exc.message_dict.items():
            code = key.removeprefix("custom_fields.")
            target = next(
                (
                    f
                    for f in self.forms
                    if (getattr(f, "cleaned_data", {}) or {}).get("code", "").strip() == code
                ),
                None,
            )
            if target is not None and key != code:
                target.add_error("code", messages)
            else:
                self._non_form_errors = self.non_form_errors() + messages  # type: ignore[operator]


CustomFieldFormSet = forms.formset_factory(
    CustomFieldForm, formset=BaseCustomFieldFormSet, extra=1, can_delete=True, max_num=100
)


def custom_formset(data: Any = None, *, values: dict[str, Any] | None = None) -> BaseCustomFieldFormSet:
    initial = [{"code": k, "value": "" if v is None else str(v)} for k, v in (values or {}).items()]
    return CustomFieldFormSet(data, initial=initial, prefix="custom")


class TransitionForm(UIForm):
    action = forms.ChoiceField(choices=Action.choices, widget=forms.HiddenInput)
    cancel_reason = forms.ChoiceField(
        label=_("Motif d'annulation"), choices=[("", "—"), *CancelReason.choices], required=False
    )
    cancel_details = forms.CharField(
        label=_("Détails"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    scheduled_start = datetime_field(_("Début prévu"))
    scheduled_end = datetime_field(_("Fin prévue"))
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        if action == Action.CANCEL and not data.get("cancel_reason"):
            self.add_error("cancel_reason", _("Choisissez un motif d'annulation."))
        return data


class CustomerSearchForm(UIForm):
    q = forms.CharField(label=_("Recherche"), required=False, max_length=100)


class CustomerForm(UIForm):
    kind = forms.ChoiceField(label=_("Type"), choices=CustomerKind.choices, widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Référence"), max_length=100)
    name = forms.CharField(label=_("Raison sociale"), max_length=200, required=False)
    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    emails = forms.CharField(
        label=_("E-mails"),
        required=False,
        max_length=2000,
        help_text=_("Plusieurs adresses séparées par des virgules."),
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=20, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    country = forms.CharField(label=_("Pays"), max_length=2, initial="FR")
    vat_number = forms.CharField(label=_("Numéro de TVA"), max_length=20, required=False)
    siren = forms.CharField(label=_("SIREN"), max_length=11, required=False)

    def clean_emails(self) -> str:
        # The service splits and validates; keep the text as typed.
        return re.sub(r"\s+", " ", self.cleaned_data["emails"]).strip()
