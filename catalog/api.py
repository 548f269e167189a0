"""REST API of the catalog: activity types. Everyone reads; administrators write."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import BusinessUnitViewMixin

from . import selectors, services
from .models import ActivityType
from .serializers import ActivityTypeInputSerializer, ActivityTypeOutputSerializer


@extend_schema(tags=["catalog"])
class ActivityTypeViewSet(BusinessUnitViewMixin, viewsets.GenericViewSet):
    """Activity types ("Gestion catalogue"): every member reads, administrators write."""

    queryset = ActivityType.objects.none()  # the real one is get_queryset(), scoped

    def get_queryset(self) -> QuerySet[ActivityType]:
        # The selector annotates a count (GROUP BY drops Meta.ordering): order for stable pages.
        return selectors.activity_type_list(business_unit=self.principal.business_unit).order_by("name", "pk")

    def _output(self, activity_type: ActivityType) -> dict:
        return ActivityTypeOutputSerializer(activity_type, context=self.get_serializer_context()).data

    @extend_schema(responses=ActivityTypeOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = ActivityTypeOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(responses=ActivityTypeOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._output(self.get_object()))

    @extend_schema(request=ActivityTypeInputSerializer, responses={201: ActivityTypeOutputSerializer})
    def create(self, request: Request) -> Response:
        self.require(self.principal.can_manage_catalog)
        serializer = ActivityTypeInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        activity_type = services.activity_type_create(
            business_unit=self.principal.business_unit, **serializer.validated_data
        )
        return Response(self._output(activity_type), status=status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        self.require(self.principal.can_manage_catalog)
        activity_type = self.get_object()
        serializer = ActivityTypeInputSerializer(
            activity_type, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        activity_type = services.activity_type_update(
            activity_type=activity_type, data=serializer.validated_data
        )
        return Response(self._output(activity_type))

    @extend_schema(request=ActivityTypeInputSerializer, responses=ActivityTypeOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=ActivityTypeInputSerializer, responses=ActivityTypeOutputSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)
