from django.urls import path

from . import api

urlpatterns = [
    path("pennylane/connection/", api.ConnectionHealthView.as_view(), name="pennylane-connection"),
    path("billing-documents/", api.BillingDocumentListView.as_view(), name="billing-document-list"),
    path(
        "billing-documents/<int:pk>/", api.BillingDocumentDetailView.as_view(), name="billing-document-detail"
    ),
]
