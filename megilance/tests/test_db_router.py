"""The replica router: reads go to the replica only inside replica_reads(), never inside a transaction on the
primary, and writes and migrations always go to default."""

import pytest
from django.db import transaction
from django.test import RequestFactory

from accounts.models import User
from megilance import db_router
from megilance.db_router import ReplicaReadsMiddleware, ReplicaRouter, replica_reads


@pytest.fixture
def with_replica(settings, monkeypatch):
    # A second alias that points at the same test database would make Django open it twice; the router only asks
    # whether a replica is configured.
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    return settings


def test_reads_stay_on_default_without_replica_reads(with_replica):
    assert ReplicaRouter().db_for_read(User) is None


def test_reads_go_to_the_replica_inside_replica_reads(with_replica):
    with replica_reads():
        assert ReplicaRouter().db_for_read(User) == "replica"
    assert ReplicaRouter().db_for_read(User) is None


def test_reads_stay_on_default_when_no_replica_is_configured(settings):
    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert ReplicaRouter().db_for_read(User) is None


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_on_default_stay_there(with_replica):
    with replica_reads(), transaction.atomic():
        assert ReplicaRouter().db_for_read(User) is None


def test_writes_and_migrations_always_use_default(with_replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(User) == "default"
    assert router.allow_migrate("default", "accounts") is True
    assert router.allow_migrate("replica", "accounts") is False


@pytest.mark.parametrize(("method", "path", "expected"), [
    ("GET", "/api/search/projects", True),
    ("GET", "/dashboard/", True),
    ("POST", "/api/search/projects", False),
    ("GET", "/api/projects/", False),
])
def test_the_middleware_turns_replica_reads_on_for_safe_requests_to_listed_paths(with_replica, method, path,
                                                                                   expected):
    with_replica.REPLICA_READ_PATHS = ["/api/search", "/dashboard/"]
    seen = []
    middleware = ReplicaReadsMiddleware(lambda request: seen.append(db_router._use_replica.get()) or "ok")

    assert middleware(RequestFactory().generic(method, path)) == "ok"
    assert seen == [expected]


def test_settings_add_the_replica_router_only_when_the_variable_is_set():
    import subprocess
    import sys

    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='megilance.settings.local'; django.setup(); "
            "from django.conf import settings as s; print('replica' in s.DATABASES, s.DATABASE_ROUTERS, "
            "'megilance.db_router.ReplicaReadsMiddleware' in s.MIDDLEWARE)")
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                           env={"PATH": "/usr/bin:/bin", "DATABASE_REPLICA_URL": ""}, cwd=db_router.settings.BASE_DIR)
    replica = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                             env={"PATH": "/usr/bin:/bin",
                                  "DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5432/megilance"},
                             cwd=db_router.settings.BASE_DIR)

    assert plain.stdout.split() == ["False", "[]", "False"], plain.stderr
    assert replica.stdout.split() == ["True", "['megilance.db_router.ReplicaRouter']", "True"], replica.stderr
