"""REST API of customers, activities (with status transitions) and their history.

Every queryset comes from activities.api_selectors, scoped to the principal: another business
unit's id is a 404 on detail routes and actions, a 400 naming the field in bodies and filters.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import ID_REGEX, BusinessUnitViewMixin

from . import api_selectors, services
from .filters import ActivityFilter, ActivityHistoryFilter, CustomerFilter, HistoryFilter
from .models import Activity, Customer, HistoryEntry
from .serializers import (
    ActivityInputSerializer,
    ActivityOutputSerializer,
    CancelInputSerializer,
    CustomerInputSerializer,
    CustomerOutputSerializer,
    HistoryEntryOutputSerializer,
    ScheduleInputSerializer,
    TransitionInputSerializer,
)
from .status import FIELD_WORKER_ACTIONS, Action

# What a field worker may change on an activity assigned to them (the closing form).
FIELD_WORKER_FIELDS = frozenset({"comment", "custom_fields"})


@extend_schema(tags=["customers"])
class CustomerViewSet(BusinessUnitViewMixin, viewsets.GenericViewSet):
    """Customers of the business unit: everyone reads; administrators and supervisors write."""

    queryset = Customer.objects.none()  # the real one is get_queryset(), scoped
    filterset_class = CustomerFilter

    def get_queryset(self) -> QuerySet[Customer]:
        return api_selectors.customer_list(principal=self.principal)

    def _output(self, customer: Customer) -> dict[str, Any]:
        return CustomerOutputSerializer(customer, context=self.get_serializer_context()).data

    @extend_schema(responses=CustomerOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = CustomerOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(responses=CustomerOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._output(self.get_object()))

    @extend_schema(request=CustomerInputSerializer, responses={201: CustomerOutputSerializer})
    def create(self, request: Request) -> Response:
        self.require(self.principal.can_edit_customers)
        serializer = CustomerInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        customer = services.customer_create(
            business_unit=self.principal.business_unit,
            actor=self.principal.actor,
            **serializer.validated_data,
        )
        return Response(self._output(customer), status=status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        self.require(self.principal.can_edit_customers)
        customer = self.get_object()
        serializer = CustomerInputSerializer(
            customer, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        customer = services.customer_update(
            customer=customer, actor=self.principal.actor, data=dict(serializer.validated_data)
        )
        return Response(self._output(customer))

    @extend_schema(request=CustomerInputSerializer, responses=CustomerOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=CustomerInputSerializer, responses=CustomerOutputSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)


def _transition_schema(input_serializer: type, summary: str) -> Any:
    return extend_schema(
        summary=summary,
        request=input_serializer,
        responses={
            200: ActivityOutputSerializer,
            409: {"description": "Transition not allowed from this status."},
        },
    )


@extend_schema(tags=["activities"])
class ActivityViewSet(BusinessUnitViewMixin, viewsets.GenericViewSet):
    """Activities: planners see and change all; field workers their own; accountants read."""

    queryset = Activity.objects.none()  # the real one is get_queryset(), scoped
    filterset_class = ActivityFilter

    def get_queryset(self) -> QuerySet[Activity]:
        return api_selectors.activity_list(principal=self.principal)

    def _output(self, activity: Activity) -> dict[str, Any]:
        # Reload through the selector: fresh values, assignees and names for the output.
        fresh = api_selectors.activity_list(principal=self.principal).filter(pk=activity.pk).first()
        return ActivityOutputSerializer(fresh or activity, context=self.get_serializer_context()).data

    @extend_schema(responses=ActivityOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = ActivityOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(responses=ActivityOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(
            ActivityOutputSerializer(self.get_object(), context=self.get_serializer_context()).data
        )

    @extend_schema(request=ActivityInputSerializer, responses={201: ActivityOutputSerializer})
    def create(self, request: Request) -> Response:
        self.require(self.principal.can_plan)
        serializer = ActivityInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        activity = services.activity_create(
            business_unit=self.principal.business_unit,
            actor=self.principal.actor,
            assignees=data.pop("assignees", []),
            **data,
        )
        return Response(self._output(activity), status=status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        activity = self.get_object()
        serializer = ActivityInputSerializer(
            activity, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if not self.principal.can_plan:
            refused = sorted(set(data) - FIELD_WORKER_FIELDS)
            if refused or not partial:
                message = _("Un intervenant ne peut modifier que le commentaire et les champs personnalisés.")
                raise exceptions.PermissionDenied(
                    {name: [message] for name in refused or ["non_field_errors"]}
                )
        assignees = data.pop("assignees", None)
        activity = services.activity_update(
            activity=activity, actor=self.principal.actor, data=data, assignees=assignees
        )
        return Response(self._output(activity))

    @extend_schema(request=ActivityInputSerializer, responses=ActivityOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=ActivityInputSerializer, responses=ActivityOutputSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)

    def _transition(self, request: Request, action_name: str, input_serializer: type) -> Response:
        activity = self.get_object()
        if self.principal.is_field_worker:
            self.require(
                action_name in FIELD_WORKER_ACTIONS, _("Un intervenant ne peut que démarrer ou clôturer.")
            )
        else:
            self.require(self.principal.can_plan)
        serializer = input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "reason" in data:
            data["cancel_reason"] = data.pop("reason")
        if "details" in data:
            data["cancel_details"] = data.pop("details")
        activity = services.activity_transition(
            activity=activity, actor=self.principal.actor, action=action_name, **data
        )
        return Response(self._output(activity))

    @_transition_schema(ScheduleInputSerializer, "Schedule (to_schedule/scheduled -> scheduled)")
    @action(detail=True, methods=["post"], url_path="schedule")
    def schedule(self, request: Request, pk: str) -> Response:
        return self._transition(request, Action.SCHEDULE, ScheduleInputSerializer)

    @_transition_schema(TransitionInputSerializer, "Back to be scheduled (scheduled -> to_schedule)")
    @action(detail=True, methods=["post"], url_path="unschedule")
    def unschedule(self, request: Request, pk: str) -> Response:
        return self._transition(request, Action.UNSCHEDULE, TransitionInputSerializer)

    @_transition_schema(TransitionInputSerializer, "Start (-> in_progress)")
    @action(detail=True, methods=["post"], url_path="start")
    def start(self, request: Request, pk: str) -> Response:
        return self._transition(request, Action.START, TransitionInputSerializer)

    @_transition_schema(TransitionInputSerializer, "Close OK (-> closed_ok)")
    @action(detail=True, methods=["post"], url_path="close-ok")
    def close_ok(self, request: Request, pk: str) -> Response:
        return self._transition(request, Action.CLOSE_OK, TransitionInputSerializer)

    @_transition_schema(TransitionInputSerializer, "Close KO (-> closed_ko)")
    @action(detail=True, methods=["post"], url_path="close-ko")
    def close_ko(self, request: Request, pk: str) -> Response:
        return self._transition(request, Action.CLOSE_KO, TransitionInputSerializer)

    @_transition_schema(CancelInputSerializer, "Cancel (-> cancelled), with a reason")
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request: Request, pk: str) -> Response:
        return self._transition(request, Action.CANCEL, CancelInputSerializer)

    @_transition_schema(TransitionInputSerializer, "Reopen a closed or cancelled activity")
    @action(detail=True, methods=["post"], url_path="reopen")
    def reopen(self, request: Request, pk: str) -> Response:
        return self._transition(request, Action.REOPEN, TransitionInputSerializer)


@extend_schema(tags=["history"])
class HistoryViewSet(BusinessUnitViewMixin, viewsets.ReadOnlyModelViewSet):
    """ "Historique des modifications" of the business unit's activities, newest first."""

    serializer_class = HistoryEntryOutputSerializer
    filterset_class = HistoryFilter
    queryset = HistoryEntry.objects.none()  # the real one is get_queryset(), scoped

    def get_queryset(self) -> QuerySet[HistoryEntry]:
        return api_selectors.history_list(principal=self.principal)


@extend_schema(
    tags=["history"],
    parameters=[OpenApiParameter("activity_id", int, OpenApiParameter.PATH, pattern=ID_REGEX)],
)
class ActivityHistoryView(BusinessUnitViewMixin, generics.ListAPIView):
    """One activity's history, newest first; 404 for an activity the principal may not see."""

    serializer_class = HistoryEntryOutputSerializer
    filterset_class = ActivityHistoryFilter
    queryset = HistoryEntry.objects.none()  # the real one is get_queryset(), scoped

    def get_queryset(self) -> QuerySet[HistoryEntry]:
        try:
            activity = api_selectors.activity_get(
                principal=self.principal, pk=int(self.kwargs["activity_id"])
            )
        except Activity.DoesNotExist:
            raise exceptions.NotFound() from None
        return api_selectors.history_list(principal=self.principal, activity=activity)
