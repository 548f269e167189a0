"""Settings, read from the environment in this one place.

With nothing set, the product runs on SQLite with an embedded (filesystem) Celery broker and
talks to the local Pennylane sandbox. ``DATABASE_URL`` and ``REDIS_URL`` (or
``CELERY_BROKER_URL``) switch to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "catalog",
    "activities",
    "pennylane",
    "triggers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.BusinessUnitMiddleware",
]

ROOT_URLCONF = "cadulis.urls"
WSGI_APPLICATION = "cadulis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.business_unit",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Without collectstatic (make run), WhiteNoise serves from the app and project static folders.
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsBusinessUnitMember"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cadulis.api_errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cadulis API",
    "DESCRIPTION": "Activities, customers, catalog, triggers and Pennylane billing documents of one business unit.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets used by several fields get one stable name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CancelReasonEnum": "activities.status.CancelReason",
        "CustomerKindEnum": "activities.models.CustomerKind",
        "HistoryKindEnum": "activities.models.HistoryKind",
        "ActivityStatusEnum": "activities.status.Status",
        "FiringStatusEnum": "triggers.models.FiringStatus",
    },
}

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
BROKER_DIR = Path(env.str("BROKER_DIR", default=str(VAR_DIR / "broker")))
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker of `make run`: messages are files, no server to install.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    # With acks_late an unacknowledged message comes back after visibility_timeout: keep it
    # longer than the longest task and any countdown we use (see RELIABILITY.md).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"triggers.tasks.*": {"queue": "firings"}}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not block a save for long: the sweeper catches up later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_MAX_RETRIES = 1
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "firings-sweeper": {"task": "triggers.tasks.firings_sweep", "schedule": 30.0},
    "pennylane-token-refresher": {"task": "pennylane.tasks.connections_refresh_expiring", "schedule": 600.0},
}

# --- Pennylane ------------------------------------------------------------------------------
SANDBOX_PORT = env.int("SANDBOX_PORT", default=8765)
_SANDBOX = f"http://127.0.0.1:{SANDBOX_PORT}"
PENNYLANE_AUTHORIZE_URL = env.str("PENNYLANE_AUTHORIZE_URL", default=f"{_SANDBOX}/oauth/authorize")
PENNYLANE_TOKEN_URL = env.str("PENNYLANE_TOKEN_URL", default=f"{_SANDBOX}/oauth/token")
PENNYLANE_REVOKE_URL = env.str("PENNYLANE_REVOKE_URL", default=f"{_SANDBOX}/oauth/revoke")
PENNYLANE_API_BASE_URL = env.str("PENNYLANE_API_BASE_URL", default=f"{_SANDBOX}/api/external/v2")
PENNYLANE_CLIENT_ID = env.str("PENNYLANE_CLIENT_ID", default="cadulis-demo")
PENNYLANE_CLIENT_SECRET = env.str("PENNYLANE_CLIENT_SECRET", default="cadulis-demo-secret")
PENNYLANE_REDIRECT_URI = env.str("PENNYLANE_REDIRECT_URI", default=f"{SITE_URL}/pennylane/callback/")
PENNYLANE_SCOPES = env.list(
    "PENNYLANE_SCOPES",
    default=[
        "customers:all",
        "products:all",
        "customer_invoices:all",
        "quotes:all",
        "customer_invoice_templates:readonly",
    ],
)
PENNYLANE_TIMEOUT = env.float("PENNYLANE_TIMEOUT", default=20.0)
PENNYLANE_RATE_LIMIT = env.int("PENNYLANE_RATE_LIMIT", default=25)
PENNYLANE_RATE_WINDOW = env.float("PENNYLANE_RATE_WINDOW", default=5.0)
# Fernet keys (url-safe base64, 32 bytes), newest first. Rotation: prepend a new key, run
# `manage.py pennylane_rotate_keys`, then drop the old key.
TOKEN_ENCRYPTION_KEYS = env.list(
    "TOKEN_ENCRYPTION_KEYS", default=["k9Qz1v3C8m3Z3sVJgk3m6tq7yH0bP8XoQy0mJ2c4a1E="]
)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Both log full tokens at DEBUG (RELIABILITY.md): never let them below WARNING.
        "requests_oauthlib": {"level": "WARNING", "propagate": True},
        "oauthlib": {"level": "WARNING", "propagate": True},
        "urllib3": {"level": "WARNING", "propagate": True},
        "django.db.backends": {"level": "INFO", "propagate": True},
    },
}

# --- Cache ----------------------------------------------------------------------------------
# Shared by every process when Redis is there (the trigger cache must be invalidated everywhere).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cadulis",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
FIRING_MAX_ATTEMPTS = env.int("FIRING_MAX_ATTEMPTS", default=8)
FIRING_SWEEP_STALE_SECONDS = env.int("FIRING_SWEEP_STALE_SECONDS", default=300)
# A running firing older than this lost its worker (task hard time limit + a margin).
FIRING_LEASE_SECONDS = env.int("FIRING_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
