"""Read replicas for search and dashboards.

With DATABASE_REPLICA_URL set, GET/HEAD requests to the paths in REPLICA_READ_PATHS (search, recommendations,
dashboards and analytics: heavy reads that can be a second or two behind) read from the `replica` database;
everything else, and every write, uses `default`. A read inside a transaction on `default` stays there, so
a service that reads and then writes under a lock never sees the replica. Without a replica nothing changes.

    with replica_reads():
        ...  # reads in here may go to the replica
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_use_replica: ContextVar[bool] = ContextVar("megilance_use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Sends reads to the replica only inside `replica_reads()`; writes, migrations and relations stay simple."""

    def db_for_read(self, model, **hints):
        if not _use_replica.get() or not replica_configured():
            return None
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both databases hold the same rows: an object read from the replica may be related to one from default.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Turns on replica reads for safe requests to the configured path prefixes."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(getattr(settings, "REPLICA_READ_PATHS", ()))

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(self.prefixes) and replica_configured():
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
