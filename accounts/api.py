"""What every REST view shares: the principal, tenant scoping, pagination and role checks.

DRF checks object permissions on detail views only (RELIABILITY.md): every queryset, filter
and primary key read from a body goes through the principal's business unit here, once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from .models import BusinessUnit
from .permissions import principal_for_api
from .principal import Principal

# Primary keys are bigints: longer digit strings would overflow SQLite's integers (a 500).
ID_REGEX = r"[0-9]{1,18}"
MAX_ID = 2**63 - 1


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def request_principal(request: Request | None) -> Principal | None:
    if request is None:
        return None
    return principal_for_api(request)


class BusinessUnitViewMixin(generics.GenericAPIView):
    """Base of every API view: resolves the principal and hands its business unit to serializers."""

    pagination_class = Pagination
    lookup_value_regex = ID_REGEX

    @property
    def principal(self) -> Principal:
        principal = request_principal(self.request)
        if principal is None:  # IsBusinessUnitMember already refused; this is a safety net
            raise exceptions.NotAuthenticated()
        return principal

    def require(self, allowed: bool, message: str | None = None) -> None:
        if not allowed:
            raise exceptions.PermissionDenied(message or _("Votre rôle ne permet pas cette action."))

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        # None while drf-spectacular builds the schema without a user: scoped fields then match nothing.
        principal = request_principal(getattr(self, "request", None))
        context["principal"] = principal
        context["business_unit"] = principal.business_unit if principal else None
        return context


def unique_reference(
    serializer: serializers.Serializer, model: type[Model], value: str, message: str | None = None
) -> str:
    """References are unique per business unit: say so on the field rather than fail on the constraint."""
    value = value.strip()
    business_unit = serializer.context.get("business_unit")
    if value and business_unit is not None:
        others = model._default_manager.filter(business_unit=business_unit, reference=value)
        if serializer.instance is not None:
            others = others.exclude(pk=serializer.instance.pk)
        if others.exists():
            raise serializers.ValidationError(message or _("Cette référence est déjà utilisée."))
    return value


class BusinessUnitRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key resolved inside the principal's business unit only.

    Another tenant's id gets the same "does not exist" as an unknown id, under the field's name.
    """

    def __init__(self, *, bu_lookup: str = "business_unit", **kwargs: Any) -> None:
        self.bu_lookup = bu_lookup
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        assert queryset is not None  # every field of this kind is given a queryset
        business_unit: BusinessUnit | None = self.context.get("business_unit")
        if business_unit is None:
            return queryset.none()
        return queryset.filter(**{self.bu_lookup: business_unit})

    def to_internal_value(self, data: Any) -> Model:
        if isinstance(data, int) and not isinstance(data, bool) and not (0 < data <= MAX_ID):
            self.fail("does_not_exist", pk_value=data)
        if isinstance(data, str) and len(data) > 18:
            self.fail("does_not_exist", pk_value=data[:20])
        return super().to_internal_value(data)


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents accounts.api_auth.ApiKeyAuthentication in the OpenAPI schema."""

    target_class = "accounts.api_auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Api-Key",
            "description": "A business unit's API key (also accepted as `Authorization: Api-Key <key>`).",
        }
