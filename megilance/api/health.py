"""Liveness and readiness probes."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

_health = inline_serializer("Health", {"status": serializers.CharField(), "checks": serializers.DictField()})


@extend_schema(responses={200: _health}, tags=["health"])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def live(request):
    return Response({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    cache.set("health:ready", "1", 5)
    if cache.get("health:ready") != "1":
        raise RuntimeError("cache did not return the value written")
    return "ok"


def _check_broker() -> str:
    from megilance.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@extend_schema(responses={200: _health, 503: _health}, tags=["health"])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def ready(request):
    checks = {"database": _check_database, "cache": _check_cache}
    if settings.REDIS_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = _check_broker
    results, failing = {}, []
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure of a dependency makes the service not ready
            results[name] = f"error: {exc.__class__.__name__}: {exc}"[:200]
            failing.append(name)
    if failing:
        return Response(
            {"status": "unavailable", "detail": f"Not ready: {', '.join(failing)} failing.", "checks": results},
            status=503,
        )
    return Response({"status": "ok", "checks": results})
