"""Settings for benchmarks and the load test: the production settings (DEBUG off, cached templates, persistent
connections, Redis) served over plain HTTP on 127.0.0.1, with the naive baselines mounted beside the product's
URLs. Never used to serve MegiLance.

The benchmark scripts set DJANGO_SECRET_KEY (random per run), DJANGO_ALLOWED_HOSTS=127.0.0.1, DATABASE_URL and
REDIS_URL before gunicorn starts.
"""

from megilance.settings.production import *  # noqa: F403
from megilance.settings.production import MIDDLEWARE

# Loopback HTTP: no TLS in front, so no redirect to HTTPS and no secure-only cookies.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

ROOT_URLCONF = "benchmarks.baseline_urls"
# Counts the SQL statements of each request into an X-Query-Count header, so the benchmark can print them.
MIDDLEWARE = ["benchmarks.middleware.QueryCountMiddleware", *MIDDLEWARE]
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
