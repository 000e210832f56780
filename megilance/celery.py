import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "megilance.settings.local")

app = Celery("megilance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="megilance.ping")
def ping(value: str = "pong") -> str:
    """A trivial task used by the readiness check and the worker integration test."""
    return value
