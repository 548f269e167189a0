from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from .models import ApiKey, Membership
from .principal import Origin, Principal


def principal_for_api(request: Request) -> Principal | None:
    """The API principal: an API key's business unit, or the session user's current one."""
    cached = getattr(request, "_api_principal", None)
    if cached is not None:
        return cached
    principal: Principal | None = None
    if isinstance(request.auth, ApiKey):
        key = request.auth
        principal = Principal(business_unit=key.business_unit, role=key.role, api_key=key, origin=Origin.API)
    elif request.user and request.user.is_authenticated:
        web = getattr(request._request, "principal", None)
        if web is not None:
            principal = Principal(
                business_unit=web.business_unit, role=web.role, user=web.user, origin=Origin.API
            )
        else:
            membership = (
                Membership.objects.select_related("business_unit")
                .filter(user=request.user)
                .order_by("business_unit__name")
                .first()
            )
            if membership:
                principal = Principal(
                    business_unit=membership.business_unit,
                    role=membership.role,
                    user=request.user,
                    origin=Origin.API,
                )
    request._api_principal = principal  # type: ignore[attr-defined]
    return principal


class IsBusinessUnitMember(permissions.BasePermission):
    """Authenticated and member of a business unit; read-only roles may only read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = principal_for_api(request)
        if principal is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return not principal.is_read_only
