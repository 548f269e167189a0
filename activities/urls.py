from django.urls import path

from . import views, views_customers

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("today/", views.activity_today, name="today"),
    path("create/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/transition/", views.activity_transition, name="transition"),
    path("customers/", views_customers.customer_list, name="customer_list"),
    path("customers/create/", views_customers.customer_create, name="customer_create"),
    path("customers/<int:pk>/edit/", views_customers.customer_edit, name="customer_edit"),
]
