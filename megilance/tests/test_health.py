"""Liveness and readiness probes for the load balancer and the orchestrator."""

from unittest import mock

import pytest

pytestmark = pytest.mark.django_db


def _boom(message):
    def check():
        raise RuntimeError(message)

    return check


@pytest.mark.parametrize("path", ["/api/health/live", "/api/health/live/"])
def test_live_answers_ok_without_touching_anything(api, path, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api.get(path)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_answers_ok_with_each_check(api):
    response = api.get("/api/health/ready")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"


def test_ready_answers_503_naming_the_database_when_it_is_down(api):
    with mock.patch("megilance.api.health._check_database", _boom("connection refused")):
        response = api.get("/api/health/ready/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "database" in body["detail"]
    assert body["checks"]["database"].startswith("error")
    assert "connection refused" in body["checks"]["database"]
    assert body["checks"]["cache"] == "ok"


def test_ready_answers_503_naming_the_cache_when_it_is_down(api):
    with mock.patch("megilance.api.health._check_cache", _boom("cache gone")):
        response = api.get("/api/health/ready")

    assert response.status_code == 503
    assert "cache" in response.json()["detail"]
    assert "database" not in response.json()["detail"]


def test_ready_checks_the_broker_only_when_tasks_go_through_one(api, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("megilance.api.health._check_broker", _boom("broker down")):
        response = api.get("/api/health/ready")

    assert response.status_code == 503
    assert "broker" in response.json()["detail"]

    settings.CELERY_TASK_ALWAYS_EAGER = True
    with mock.patch("megilance.api.health._check_broker", _boom("broker down")):
        assert api.get("/api/health/ready").status_code == 200


def test_health_ignores_a_bad_bearer_token(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer broken")

    assert api.get("/api/health/live").status_code == 200
    assert api.get("/api/health/ready").status_code == 200


@pytest.mark.redis
def test_ready_reaches_the_real_broker(api, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    response = api.get("/api/health/ready")

    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"] == "ok"
