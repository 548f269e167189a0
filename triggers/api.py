"""REST API of triggers and firings (/api/v1/).

Roles: administrators manage triggers; administrators and supervisors read them, force them on an
activity and retry firings; everyone of the business unit reads firings (field workers: those of
their own activities). Every queryset is scoped to the principal's business unit: another unit's
id is a 404 in the path, a 400 naming the field in a body or a filter (RELIABILITY.md F19).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import ID_REGEX, BusinessUnitViewMixin
from activities import api_selectors
from activities.filters import scoped
from activities.models import Activity
from catalog.models import ActivityType

from . import selectors, services
from .models import Firing, FiringStatus, Trigger
from .serializers import (
    FiringDetailSerializer,
    FiringOutputSerializer,
    ForceInputSerializer,
    PreviewOutputSerializer,
    PreviewQuerySerializer,
    ProblemsOutputSerializer,
    TriggerInputSerializer,
    TriggerOutputSerializer,
)

ADMIN_ONLY = _("Seuls les administrateurs gèrent les déclencheurs.")
FORCE_ONLY = _("Seuls les administrateurs et superviseurs peuvent forcer ou relancer un déclenchement.")
ACTIVITY_PATH = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, pattern=ID_REGEX, description="Activity id"
)


class FiringFilter(django_filters.FilterSet):
    activity = django_filters.ModelChoiceFilter(queryset=scoped(Activity))
    trigger = django_filters.ModelChoiceFilter(queryset=scoped(Trigger))
    status = django_filters.MultipleChoiceFilter(choices=FiringStatus.choices)

    class Meta:
        model = Firing
        fields: list[str] = []


class TriggerFilter(django_filters.FilterSet):
    # Scoped: another business unit's activity type is a 400 naming the filter, not an empty list.
    activity_type = django_filters.ModelChoiceFilter(queryset=scoped(ActivityType))

    class Meta:
        model = Trigger
        fields = ["activity_type", "active"]


def firings_visible(principal: Any) -> QuerySet[Firing]:
    queryset = selectors.firing_list(business_unit=principal.business_unit)
    if principal.is_field_worker:
        queryset = queryset.filter(activity__in=api_selectors.activity_list(principal=principal).values("pk"))
    return queryset


@extend_schema(tags=["triggers"])
class TriggerViewSet(BusinessUnitViewMixin, viewsets.GenericViewSet):
    """ "Paramètres > Déclenchements": the business unit's triggers."""

    queryset = Trigger.objects.none()  # the real one is get_queryset(), scoped
    serializer_class = TriggerOutputSerializer
    filterset_class = TriggerFilter

    def get_queryset(self) -> QuerySet[Trigger]:
        return selectors.trigger_detail(business_unit=self.principal.business_unit).order_by(
            "activity_type__name", "priority", "id"
        )

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        principal = self.principal
        self.require(principal.can_manage_triggers or principal.can_force_triggers, ADMIN_ONLY)
        if request.method not in ("GET", "HEAD", "OPTIONS") or self.action in ("problems", "preview"):
            self.require(principal.can_manage_triggers, ADMIN_ONLY)

    def _output(self, trigger: Trigger, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            TriggerOutputSerializer(trigger, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(responses=TriggerOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = TriggerOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(responses=TriggerOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._output(self.get_object())

    @extend_schema(request=TriggerInputSerializer, responses={201: TriggerOutputSerializer})
    def create(self, request: Request) -> Response:
        serializer = TriggerInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        trigger = services.trigger_create(
            business_unit=self.principal.business_unit,
            actor=self.principal.actor,
            **serializer.validated_data,
        )
        return self._output(trigger, status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        trigger = self.get_object()
        serializer = TriggerInputSerializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.pop("trigger_type", trigger.trigger_type) != trigger.trigger_type:
            raise exceptions.ValidationError(
                {"trigger_type": [_("Le type de déclenchement ne peut pas changer.")]}
            )
        trigger = services.trigger_update(trigger=trigger, actor=self.principal.actor, data=data)
        return self._output(trigger)

    @extend_schema(request=TriggerInputSerializer, responses=TriggerOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=TriggerInputSerializer, responses=TriggerOutputSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)

    @extend_schema(
        responses={204: OpenApiResponse(description="Deleted at once; nothing is deleted in Pennylane.")}
    )
    def destroy(self, request: Request, pk: str) -> Response:
        services.trigger_delete(trigger=self.get_object(), actor=self.principal.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={201: TriggerOutputSerializer}, summary="Dupliquer le déclencheur")
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str) -> Response:
        copy = services.trigger_duplicate(trigger=self.get_object(), actor=self.principal.actor)
        return self._output(copy, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TriggerOutputSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str) -> Response:
        trigger = services.trigger_set_active(
            trigger=self.get_object(), actor=self.principal.actor, active=True
        )
        return self._output(trigger)

    @extend_schema(request=None, responses=TriggerOutputSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        trigger = services.trigger_set_active(
            trigger=self.get_object(), actor=self.principal.actor, active=False
        )
        return self._output(trigger)

    @extend_schema(
        parameters=[OpenApiParameter("probe", bool, description="Also ask Pennylane (numbering set up?)")],
        responses=ProblemsOutputSerializer,
    )
    @action(detail=True, methods=["get"])
    def problems(self, request: Request, pk: str) -> Response:
        """The summary page's errors and warnings, in plain French."""
        probe = request.query_params.get("probe") in ("1", "true")
        found = services.trigger_problems(self.get_object(), probe=probe)
        data = {
            "ok": not any(p.level == "error" for p in found),
            "problems": [
                {"level": p.level, "message": p.message, "code": p.code, "connect_button": p.connect_button}
                for p in found
            ],
        }
        return Response(ProblemsOutputSerializer(data).data)

    @extend_schema(
        parameters=[OpenApiParameter("activity", int, required=True, pattern=ID_REGEX)],
        responses=PreviewOutputSerializer,
    )
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str) -> Response:
        """The exact Pennylane request for an activity; nothing is sent."""
        trigger = self.get_object()
        query = PreviewQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        preview = services.trigger_preview(trigger=trigger, activity=query.validated_data["activity"])
        return Response(PreviewOutputSerializer(preview).data)


@extend_schema(tags=["firings"])
class FiringViewSet(BusinessUnitViewMixin, viewsets.ReadOnlyModelViewSet):
    """Executions of triggers ("Déclenchement" rows of the history), newest first."""

    queryset = Firing.objects.none()  # the real one is get_queryset(), scoped
    filterset_class = FiringFilter

    def get_queryset(self) -> QuerySet[Firing]:
        queryset = firings_visible(self.principal)
        if self.action != "list":
            queryset = selectors.firing_detail(business_unit=self.principal.business_unit).filter(
                pk__in=queryset.values("pk")
            )
        return queryset

    def get_serializer_class(self) -> type[FiringOutputSerializer]:
        return FiringOutputSerializer if self.action == "list" else FiringDetailSerializer

    @extend_schema(request=None, responses=FiringDetailSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        self.require(self.principal.can_force_triggers, FORCE_ONLY)
        firing = services.firing_retry(firing=self.get_object(), actor=self.principal.actor)
        firing = self.get_queryset().get(pk=firing.pk)
        return Response(FiringDetailSerializer(firing, context=self.get_serializer_context()).data)


class _ActivityScoped(BusinessUnitViewMixin):
    def activity(self) -> Activity:
        try:
            return api_selectors.activity_get(principal=self.principal, pk=int(self.kwargs["pk"]))
        except (Activity.DoesNotExist, ValueError):
            raise exceptions.NotFound() from None


@extend_schema(tags=["firings"], parameters=[ACTIVITY_PATH])
class ActivityForceTriggerView(_ActivityScoped, generics.GenericAPIView):
    """ "Lancer manuellement un déclencheur" / "Forcer le déclenchement" on one activity."""

    serializer_class = ForceInputSerializer
    queryset = Activity.objects.none()

    @extend_schema(request=ForceInputSerializer, responses={201: FiringDetailSerializer})
    def post(self, request: Request, pk: str) -> Response:
        self.require(self.principal.can_force_triggers, FORCE_ONLY)
        activity = self.activity()
        serializer = ForceInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        firing = services.trigger_force(
            trigger=serializer.validated_data["trigger"], activity=activity, principal=self.principal
        )
        firing = selectors.firing_detail(business_unit=self.principal.business_unit).get(pk=firing.pk)
        data = FiringDetailSerializer(firing, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["firings"], parameters=[ACTIVITY_PATH])
class ActivityFiringsView(_ActivityScoped, generics.ListAPIView):
    """The firings of one activity, newest first; 404 for an activity the principal may not see."""

    serializer_class = FiringOutputSerializer
    queryset = Firing.objects.none()
    filterset_class = None

    def get_queryset(self) -> QuerySet[Firing]:
        return firings_visible(self.principal).filter(activity=self.activity())
