from typing import Any

from django.http import HttpRequest


def business_unit(request: HttpRequest) -> dict[str, Any]:
    principal = getattr(request, "principal", None)
    return {
        "principal": principal,
        "business_unit": principal.business_unit if principal else None,
        "memberships": getattr(request, "memberships", []),
    }
