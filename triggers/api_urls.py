from django.urls import URLPattern, URLResolver, re_path
from rest_framework.routers import SimpleRouter

from accounts.api import ID_REGEX

from .api import ActivityFiringsView, ActivityForceTriggerView, FiringViewSet, TriggerViewSet

router = SimpleRouter()
router.register("triggers", TriggerViewSet, basename="api-trigger")
router.register("firings", FiringViewSet, basename="api-firing")

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(
        rf"^activities/(?P<pk>{ID_REGEX})/force-trigger/$",
        ActivityForceTriggerView.as_view(),
        name="api-activity-force-trigger",
    ),
    re_path(
        rf"^activities/(?P<pk>{ID_REGEX})/firings/$",
        ActivityFiringsView.as_view(),
        name="api-activity-firings",
    ),
    *router.urls,
]
