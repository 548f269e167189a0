"""Activity pages: list, "Mes activités du jour", detail, status actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.principal import Principal
from accounts.views_mixins import bu_view, principal_of
from catalog import billing

from . import selectors, services
from .exceptions import TransitionError
from .forms import ActivityFilter, TransitionForm, minute
from .models import Activity
from .status import FIELD_WORKER_ACTIONS, Action, Status
from .views_base import actions_for, get_activity, safe_next, trigger_extra_context
from .views_forms import activity_create, activity_edit
from .views_history import annotate_history

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200

__all__ = ["activity_create", "activity_detail", "activity_edit", "activity_list", "activity_today"]


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZE))
    except ValueError:
        return PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


@bu_view()
def activity_list(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    filterset = ActivityFilter(
        request.GET or None, queryset=selectors.activity_list(principal=principal), principal=principal
    )
    page = Paginator(filterset.qs, _page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/list.html",
        {"filter": filterset, "page": page, "activities": page.object_list, "query": query.urlencode()},
    )


@bu_view()
def activity_today(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    activities = list(selectors.activities_today(principal=principal))
    for activity in activities:
        activity.card_actions = [  # type: ignore[attr-defined]
            (a, Action(a).label)
            for a in actions_for(principal, activity)
            if a in (Action.START, Action.CLOSE_OK, Action.CLOSE_KO)
        ]
    return render(request, "activities/today.html", {"activities": activities})


def _action_forms(
    principal: Principal, activity: Activity, bound: TransitionForm | None = None
) -> list[dict[str, Any]]:
    forms = []
    for action in actions_for(principal, activity):
        if bound is not None and bound.data.get("action") == action:
            form = bound
        else:
            initial: dict[str, Any] = {"action": action}
            if action == Action.SCHEDULE:
                initial |= {
                    "scheduled_start": minute(activity.scheduled_start),
                    "scheduled_end": minute(activity.scheduled_end),
                }
            form = TransitionForm(initial=initial, auto_id=f"id_{action}_%s")
        forms.append({"action": action, "label": Action(action).label, "form": form})
    return forms


def _render_detail(
    request: HttpRequest, activity: Activity, *, bound: TransitionForm | None = None, status: int = 200
) -> HttpResponse:
    principal = principal_of(request)
    history = selectors.activity_history(activity=activity)
    annotate_history(history, selectors.history_names(activity=activity, entries=history))
    lines = [{**line, "amounts": billing.line_amounts(line)} for line in activity.billing_lines or []]
    context: dict[str, Any] = {
        "activity": activity,
        "principal": principal,
        "history": history,
        "lines": lines,
        "totals": activity.totals,
        "action_forms": _action_forms(principal, activity, bound),
        "can_edit": principal.can_plan,
        "status_class": {Status.CLOSED_OK: "ok", Status.CLOSED_KO: "ko", Status.CANCELLED: "ko"}.get(
            activity.status, ""
        ),
    }
    context.update(trigger_extra_context(request, activity))
    return render(request, "activities/detail.html", context, status=status)


@bu_view()
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_activity(principal_of(request), pk))


@bu_view()
@require_POST
def activity_transition(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    activity = get_activity(principal, pk)
    form = TransitionForm(request.POST, auto_id=f"id_{request.POST.get('action', '')[:20]}_%s")
    if not form.is_valid():
        return _render_detail(request, activity, bound=form, status=400)
    action = form.cleaned_data["action"]
    if action not in actions_for(principal, activity):
        if principal.is_field_worker and action not in FIELD_WORKER_ACTIONS:
            raise PermissionDenied(action)
        if principal.can_plan or principal.is_field_worker:
            messages.error(request, _("Cette action n'est pas possible sur cette activité."))
            return redirect(safe_next(request, reverse("activities:detail", args=[activity.pk])))
        raise PermissionDenied(action)
    data = form.cleaned_data
    try:
        services.activity_transition(
            activity=activity,
            actor=principal.actor,
            action=action,
            cancel_reason=data["cancel_reason"],
            cancel_details=data["cancel_details"],
            scheduled_start=data["scheduled_start"],
            scheduled_end=data["scheduled_end"],
            comment=data["comment"] or None,
        )
    except ValidationError as exc:
        for field, errors in (
            exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]
        ):
            form.add_error(field if field in form.fields else None, errors)
        return _render_detail(request, activity, bound=form, status=400)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(activity)s : %(action)s effectué.")
            % {"activity": activity.reference, "action": Action(action).label},
        )
    return redirect(safe_next(request, reverse("activities:detail", args=[activity.pk])))
