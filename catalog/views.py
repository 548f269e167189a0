""" "Paramètres > Gestion catalogue": list, create and "Configurer" an activity type."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.views_mixins import apply_validation_error, bu_view, get_for_business_unit, principal_of

from . import selectors, services
from .forms import ActivityTypeForm, billing_formset
from .models import ActivityType

FIELD_MAP = {"default_duration": "default_duration_minutes"}


def _initial(activity_type: ActivityType) -> dict[str, Any]:
    return {
        "name": activity_type.name,
        "reference": activity_type.reference,
        "operation_type": activity_type.operation_type,
        "default_duration_minutes": activity_type.default_duration_minutes,
        "financial_data_enabled": activity_type.financial_data_enabled,
        "billing_data_enabled": activity_type.billing_data_enabled,
        "manual_triggers_enabled": activity_type.manual_triggers_enabled,
    }


def _data(form: ActivityTypeForm, lines: list[dict[str, str]]) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["default_duration"] = timedelta(minutes=data.pop("default_duration_minutes"))
    data["default_billing_lines"] = lines
    return data


@bu_view(write_capability="can_manage_catalog")
def activity_type_list(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    types = selectors.activity_type_list(business_unit=principal.business_unit)
    return render(request, "catalog/list.html", {"types": types})


def _save(request: HttpRequest, activity_type: ActivityType | None) -> HttpResponse:
    principal = principal_of(request)
    initial = _initial(activity_type) if activity_type else None
    lines = activity_type.default_billing_lines if activity_type else []
    post = request.POST if request.method == "POST" else None
    form = ActivityTypeForm(post, initial=initial)
    formset = billing_formset(post, lines=lines)
    if post is not None:
        cleaned_lines = formset.clean_lines()
        if form.is_valid() and cleaned_lines is not None:
            try:
                if activity_type is None:
                    activity_type = services.activity_type_create(
                        business_unit=principal.business_unit, **_data(form, cleaned_lines)
                    )
                    messages.success(request, _("Type d'activité créé."))
                else:
                    activity_type = services.activity_type_update(
                        activity_type=activity_type, data=_data(form, cleaned_lines)
                    )
                    messages.success(request, _("Type d'activité modifié."))
            except ValidationError as exc:
                lines_exc = {k: v for k, v in exc.message_dict.items() if k.startswith("billing_lines")}
                if lines_exc:
                    formset.apply_errors(ValidationError(lines_exc))
                others = {k: v for k, v in exc.message_dict.items() if not k.startswith("billing_lines")}
                if others:
                    apply_validation_error(form, ValidationError(others), FIELD_MAP)
            else:
                return redirect("catalog:configure", pk=activity_type.pk)
    context = {"form": form, "formset": formset, "activity_type": activity_type}
    return render(request, "catalog/configure.html", context)


@bu_view("can_manage_catalog")
def activity_type_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@bu_view("can_manage_catalog")
def activity_type_configure(request: HttpRequest, pk: int) -> HttpResponse:
    activity_type = get_for_business_unit(ActivityType.objects.all(), principal_of(request), pk=pk)
    return _save(request, activity_type)
