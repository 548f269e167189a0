from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from .api import ActivityTypeViewSet

router = SimpleRouter()
router.register("activity-types", ActivityTypeViewSet, basename="api-activity-type")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
