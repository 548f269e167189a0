"""Create and edit an activity (planners only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.views_mixins import bu_view, principal_of
from catalog.forms import billing_formset
from catalog.models import ActivityType
from catalog.selectors import activity_types_for_choice

from . import services
from .exceptions import BillingLockedError
from .forms import ActivityForm, custom_formset, minute
from .models import Activity
from .views_base import get_activity, show_service_errors

FORM_FIELDS = (
    "title",
    "activity_type",
    "customer",
    "address",
    "postal_code",
    "city",
    "scheduled_start",
    "scheduled_end",
    "comment",
)


def _type_from_query(request: HttpRequest) -> ActivityType | None:
    types = activity_types_for_choice(business_unit=principal_of(request).business_unit)
    raw = request.GET.get("activity_type", "")
    chosen = types.filter(pk=int(raw)).first() if raw.isdigit() else None
    return chosen or types.first()


@bu_view("can_plan")
def activity_create(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    post = request.POST if request.method == "POST" else None
    activity_type = _type_from_query(request) if post is None else None
    form = ActivityForm(post, principal=principal, initial={"activity_type": activity_type})
    lines = billing_formset(post, lines=activity_type.default_billing_lines if activity_type else [])
    custom = custom_formset(post)
    if post is not None:
        cleaned_lines = lines.clean_lines()
        custom_values = custom.values() if custom.is_valid() else {}
        if form.is_valid() and cleaned_lines is not None and not custom.total_error_count():
            data = {name: form.cleaned_data[name] for name in FORM_FIELDS}
            try:
                activity = services.activity_create(
                    business_unit=principal.business_unit,
                    actor=principal.actor,
                    assignees=form.cleaned_data["assignees"],
                    custom_fields=custom_values,
                    billing_lines=cleaned_lines,
                    **data,
                )
            except ValidationError as exc:
                show_service_errors(exc, form, lines, custom)
            else:
                messages.success(request, _("Activité %(ref)s créée.") % {"ref": activity.reference})
                return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/form.html",
        {"form": form, "lines": lines, "custom": custom, "activity": None},
        status=400 if post is not None else 200,
    )


def _changed(activity: Activity, form: ActivityForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = form.cleaned_data[name]
        current = getattr(activity, name)
        if name in ("scheduled_start", "scheduled_end"):
            if minute(current) != value:
                data[name] = value
        elif (current or "") != (value or ""):
            data[name] = value
    return data


@bu_view("can_plan")
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    activity = get_activity(principal, pk)
    post = request.POST if request.method == "POST" else None
    form = ActivityForm(post, principal=principal, initial=ActivityForm.initial_for(activity))
    lines = None if activity.billing_locked else billing_formset(post, lines=activity.billing_lines)
    custom = custom_formset(post, values=activity.custom_fields)
    if post is not None:
        cleaned_lines = lines.clean_lines() if lines is not None else activity.billing_lines
        custom_values = custom.values() if custom.is_valid() else {}
        if form.is_valid() and cleaned_lines is not None and not custom.total_error_count():
            data = _changed(activity, form)
            as_text = {k: "" if v is None else str(v) for k, v in (activity.custom_fields or {}).items()}
            if custom_values != as_text:  # the form holds text: 3 and "3" are the same value
                data["custom_fields"] = custom_values
            if cleaned_lines != activity.billing_lines:
                data["billing_lines"] = cleaned_lines
            assignees = form.cleaned_data["assignees"] if "assignees" in form.changed_data else None
            try:
                services.activity_update(
                    activity=activity, actor=principal.actor, data=data, assignees=assignees
                )
            except ValidationError as exc:
                show_service_errors(exc, form, lines, custom)
            except BillingLockedError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Activité %(ref)s modifiée.") % {"ref": activity.reference})
                return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/form.html",
        {"form": form, "lines": lines, "custom": custom, "activity": activity},
        status=400 if post is not None else 200,
    )
