"""Settings shared by every environment. Each integration is switched on by its own environment variable."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sites",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "megilance",
    "accounts",
    "marketplace",
    "billing",
    "support",
    "engagement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserSessionMiddleware",
    "megilance.security.SecurityHeadersMiddleware",
    # Last, as django-axes requires: turns a locked-out web log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "megilance.urls"
WSGI_APPLICATION = "megilance.wsgi.application"
ASGI_APPLICATION = "megilance.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "megilance.context_processors.site",
                "support.context_processors.announcements",
            ],
        },
    },
]

# Database: SQLite by default so that a laptop needs nothing; PostgreSQL through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses log-ins of locked-out accounts and addresses on every door (web, API, admin).
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False

# Cache, Celery and throttles: Redis when REDIS_URL is set, in-process otherwise.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "megilance"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}

# Email: console locally; SMTP through EMAIL_URL or a provider through django-anymail in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MegiLance <no-reply@megilance.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# django-allauth: web sign-up, log-in by email, verification, password reset and MFA.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MegiLance] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
LOGIN_REDIRECT_URL = "/dashboard/"
LOGIN_URL = "/accounts/login/"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_TOLERANCE = 1  # one 30-second step of clock drift either way; a used code stays refused for the whole window
MFA_TOTP_ISSUER = "MegiLance"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON written by orjson (megilance/api/renderers.py), and the browsable API.
    "DEFAULT_RENDERER_CLASSES": [
        "megilance.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "megilance.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "megilance.api.filters.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "megilance.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_CLAIM": "user_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MegiLance API",
    "DESCRIPTION": "Freelance marketplace API: projects, proposals, contracts, escrow, invoices and more.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    # Swagger UI assets come from the sidecar package, served locally (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# Money rules (see megilance/money.py).
DEFAULT_CURRENCY = "USD"
PLATFORM_FEE_PERCENT = Decimal(env.str("PLATFORM_FEE_PERCENT", default="10.00"))
ESCROW_AUTO_RELEASE_DAYS = env.int("ESCROW_AUTO_RELEASE_DAYS", default=14)
SECURITY_PERIOD_DAYS = env.int("SECURITY_PERIOD_DAYS", default=5)
PAYMENT_GATEWAY = env("PAYMENT_GATEWAY", default="manual")
# Payment providers: each is off until its keys are set. Webhook secrets verify the providers' signed events.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
PAYPAL_CLIENT_ID = env("PAYPAL_CLIENT_ID", default="")
PAYPAL_CLIENT_SECRET = env("PAYPAL_CLIENT_SECRET", default="")
PAYPAL_WEBHOOK_ID = env("PAYPAL_WEBHOOK_ID", default="")
PAYPAL_MODE = env("PAYPAL_MODE", default="sandbox")  # sandbox or live
# Billing's jobs (billing/tasks.py): each is safe to run again, so a missed or doubled beat moves no money twice.
CELERY_BEAT_SCHEDULE.update({
    "billing-auto-release-escrow": {"task": "billing.auto_release_escrow", "schedule": timedelta(hours=1)},
    "billing-mature-pending-earnings": {"task": "billing.mature_pending_earnings", "schedule": timedelta(hours=1)},
    "billing-run-scheduled-payouts": {"task": "billing.run_scheduled_payouts", "schedule": timedelta(hours=1)},
    "billing-expire-pending-fundings": {"task": "billing.expire_pending_fundings", "schedule": timedelta(minutes=30)},
    "billing-purge-idempotency-keys": {"task": "billing.purge_idempotency_keys", "schedule": timedelta(hours=6)},
    "billing-retry-webhook-events": {"task": "billing.retry_webhook_events", "schedule": timedelta(minutes=10)},
})
# Hourly work and invoices (billing/invoice_tasks.py). Weekly billing runs early on Saturday, just after the
# client's review window (Friday 23:59 UTC) closed, so last week's unreviewed time is approved and billed at once.
CELERY_BEAT_SCHEDULE.update({
    "billing-hourly-time-windows": {"task": "billing.hourly_time_windows", "schedule": timedelta(hours=1)},
    "billing-bill-hourly-weeks": {"task": "billing.bill_hourly_weeks",
                                  "schedule": crontab(minute=30, hour=0, day_of_week="sat")},
    "billing-invoices-daily": {"task": "billing.invoices_daily", "schedule": crontab(minute=0, hour=6)},
})
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["EscrowStatusEnum"] = "billing.models.escrow.EscrowStatus"
# Support: the overdue-ticket and decidable-dispute counts are logged for whoever is on call.
CELERY_BEAT_SCHEDULE["support-report-overdue-tickets"] = {
    "task": "support.report_overdue", "schedule": timedelta(minutes=30)}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(TicketStatusEnum="support.models.TicketStatus",
                                                   DisputeStatusEnum="support.models.DisputeStatus")
REVIEW_BLIND_DAYS = 14

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
NUM_PROXIES = env.int("NUM_PROXIES", default=0)  # trusted reverse proxies in front of the app

# Engagement: web push (VAPID keys, base64url; off without them), SMS by Twilio (off without an account), and the
# nightly jobs: the notification digest email and the analytics rollup.
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
# Search: the known title words that correct typos, recounted nightly (marketplace/tasks.py).
CELERY_BEAT_SCHEDULE["marketplace-rebuild-search-words"] = {
    "task": "marketplace.rebuild_search_words", "schedule": crontab(minute=15, hour=3)}
CELERY_BEAT_SCHEDULE["engagement-notification-digest"] = {
    "task": "engagement.send_notification_digests", "schedule": timedelta(days=1)}
CELERY_BEAT_SCHEDULE["engagement-analytics-rollup"] = {
    "task": "engagement.rollup_user_analytics", "schedule": timedelta(days=1)}

# Trust and safety. Password reset links (web and API) work once and for one hour; a reset never signs in, so the
# next log-in still asks for the second factor.
PASSWORD_RESET_TIMEOUT = 60 * 60
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # the browser that changed it stays in; every other session ends
ACCOUNT_PREVENT_ENUMERATION = True
# Rate limits by scope (megilance/api/throttling.py), counted in the cache: Redis when REDIS_URL is set.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["megilance.api.throttling.ScopedRateThrottle"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "login": env("THROTTLE_LOGIN", default="20/min"),
    "register": env("THROTTLE_REGISTER", default="20/hour"),
    "password_reset": env("THROTTLE_PASSWORD_RESET", default="10/hour"),
    "email_verification": env("THROTTLE_EMAIL_VERIFICATION", default="10/hour"),
    "two_factor": env("THROTTLE_TWO_FACTOR", default="10/min"),
    "proposals": env("THROTTLE_PROPOSALS", default="60/hour"),
    "messages": env("THROTTLE_MESSAGES", default="60/min"),
    "gdpr": env("THROTTLE_GDPR", default="5/hour"),
}
CELERY_BEAT_SCHEDULE["accounts-expire-data-exports"] = {
    "task": "accounts.expire_data_exports", "schedule": timedelta(hours=6)}
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES or None  # DRF reads the client IP behind proxies like accounts.requests

# Brute-force lockout (django-axes) per account and per client IP, shared by the web, admin and API log-ins and
# counted in Redis (in the database without Redis: a local-memory cache is not shared between processes). The IP is
# read like everywhere else (accounts.requests.client_ip, NUM_PROXIES).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler" if REDIS_URL else "axes.handlers.database.AxesDatabaseHandler"
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are in audit_logs already
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "accounts.requests.client_ip"
AXES_USERNAME_CALLABLE = "accounts.requests.login_identifier"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Saved-search digests (engagement/saved_searches.py); instant alerts run from the project_published event.
CELERY_BEAT_SCHEDULE["engagement-saved-search-daily"] = {
    "task": "engagement.saved_searches_send_digests", "schedule": timedelta(days=1), "args": ("daily",)}
CELERY_BEAT_SCHEDULE["engagement-saved-search-weekly"] = {
    "task": "engagement.saved_searches_send_digests", "schedule": timedelta(days=7), "args": ("weekly",)}
# Files (accounts/uploads): per-kind size limits, image bounds, presigned uploads, virus scanning and backups.
# Scanning is off without CLAMD_HOST or CLAMD_SOCKET (a loud warning at start-up); with UPLOAD_SCAN_REQUIRED an
# upload that no scanner has passed is held instead. Private files live outside MEDIA_ROOT unless S3 is on.
CLAMD_HOST = env("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_SOCKET = env("CLAMD_SOCKET", default="")
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)
UPLOAD_SCAN_REQUIRED = env.bool("UPLOAD_SCAN_REQUIRED", default=False)
UPLOAD_PRIVATE_ROOT = env.path("UPLOAD_PRIVATE_ROOT", default=BASE_DIR / "private-media")
UPLOAD_MAX_MB = {
    "profile_image": env.int("UPLOAD_PROFILE_IMAGE_MAX_MB", default=5),
    "portfolio_image": env.int("UPLOAD_PORTFOLIO_IMAGE_MAX_MB", default=10),
    "proposal_attachment": env.int("UPLOAD_PROPOSAL_ATTACHMENT_MAX_MB", default=10),
    "project_file": env.int("UPLOAD_PROJECT_FILE_MAX_MB", default=25),
    "message_attachment": env.int("UPLOAD_MESSAGE_ATTACHMENT_MAX_MB", default=10),
    "support_attachment": 10,
}
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=40_000_000)
UPLOAD_IMAGE_MAX_DIMENSION = env.int("UPLOAD_IMAGE_MAX_DIMENSION", default=2048)
UPLOAD_THUMBNAIL_SIZE = env.int("UPLOAD_THUMBNAIL_SIZE", default=320)
UPLOAD_PRESIGN_DEFAULT_SECONDS = 3600
UPLOAD_PRESIGN_MAX_SECONDS = env.int("UPLOAD_PRESIGN_MAX_SECONDS", default=6 * 3600)
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["uploads"] = env("THROTTLE_UPLOADS", default="120/hour")
CELERY_BEAT_SCHEDULE.update({
    "uploads-expire-unconfirmed": {"task": "uploads.expire_unconfirmed", "schedule": timedelta(hours=1)},
    "uploads-rescan-held": {"task": "uploads.rescan_held", "schedule": timedelta(minutes=10)},
    "accounts-backup-db": {"task": "accounts.backup_db", "schedule": crontab(minute=15, hour=2)},
})
# Growing past one machine (docs/production.md): a PostgreSQL read replica for search and dashboards, and Celery
# queues per kind of work. Both are off unless their variable is set.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
REPLICA_READ_PATHS = env.list("REPLICA_READ_PATHS", default=[
    "/api/search", "/api/ai/", "/api/analytics", "/api/dashboard", "/dashboard/", "/search/"])
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"].get("CONN_MAX_AGE", 0))
    # Tests create one database and treat the replica as a mirror of it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["megilance.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
                      "megilance.db_router.ReplicaReadsMiddleware")
CELERY_SPLIT_QUEUES = env.bool("CELERY_SPLIT_QUEUES", default=False)
if CELERY_SPLIT_QUEUES:
    # Money first and alone, so that a burst of emails never delays an escrow release or a payout.
    CELERY_TASK_DEFAULT_QUEUE = "default"
    CELERY_TASK_ROUTES = {
        "billing.*": {"queue": "money"},
        "engagement.send_notification_*": {"queue": "notifications"},
        "engagement.notify_*": {"queue": "notifications"},
        "engagement.send_notification_digests": {"queue": "notifications"},
        "billing.build_invoice_pdf": {"queue": "documents"},
        "accounts.build_data_export": {"queue": "documents"},
        "accounts.backup_db": {"queue": "documents"},
    }
