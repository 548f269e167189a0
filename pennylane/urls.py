from django.urls import path

from . import views

app_name = "pennylane"
urlpatterns = [
    path("", views.connection_page, name="connection"),
    path("connect/", views.connect, name="connect"),
    path("callback/", views.callback, name="callback"),
    path("test/", views.test, name="test"),
    path("disconnect/", views.disconnect, name="disconnect"),
    path("documents/<int:pk>/open/", views.document_open, name="document_open"),
]
