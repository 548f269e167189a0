import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadulis.settings")

app = Celery("cadulis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.include = ["cadulis.tasks"]
