"""REST: the connection's health (never a token) and the billing documents of the caller's business unit."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import principal_for_api
from accounts.principal import Principal
from activities.filters import scoped
from activities.models import Activity

from .models import BillingDocument
from .services import connection_for, connection_problem


def _principal(request: Request) -> Principal:
    principal = principal_for_api(request)
    if principal is None:  # pragma: no cover - IsBusinessUnitMember refuses earlier
        raise PermissionDenied()
    return principal


class ConnectionHealthView(APIView):
    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField()
        health = serializers.CharField()
        company_id = serializers.IntegerField(allow_null=True)
        company_name = serializers.CharField()
        scopes = serializers.ListField(child=serializers.CharField())
        connected_at = serializers.DateTimeField(allow_null=True)
        last_success_at = serializers.DateTimeField(allow_null=True)
        last_error = serializers.CharField()
        last_error_at = serializers.DateTimeField(allow_null=True)
        problem = serializers.CharField(allow_null=True)

    serializer_class = OutputSerializer

    def get(self, request: Request) -> Response:
        business_unit = _principal(request).business_unit
        connection = connection_for(business_unit)
        data = {
            "status": connection.status if connection else "never",
            "health": connection.health if connection else "never",
            "company_id": connection.company_id if connection else None,
            "company_name": connection.company_name if connection else "",
            "scopes": connection.scopes if connection else [],
            "connected_at": connection.connected_at if connection else None,
            "last_success_at": connection.last_success_at if connection else None,
            "last_error": connection.last_error if connection else "",
            "last_error_at": connection.last_error_at if connection else None,
            "problem": connection_problem(business_unit),
        }
        return Response(self.OutputSerializer(data).data)


class BillingDocumentSerializer(serializers.ModelSerializer):
    activity_reference = serializers.CharField(source="activity.reference", read_only=True)

    class Meta:
        model = BillingDocument
        fields = [
            "id",
            "activity",
            "activity_reference",
            "kind",
            "company_id",
            "external_reference",
            "pennylane_id",
            "number",
            "status",
            "draft",
            "currency",
            "amount_excl_tax",
            "amount_incl_tax",
            "customer_pennylane_id",
            "finalized_at",
            "sent_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def billing_documents_visible(principal: Principal) -> QuerySet[BillingDocument]:
    """The unit's documents; a field worker only those of the activities assigned to them."""
    from activities.api_selectors import activity_list

    documents = BillingDocument.objects.filter(business_unit=principal.business_unit)
    if principal.is_field_worker:
        documents = documents.filter(activity__in=activity_list(principal=principal).values("pk"))
    return documents.select_related("activity")


def _billing_documents(request: Request) -> QuerySet[BillingDocument]:
    return billing_documents_visible(_principal(request))


class BillingDocumentFilter(django_filters.FilterSet):
    # Scoped: another business unit's activity id is a 400 naming the filter, not an empty list.
    activity = django_filters.ModelChoiceFilter(queryset=scoped(Activity))

    class Meta:
        model = BillingDocument
        fields = ["kind", "activity", "draft", "status"]


class BillingDocumentListView(generics.ListAPIView):
    serializer_class = BillingDocumentSerializer
    filterset_class = BillingDocumentFilter

    def get_queryset(self) -> QuerySet[BillingDocument]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request principal
            return BillingDocument.objects.none()
        return _billing_documents(self.request)


class BillingDocumentDetailView(generics.RetrieveAPIView):
    serializer_class = BillingDocumentSerializer

    def get_queryset(self) -> QuerySet[BillingDocument]:
        return _billing_documents(self.request)
