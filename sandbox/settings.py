"""Settings of the Pennylane sandbox site. Never imported by the product's settings.

Environment: ``SANDBOX_DATABASE_URL`` (default: SQLite file ``var/sandbox.sqlite3`` under the repo
root), ``SANDBOX_PORT``, ``SANDBOX_DEMO_CLIENT_ID`` / ``SANDBOX_DEMO_CLIENT_SECRET``,
``SANDBOX_FAULTS=1`` (enables the ``/__sandbox__/`` control API), ``SANDBOX_PDF_DELAY`` (seconds
during which ``send_by_email`` answers 409 after finalization), ``SANDBOX_CLIENTS`` (extra OAuth
clients, ``id:secret:redirect_prefix`` separated by commas).
"""

from __future__ import annotations

from pathlib import Path

import environ

REPO_ROOT = Path(__file__).resolve().parent.parent
env = environ.Env()

SECRET_KEY = env.str("SANDBOX_SECRET_KEY", default="sandbox-not-secret-local-only")
DEBUG = env.bool("SANDBOX_DEBUG", default=False)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = ["sandbox.apps.SandboxConfig"]
MIDDLEWARE = ["sandbox.middleware.api_headers_middleware"]
ROOT_URLCONF = "sandbox.urls"
WSGI_APPLICATION = "sandbox.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

_default_db = f"sqlite:///{REPO_ROOT / 'var' / 'sandbox.sqlite3'}"
# An empty SANDBOX_DATABASE_URL means "not set".
DATABASES = {"default": env.db_url_config(env.str("SANDBOX_DATABASE_URL", default="") or _default_db)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Threaded server + SQLite: wait for the write lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = False
USE_TZ = True

SANDBOX_PORT = env.int("SANDBOX_PORT", default=8765)
SANDBOX_DEMO_CLIENT_ID = env.str("SANDBOX_DEMO_CLIENT_ID", default="cadulis-demo")
SANDBOX_DEMO_CLIENT_SECRET = env.str("SANDBOX_DEMO_CLIENT_SECRET", default="cadulis-demo-secret")
SANDBOX_CLIENTS = env.list("SANDBOX_CLIENTS", default=[])
SANDBOX_FAULTS = env.bool("SANDBOX_FAULTS", default=False)
SANDBOX_PDF_DELAY = env.float("SANDBOX_PDF_DELAY", default=5.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
