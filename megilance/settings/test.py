"""Settings for the test suite. DATABASE_URL and REDIS_URL (set by .ci/run) switch on PostgreSQL and Redis."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
SIMPLE_JWT["SIGNING_KEY"] = SECRET_KEY  # noqa: F405
# The default hasher costs ~0.25 s per hash; tests hash hundreds of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Task code runs in-process in tests; the worker integration test talks to a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/megilance-test-media")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "megilance-test"}}
# The lockout counts live in the test database, so each test starts with none (the cache is local memory here).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
