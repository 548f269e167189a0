from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .principal import Origin, Principal

SESSION_KEY = "business_unit_id"


class BusinessUnitMiddleware:
    """Resolve the business unit the signed-in user works in (one chosen per session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.principal = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = list(
                user.memberships.select_related("business_unit").order_by("business_unit__name")
            )
            request.memberships = memberships  # type: ignore[attr-defined]
            chosen = request.session.get(SESSION_KEY)
            membership = next((m for m in memberships if m.business_unit_id == chosen), None)
            if membership is None and memberships:
                membership = memberships[0]
            if membership is not None:
                request.principal = Principal(  # type: ignore[attr-defined]
                    business_unit=membership.business_unit,
                    role=membership.role,
                    user=user,
                    origin=Origin.WEB,
                )
        return self.get_response(request)
