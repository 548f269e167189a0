from django.urls import URLPattern, URLResolver, re_path
from rest_framework.routers import SimpleRouter

from accounts.api import ID_REGEX

from .api import ActivityHistoryView, ActivityViewSet, CustomerViewSet, HistoryViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("activities", ActivityViewSet, basename="api-activity")
router.register("history", HistoryViewSet, basename="api-history")

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(
        rf"^activities/(?P<activity_id>{ID_REGEX})/history/$",
        ActivityHistoryView.as_view(),
        name="api-activity-history",
    ),
    *router.urls,
]
