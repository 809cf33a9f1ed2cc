"""Settings for the newsroom, driven by the environment.

Every variable read here (one-line meanings in .env.example):
  DEBUG                 developer mode; `make run` turns it on, nothing else does
  TESTING               set by the test suite for the processes it starts
  SECRET_KEY            required when DEBUG is off
  ALLOWED_HOSTS         comma-separated host names; required when DEBUG is off
  SITE_URL              absolute base URL used in emails, feeds and Stripe redirects
  DATABASE_URL          default: SQLite file in var/
  CACHE_URL             default: local memory
  CELERY_BROKER_URL     default: kombu's filesystem transport in var/celery/
  CELERY_RESULT_BACKEND default: files in var/celery/results/
  CELERY_WORKER_CONCURRENCY         processes per worker (default 4)
  CELERY_WORKER_PREFETCH_MULTIPLIER messages each process keeps in hand (default 4)
  EMAIL_URL             default: console
  DEFAULT_FROM_EMAIL    sender of every email the site sends
  EMAIL_TIMEOUT         seconds before a stalled SMTP connection gives up (10)
  MEDIA_STORAGE_BACKEND storage class for uploads (default: local filesystem)
  MEDIA_ROOT            where uploads go on the filesystem
  SECURE_SSL_REDIRECT   redirect http to https (default on in production)
  SECURE_HSTS_SECONDS   HSTS max-age (default one year in production)
  TRUST_X_FORWARDED_PROTO  trust X-Forwarded-Proto from a TLS-terminating proxy
  ADMIN_LOGIN_FAILURE_LIMIT  failed admin logins before an address or username is locked out
  CSRF_TRUSTED_ORIGINS  comma-separated origins allowed to POST
  LOG_LEVEL             root log level
  STRIPE_SECRET_KEY     sk_test_... key; sk_live_ keys need STRIPE_ALLOW_LIVE
  STRIPE_WEBHOOK_SECRET whsec_... that signs webhook events
  STRIPE_API_BASE       base URL of a local Stripe test-mode server; empty means Stripe itself
  STRIPE_ALLOW_LIVE     allow live keys (off by default)
  STRIPE_TIMEOUT        seconds before a Stripe call gives up
  DONATION_CURRENCY     ISO currency of gifts (usd)
  DONATION_MIN_AMOUNT   smallest gift accepted
  DONATION_MAX_AMOUNT   largest gift accepted
  CHECKOUT_RATE_LIMIT   checkout sessions allowed per IP, e.g. 10/h
  REMINDER_RATE_LIMIT_IP     "remind me later" requests allowed per IP
  REMINDER_RATE_LIMIT_EMAIL  "remind me later" requests allowed per email address
  REMINDER_DISPATCH_SECONDS  how often beat looks for due reminders
"""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

TESTING = env.bool("TESTING", default="pytest" in sys.modules or sys.argv[1:2] == ["test"])
DEBUG = env.bool("DEBUG", default=False)
PRODUCTION = not DEBUG and not TESTING


def _required(name):
    """Return a variable that production cannot start without."""
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off (see .env.example).")
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
else:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Reader pages (articles app).
SITE_NAME = "Newsroom"
# Dotted path of a function(request) -> str; cached reader pages are kept per variant.
PAGE_CACHE_VARIANT = "support.appeals.appeal_state"
PAGE_CACHE_SECONDS = 600  # server-side page cache; edits invalidate it at once
PAGE_MAX_AGE = 60  # Cache-Control max-age for browsers and proxies
ARTICLE_PREVIEW_MAX_AGE = 3 * 24 * 3600  # lifetime of a signed draft preview link

INSTALLED_APPS = [
    "newsroom.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "reversion",
    "django_prose_editor",
    "newsroom",
    "articles",
    "support",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "newsroom.resilience.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web, worker and beat processes of `make run` share the file: wait for locks,
    # take the write lock up front, and let readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory, so a worker started by a test sees the test database.
    # One file per test run, so runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "redis_cache.RedisCache":
    # django-environ names a third-party backend; Django ships its own.
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
# Staff accounts guard the newsroom: a longer minimum than Django's 8.
AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] = {"min_length": 12}

# Admin login attempts (django-axes): a client address, or a username, that fails
# AXES_FAILURE_LIMIT times is locked out for AXES_COOLOFF_TIME hours.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env(
            "MEDIA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Celery: with nothing set, a broker and result store made of files, so
# `make run` needs no server; Redis (or RabbitMQ) by URL in production.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=f"file://{VAR_DIR / 'celery' / 'results'}"
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    for _folder in ("queue", "control", "results"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
# Tasks mostly wait on the database, SMTP or Stripe, so a worker runs more processes than
# cores and keeps a few messages in hand; both measured with bench/reminders.py.
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=4)
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=4)
CELERY_TIMEZONE = TIME_ZONE
# Celery's Django fixup closes the database connection after every task unless told to
# reuse it; newsroom/celery.py still drops broken or expired connections after each task.
CELERY_DB_REUSE_MAX = 100_000
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict in production, relaxed only for DEBUG and the test suite.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_ALLOW_LIVE = env.bool("STRIPE_ALLOW_LIVE", default=False)
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=10.0)
DONATION_CURRENCY = env("DONATION_CURRENCY", default="usd").lower()
DONATION_MIN_AMOUNT = env.int("DONATION_MIN_AMOUNT", default=2)
DONATION_MAX_AMOUNT = env.int("DONATION_MAX_AMOUNT", default=10_000)
CHECKOUT_RATE_LIMIT = env("CHECKOUT_RATE_LIMIT", default="10/h")
REMINDER_RATE_LIMIT_IP = env("REMINDER_RATE_LIMIT_IP", default="20/h")
REMINDER_RATE_LIMIT_EMAIL = env("REMINDER_RATE_LIMIT_EMAIL", default="5/d")
REMINDER_DISPATCH_SECONDS = env.float("REMINDER_DISPATCH_SECONDS", default=60.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
