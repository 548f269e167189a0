"""The REST API, /api/v1/: each app contributes its routes in its own api_urls module."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("catalog.api_urls")),
    path("", include("activities.api_urls")),
    path("", include("triggers.api_urls")),
    path("", include("pennylane.api_urls")),
]
