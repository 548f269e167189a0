from django.urls import path

from . import views, views_activity

app_name = "triggers"
urlpatterns = [
    path("", views.trigger_list, name="list"),
    path("add/", views.trigger_add, name="add"),
    path("<int:pk>/", views.trigger_detail, name="detail"),
    path("<int:pk>/preview/", views.trigger_preview, name="preview"),
    path("<int:pk>/toggle/", views.trigger_toggle, name="toggle"),
    path("<int:pk>/duplicate/", views.trigger_duplicate, name="duplicate"),
    path("<int:pk>/delete/", views.trigger_delete, name="delete"),
    path("force/<int:activity_pk>/", views_activity.activity_force, name="force"),
    path("firings/<int:pk>/retry/", views_activity.firing_retry, name="retry"),
]
