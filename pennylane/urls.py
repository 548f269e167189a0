from django.urls import URLPattern, URLResolver

app_name = "pennylane"
urlpatterns: list[URLPattern | URLResolver] = []
