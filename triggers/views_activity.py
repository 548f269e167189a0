"""What the activity page posts to: "Forcer le déclenchement" and "Relancer" a failed firing.

Administrators and supervisors (``can_force_triggers``); another business unit's activity,
trigger or firing is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.views_mixins import bu_view, get_for_business_unit, principal_of
from activities.models import Activity

from . import selectors, services
from .forms import ForceForm
from .models import Trigger

FORCE = "can_force_triggers"


def _activity_page(activity_id: int) -> str:
    return reverse("activities:detail", args=[activity_id])


@bu_view(FORCE)
@require_POST
def activity_force(request: HttpRequest, activity_pk: int) -> HttpResponse:
    principal = principal_of(request)
    activity = get_for_business_unit(
        Activity.objects.select_related("activity_type"), principal, pk=activity_pk
    )
    form = ForceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un déclencheur à lancer."))
        return redirect(_activity_page(activity.pk))
    trigger = get_for_business_unit(Trigger.objects.all(), principal, pk=form.cleaned_data["trigger"])
    try:
        services.trigger_force(trigger=trigger, activity=activity, principal=principal)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_activity_page(activity.pk))
    messages.success(request, _("Déclenchement forcé : consultez l'historique de l'activité."))
    return redirect(_activity_page(activity.pk) + "#history")


@bu_view(FORCE)
@require_POST
def firing_retry(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    firing = get_for_business_unit(
        selectors.firing_list(business_unit=principal.business_unit), principal, pk=pk
    )
    try:
        services.firing_retry(firing=firing, actor=principal.actor)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Déclenchement « %(name)s » relancé : consultez l'historique de l'activité.")
            % {"name": firing.trigger_name},
        )
    return redirect(_activity_page(firing.activity_id) + "#history")
