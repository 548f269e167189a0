"""Tenant scoping and permissions of the web UI, checked once here for every view.

A view declares the capability it needs (a property of ``Principal``); the decorator makes sure
the user is signed in, works in a business unit, and holds that capability. Objects are then
always fetched through ``get_for_business_unit`` so another business unit's object is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .principal import Principal

ViewFunc = Callable[..., HttpResponse]
M = TypeVar("M", bound=Model)


def principal_of(request: HttpRequest) -> Principal:
    principal = getattr(request, "principal", None)
    if principal is None:
        raise PermissionDenied("No business unit")
    return principal


Capability = str | Callable[[Principal], bool] | None


def _holds(principal: Principal, capability: Capability) -> bool:
    if capability is None:
        return True
    if callable(capability):
        return capability(principal)
    return bool(getattr(principal, capability))


def bu_view(
    capability: Capability = None, *, write_capability: Capability = None
) -> Callable[[ViewFunc], ViewFunc]:
    """Require a signed-in member of a business unit.

    ``capability``: needed for any method (a Principal property name, or a predicate). ``write_capability``: needed for unsafe methods
    (POST...), so a read-only role can look at a page but never submit it.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            principal = principal_of(request)
            if not _holds(principal, capability):
                raise PermissionDenied("capability")
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                if principal.is_read_only:
                    raise PermissionDenied("read only")
                if not _holds(principal, write_capability):
                    raise PermissionDenied("write capability")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_for_business_unit(queryset: QuerySet[M], principal: Principal, **lookup: Any) -> M:
    """The object of the principal's business unit, or 404 (never 403: do not reveal it exists)."""
    return get_object_or_404(queryset.filter(business_unit=principal.business_unit), **lookup)


def apply_validation_error(
    form: BaseForm, exc: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError next to the form fields it names."""
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        name = field_map.get(key, key)
        if name in form.fields:
            form.add_error(name, messages)
        else:
            form.add_error(None, [f"{key}: {m}" if key != "__all__" else m for m in messages])
