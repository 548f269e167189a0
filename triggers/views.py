""" "Paramètres > Déclenchements": the list, "Ajout de déclenchement", the trigger's summary page.

Administrators only (``can_manage_triggers``, checked once by ``bu_view``); another business
unit's trigger is a 404 (``get_for_business_unit``). Views validate, call one service, render.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.views_mixins import apply_validation_error, bu_view, get_for_business_unit, principal_of
from activities.views_base import safe_next

from . import selectors, services
from .forms import (
    PreviewForm,
    TriggerAddForm,
    TriggerSettingsForm,
    condition_editor_context,
    condition_rows_from_post,
    condition_rows_from_trigger,
)
from .models import Trigger
from .types import pennylane_mapping

MANAGE = "can_manage_triggers"


def _trigger(request: HttpRequest, pk: int) -> Trigger:
    principal = principal_of(request)
    return get_for_business_unit(
        selectors.trigger_detail(business_unit=principal.business_unit), principal, pk=pk
    )


@bu_view(MANAGE)
def trigger_list(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    context = {
        "groups": selectors.triggers_by_activity_type(business_unit=principal.business_unit),
        "delete_mode": request.GET.get("mode") == "delete",
    }
    return render(request, "triggers/list.html", context)


@bu_view(MANAGE)
def trigger_add(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    post = request.POST if request.method == "POST" else None
    initial = (
        {"activity_type": request.GET.get("activity_type")}
        if request.GET.get("activity_type", "").isdigit()
        else {}
    )
    form = TriggerAddForm(post, initial=initial, business_unit=principal.business_unit)
    status = 200
    if post is not None:
        if form.is_valid():
            try:
                trigger = services.trigger_create(
                    business_unit=principal.business_unit, actor=principal.actor, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Déclencheur « %(name)s » créé.") % {"name": trigger.name})
                return redirect("triggers:detail", pk=trigger.pk)
        status = 400
    return render(request, "triggers/add.html", {"form": form}, status=status)


def _render_detail(
    request: HttpRequest,
    trigger: Trigger,
    *,
    form: TriggerSettingsForm | None = None,
    rows: list[dict[str, Any]] | None = None,
    preview: dict[str, Any] | None = None,
    preview_form: PreviewForm | None = None,
    status: int = 200,
    probe: bool = False,
) -> HttpResponse:
    activities = selectors.preview_activities(trigger=trigger)
    # Asking Pennylane (numbering set up?) only on a plain visit of the summary page.
    problems = services.trigger_problems(trigger, probe=probe)
    context = {
        "trigger": trigger,
        "problems": problems,
        "errors": [p for p in problems if p.level == "error"],
        "warnings": [p for p in problems if p.level != "error"],
        "connect_button": any(p.connect_button for p in problems),
        "form": form or TriggerSettingsForm(initial=TriggerSettingsForm.initial_for(trigger)),
        "rows": condition_rows_from_trigger(trigger) if rows is None else rows,
        "preview": preview,
        "preview_json": json.dumps(preview, indent=2, ensure_ascii=False) if preview else "",
        "preview_form": preview_form or PreviewForm(activities=activities),
        "firings": selectors.recent_firings(trigger=trigger),
        "variables": sorted(pennylane_mapping.KNOWN_VARIABLES),
        **condition_editor_context(),
    }
    return render(request, "triggers/detail.html", context, status=status)


@bu_view(MANAGE)
def trigger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary ("récapitulatif"): problems, settings ("Enregistrer"), preview, firings."""
    trigger = _trigger(request, pk)
    if request.method != "POST":
        return _render_detail(request, trigger, probe=True)
    form = TriggerSettingsForm(request.POST)
    rows = condition_rows_from_post(request.POST)
    if request.POST.get("action") == "add_condition":
        # Adding a row of the conditions editor without JavaScript: nothing is saved yet.
        form.is_valid()
        form.errors.clear()
        rows.append({"field": "", "operator": "eq", "value": "", "errors": []})
        return _render_detail(request, trigger, form=form, rows=rows)
    if form.is_valid():
        principal = principal_of(request)
        try:
            services.trigger_update(trigger=trigger, actor=principal.actor, data=form.service_data(rows))
        except ValidationError as exc:
            form.apply_service_errors(exc, rows)
        else:
            messages.success(request, _("Déclencheur enregistré."))
            return redirect("triggers:detail", pk=trigger.pk)
    messages.error(request, _("Le déclencheur n'a pas été enregistré : corrigez les erreurs signalées."))
    return _render_detail(request, trigger, form=form, rows=rows, status=400)


@bu_view(MANAGE)
def trigger_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The exact Pennylane request the trigger would send for an activity; nothing is sent."""
    trigger = _trigger(request, pk)
    preview_form = PreviewForm(request.GET, activities=selectors.preview_activities(trigger=trigger))
    if not preview_form.is_valid():
        return _render_detail(request, trigger, preview_form=preview_form, status=400)
    principal = principal_of(request)
    activity = get_for_business_unit(
        trigger.activity_type.activities.all(), principal, pk=preview_form.cleaned_data["activity"]
    )
    try:
        preview = services.trigger_preview(trigger=trigger, activity=activity)
    except ValidationError as exc:
        preview_form.add_error("activity", exc.messages)
        return _render_detail(request, trigger, preview_form=preview_form, status=400)
    return _render_detail(request, trigger, preview=preview, preview_form=preview_form)


@bu_view(MANAGE)
@require_POST
def trigger_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Actif" switch: the posted value is the wanted state (idempotent on double clicks)."""
    trigger = _trigger(request, pk)
    wanted = request.POST.get("active") in ("1", "true", "on")
    trigger = services.trigger_set_active(trigger=trigger, actor=principal_of(request).actor, active=wanted)
    if trigger.active:
        messages.success(request, _("Déclencheur « %(name)s » activé.") % {"name": trigger.name})
    else:
        messages.success(
            request,
            _("Déclencheur « %(name)s » désactivé. Rien n'est supprimé dans Pennylane.")
            % {"name": trigger.name},
        )
    return redirect(safe_next(request, reverse("triggers:list")))


@bu_view(MANAGE)
@require_POST
def trigger_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    trigger = _trigger(request, pk)
    copy = services.trigger_duplicate(trigger=trigger, actor=principal_of(request).actor)
    messages.success(
        request,
        _("Déclencheur dupliqué : « %(name)s » est inactif, vérifiez-le puis activez-le.")
        % {"name": copy.name},
    )
    return redirect("triggers:detail", pk=copy.pk)


@bu_view(MANAGE)
@require_POST
def trigger_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The ⛔ next to a trigger in delete mode: immediate, nothing is deleted in Pennylane."""
    trigger = _trigger(request, pk)
    name = trigger.name
    services.trigger_delete(trigger=trigger, actor=principal_of(request).actor)
    messages.success(
        request,
        _(
            "Déclencheur « %(name)s » supprimé. Rien n'a été supprimé dans Pennylane : "
            "les devis et factures déjà créés y restent."
        )
        % {"name": name},
    )
    return redirect(reverse("triggers:list") + "?mode=delete")
