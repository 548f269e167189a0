from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.activity_type_list, name="list"),
    path("create/", views.activity_type_create, name="create"),
    path("<int:pk>/", views.activity_type_configure, name="configure"),
]
