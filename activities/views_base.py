"""Access rules of the activity pages, in one place (tenant scoping is in the selectors)."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.principal import Principal
from accounts.views_mixins import apply_validation_error, get_for_business_unit

from . import selectors
from .models import Activity
from .status import FIELD_WORKER_ACTIONS, allowed_actions


def get_activity(principal: Principal, pk: int) -> Activity:
    """The activity if the principal may see it (business unit, own ones for field workers), else 404."""
    return get_for_business_unit(selectors.activity_detail(principal=principal), principal, pk=pk)


def actions_for(principal: Principal, activity: Activity) -> list[str]:
    """Status actions the principal may run on this activity now."""
    if principal.is_read_only:
        return []
    actions = allowed_actions(activity.status)
    if principal.can_plan:
        return actions
    if principal.is_field_worker:
        # Visible activities of a field worker are already only theirs (selectors).
        return [a for a in actions if a in FIELD_WORKER_ACTIONS]
    return []


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def split_errors(exc: ValidationError) -> dict[str, dict[str, list[str]]]:
    """Group a service's errors: billing lines, custom fields, the rest."""
    groups: dict[str, dict[str, list[str]]] = {"lines": {}, "custom": {}, "form": {}}
    if not hasattr(exc, "error_dict"):
        groups["form"]["__all__"] = exc.messages
        return groups
    for key, messages in exc.message_dict.items():
        group = (
            "lines"
            if key.startswith("billing_lines")
            else "custom"
            if key.startswith("custom_fields")
            else "form"
        )
        groups[group][key] = messages
    return groups


def show_service_errors(
    exc: ValidationError, form: BaseForm, lines_formset: Any, custom_formset: Any
) -> None:
    groups = split_errors(exc)
    if groups["lines"]:
        if lines_formset is not None:
            lines_formset.apply_errors(ValidationError(groups["lines"]))
        else:
            apply_validation_error(form, ValidationError(groups["lines"]))
    if groups["custom"]:
        custom_formset.apply_errors(ValidationError(groups["custom"]))
    if groups["form"]:
        apply_validation_error(form, ValidationError(groups["form"]))


def trigger_extra_context(request: HttpRequest, activity: Activity) -> dict[str, Any]:
    """Context the triggers app adds to the activity page, if it provides the hook."""
    try:
        if importlib.util.find_spec("triggers.ui_hooks") is None:
            return {}
    except ModuleNotFoundError:
        return {}
    module = importlib.import_module("triggers.ui_hooks")
    hook = getattr(module, "activity_detail_extra_context", None)
    return dict(hook(request, activity) or {}) if hook else {}
