from django.urls import URLPattern, URLResolver

app_name = "triggers"
urlpatterns: list[URLPattern | URLResolver] = []
