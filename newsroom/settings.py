"""Settings for the newsroom, driven by the environment.

Every variable read here (one-line meanings in .env.example):
  DEBUG                 developer mode; `make run` turns it on, nothing else does
  TESTING               set by the test suite for the processes it starts
  SECRET_KEY            required when DEBUG is off
  ALLOWED_HOSTS         comma-separated host names; required when DEBUG is off
  SITE_URL              absolute base URL used in emails, feeds and Stripe redirects;
                        required when DEBUG is off
  DATABASE_URL          default: SQLite file in var/
  CONN_MAX_AGE          seconds a PostgreSQL connection is kept (60)
  CACHE_URL             default: files in var/cache/, shared by every `make run` process
  CELERY_BROKER_URL     default: kombu's filesystem transport in var/celery/
  CELERY_RESULT_BACKEND default: files in var/celery/results/
  CELERY_WORKER_CONCURRENCY         processes per worker (default 4)
  CELERY_WORKER_PREFETCH_MULTIPLIER messages each process keeps in hand (default 4)
  EMAIL_URL             default: console
  DEFAULT_FROM_EMAIL    sender of every email the site sends; required when DEBUG is off
  EMAIL_TIMEOUT         seconds before a stalled SMTP connection gives up (10)
  MEDIA_STORAGE_BACKEND storage class for uploads (default: local filesystem)
  MEDIA_ROOT            where uploads go on the filesystem
  MEDIA_URL             public base URL of media (default /media/; the bucket's origin on S3)
  S3_BUCKET, S3_ENDPOINT_URL, S3_REGION, S3_CUSTOM_DOMAIN  media on S3-compatible storage
  SECURE_SSL_REDIRECT   redirect http to https (default on in production)
  SECURE_HSTS_SECONDS   HSTS max-age (default one year in production)
  TRUST_X_FORWARDED_PROTO  trust X-Forwarded-Proto from a TLS-terminating proxy
  ADMIN_LOGIN_FAILURE_LIMIT  failed admin logins before a network, or a username from that
                        network, is locked out
  TRUSTED_PROXY_COUNT   proxies in front of the app that append to X-Forwarded-For (0)
  TRUSTED_PROXY_NETWORKS  comma-separated networks those proxies connect from (any; required
                        in production with more than one proxy)
  CLIENT_NETWORK_IPV4_PREFIX  prefix of the network every limit keys an IPv4 client by (24)
  CLIENT_NETWORK_IPV6_PREFIX  prefix of the network every limit keys an IPv6 client by (64)
  CSRF_TRUSTED_ORIGINS  comma-separated origins allowed to POST
  LOG_LEVEL             root log level
  PAGE_CACHE_SECONDS    lifetime of a cached reader page (600); 0 turns the page cache off
  PAGE_CACHE_RECHECK_SECONDS  how long a process serves what it found fresh before asking
                        the shared cache again (1.0); 0 asks every time
  DATABASE_PREPARE_THRESHOLD  executions after which psycopg prepares a statement (5);
                        "off" behind a transaction-mode pooler without prepared statements
  PAGE_SHARED_MAX_AGE   s-maxage: how long a CDN keeps a reader page (600)
  PAGE_STALE_WHILE_REVALIDATE  seconds a CDN may serve a stale page while refetching (60)
  CDN_PURGE_BACKEND     pagecache.purge.NoPurge (default), VarnishPurge, FastlyPurge or
                        CloudflarePurge
  CDN_PURGE_URL         Varnish's address, or the base URL of the CDN's API (default:
                        the vendor's own)
  CDN_SERVICE_ID        Fastly service id, or Cloudflare zone id
  CDN_API_TOKEN         API token allowed to purge
  CDN_PURGE_TIMEOUT     seconds before a purge request gives up (5)
  STRIPE_SECRET_KEY     sk_test_... key; sk_live_ keys need STRIPE_ALLOW_LIVE
  STRIPE_WEBHOOK_SECRET whsec_... that signs webhook events
  STRIPE_API_BASE       base URL of a local Stripe test-mode server; empty means Stripe itself
  STRIPE_ALLOW_LIVE     allow live keys (off by default)
  STRIPE_TIMEOUT        seconds before a Stripe call gives up
  STRIPE_PAYMENT_METHOD_CONFIGURATION  pmc_... the Dashboard's payment method configuration
                        Checkout uses (empty: the account's default)
  DONATION_CURRENCY     the base currency: the goal meter and totals count in it (usd)
  DONATION_MIN_AMOUNT   smallest gift a new currency starts with (editors set each's)
  DONATION_MAX_AMOUNT   largest gift a new currency starts with
  SUPPORT_COUNTRY_HEADER  the CDN's request header naming the reader's country (CF-IPCountry;
                        empty: none), which picks the support page's first currency
  CHECKOUT_RATE_LIMIT   checkout sessions allowed per client network, e.g. 10/h
  CHECKOUT_SITE_RATE_LIMIT  checkout sessions allowed from everyone together, e.g. 60/m
  THANKS_LOOKUP_RATE_LIMIT   thank-you page look-ups at Stripe per network and per checkout
  REMINDER_RATE_LIMIT_NETWORK  "remind me later" requests allowed per client network
  REMINDER_RATE_LIMIT_EMAIL    requests per address from one network (others keep theirs)
  REMINDER_DISPATCH_SECONDS  how often beat looks for due reminders
  SIGN_IN_RATE_LIMIT_NETWORK  emailed links (sign-in, confirmations) asked for per network
  SIGN_IN_RATE_LIMIT_EMAIL    emailed links asked for one address, from anywhere
  READER_SESSION_SECONDS      how long a reader stays signed in after using a sign-in link
  NEWSLETTER_SIGNUP_RATE_LIMIT_NETWORK  newsletter sign-ups allowed per client network
  NEWSLETTER_SIGNUP_RATE_LIMIT_EMAIL    sign-ups for one address, from anywhere
  NEWSLETTER_RATE_PER_SECOND  most newsletter messages sent per second (per sending chain)
  NEWSLETTER_BATCH_SIZE       messages per batch (one SMTP connection each)
  MAILGUN_WEBHOOK_SIGNING_KEY  Mailgun's webhook signing key (bounces and complaints)
  BOUNCE_WEBHOOK_SECRET  the secret of the generic bounce and complaint webhook
  APPEAL_BEACON_RATE_LIMIT    appeal view/click beacons counted per client network (60/m)
  APPEAL_VIEW_SAMPLE          one appeal view in N is sent, counted as N (10)
  APPEAL_EXPLORATION_FLOOR    the least share of traffic each live variant keeps (0.02)
  APPEAL_COUNTRY_HEADER       the CDN's header naming the reader's country (CF-IPCountry)
"""

import ipaddress
import os
import re
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
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


# Keys that were ever published (the old compose.env, the development default): anyone
# could sign a session, a preview link or a gift's manage link with them.
PUBLISHED_SECRET_KEYS = {
    "compose-demo-secret-change-me-0123456789-abcdefghijklmnopqrstuvwxyz",
    "dev-only-insecure-key-never-use-in-production",
}

if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    if SECRET_KEY in PUBLISHED_SECRET_KEYS:
        raise ImproperlyConfigured(
            "SECRET_KEY is a published example; generate your own (see .env.example)."
        )
    ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
    # Receipts' manage links and Stripe's return URLs are built on it; a default would
    # send donors to a developer's machine.
    SITE_URL = _required("SITE_URL").rstrip("/")
    DEFAULT_FROM_EMAIL = _required("DEFAULT_FROM_EMAIL")
else:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
    SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
    DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Reader pages (pagecache app): kept whole in the shared cache, fresh while nothing they show
# changed. Dotted path of a function(request) -> str; pages are kept per variant.
PAGE_CACHE_VARIANT = "support.appeals.appeal_state"
# Lifetime of a kept page; edits make it stale at once. 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Each process serves a page it found fresh, and the versions of what pages draw, from its
# own memory for this long before asking the shared cache again: an edit made through
# another process shows within it. 0 asks on every request.
PAGE_CACHE_RECHECK_SECONDS = env.float("PAGE_CACHE_RECHECK_SECONDS", default=1.0)
# When the next scheduled change comes, and the tags it makes stale (pagecache.schedule).
PAGE_CACHE_NEXT_CHANGE = "articles.page_tags.next_publication"
# Browsers revalidate every reader page (a 304 when nothing changed): a reader who has just
# given or snoozed the appeal must not be shown their cached copy with the appeal in it.
PAGE_MAX_AGE = 0
# Variants an edge cache may share (the appeal shown, or no variant); others get private pages.
PAGE_CACHE_SHARED_VARIANTS = ["", "shown"]
# The edge (Varnish or a CDN) in front of the site: how long it keeps a page (edits purge it
# sooner) and serves a stale copy while it fetches a new one. Purging: pagecache/purge.py.
PAGE_SHARED_MAX_AGE = env.int("PAGE_SHARED_MAX_AGE", default=600)
PAGE_STALE_WHILE_REVALIDATE = env.int("PAGE_STALE_WHILE_REVALIDATE", default=60)
CDN_PURGE_BACKEND = env("CDN_PURGE_BACKEND", default="pagecache.purge.NoPurge")
CDN_PURGE_URL = env("CDN_PURGE_URL", default="")
CDN_SERVICE_ID = env("CDN_SERVICE_ID", default="")
CDN_API_TOKEN = env("CDN_API_TOKEN", default="")
CDN_PURGE_TIMEOUT = env.float("CDN_PURGE_TIMEOUT", default=5.0)
ARTICLE_PREVIEW_MAX_AGE = 3 * 24 * 3600  # lifetime of a signed draft preview link
LIVE_BLOG_POLL_SECONDS = 15  # how often an open live blog's page asks for new entries

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "newsroom",
    "pagecache",
    "outbox",
    "readers",
    "accounts",
    "articles",
    "support",
    "newsletters",
    "publication",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Kept reader pages are served from here, before sessions, CSRF, auth and URL resolving.
    "pagecache.pages.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "newsroom.resilience.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
# What the admin's start page lists for the person who opens it (newsroom/admin_site.py).
ADMIN_START_PAGE = "support.start_page.start_page"  # the newsroom's, and what earns support
# The name the admin's header carries: the publication's.
ADMIN_SITE_NAME = "publication.services.publication_name"
ARTICLE_ADMIN_FIGURES = "support.start_page.story_figures"  # what a story raised, on its form
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        # The site's own templates (reader pages): see newsroom/templating.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "environment": "newsroom.templating.environment",
            "libraries": ["articles.templating", "support.templating", "newsletters.templating"],
            "context_processors": [
                "django.template.context_processors.request",
                "publication.context_processors.publication",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "publication.context_processors.publication",
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
    # Parameters bound on the server, and a statement run this many times on a connection
    # is prepared: PostgreSQL then plans it once (the reader pages' queries, measured with
    # bench/pages.py). "off" for a transaction-mode pooler without prepared statements.
    _threshold = env("DATABASE_PREPARE_THRESHOLD", default="5")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "server_side_binding": _threshold != "off",
            "prepare_threshold": None if _threshold == "off" else int(_threshold),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default is one that the web, worker and beat processes of `make run` share, so the
# goal meter a worker refreshes is the one the web process shows. "local" and "pages": each
# process's own memory, for what pages draw per version of their data (pagecache/versions.py)
# and for the pages it found fresh within the last PAGE_CACHE_RECHECK_SECONDS.
CACHES = {
    "default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}"),
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "newsroom-local",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "newsroom-pages",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

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

# Admin login attempts (django-axes): AXES_FAILURE_LIMIT failures from one client network
# lock that network, and failures for one username lock that username only from the network
# they came from, so nobody can lock an editor out from elsewhere. Both for AXES_COOLOFF_TIME
# hours. Networks are the rate limits' (CLIENT_NETWORK_*_PREFIX, through the trusted proxies
# below): an IPv6 client cannot step through its /64 to escape. A success clears only that
# username's own failures from that network (accounts.lockout), never the guesses at others.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "newsroom.clientip.client_network_address"
AXES_HANDLER = "accounts.lockout.LoginAttemptHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# Client addresses behind proxies (newsroom/clientip.py): how many proxies in front of the
# app append to X-Forwarded-For (1 for the compose stack's nginx; 0 reads REMOTE_ADDR
# alone), and the networks those proxies connect from, checked at every hop. With more than
# one proxy the networks are required in production: without them a client that reaches
# the nearer proxy directly names its own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_NETWORKS = env.list("TRUSTED_PROXY_NETWORKS", default=[])
for _network in TRUSTED_PROXY_NETWORKS:
    try:
        ipaddress.ip_network(_network)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXY_NETWORKS: {exc}") from None
if PRODUCTION and TRUSTED_PROXY_COUNT > 1 and not TRUSTED_PROXY_NETWORKS:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_NETWORKS must list the proxies' networks when TRUSTED_PROXY_COUNT > 1 "
        "(see .env.example)."
    )
# Every limit keys on the client's network, not its address: an IPv6 subscriber is given a
# whole /64 (or more) to use as it likes; IPv4 keeps the reminders' /24.
CLIENT_NETWORK_IPV4_PREFIX = env.int("CLIENT_NETWORK_IPV4_PREFIX", default=24)
CLIENT_NETWORK_IPV6_PREFIX = env.int("CLIENT_NETWORK_IPV6_PREFIX", default=64)
if not (8 <= CLIENT_NETWORK_IPV4_PREFIX <= 32 and 16 <= CLIENT_NETWORK_IPV6_PREFIX <= 128):
    raise ImproperlyConfigured(
        "CLIENT_NETWORK_IPV4_PREFIX must be 8 to 32, CLIENT_NETWORK_IPV6_PREFIX 16 to 128."
    )

# Two-factor authentication (django-otp): superusers, anyone enrolled and anyone holding a
# permission beyond the Writers group's must confirm a TOTP code (or a recovery code) after
# their password whenever DEBUG is off (accounts/policy.py); everyone on staff may enrol.
# Only the test suite and `make run` (DEBUG) go without.
TWO_FACTOR_REQUIRED = PRODUCTION


def OTP_TOTP_ISSUER(device):  # noqa: N802 (a setting django-otp calls)
    """The name authenticator apps show beside the code: the publication's, as editors set it."""
    from django.utils.module_loading import import_string

    return import_string("publication.services.publication_name")()


LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media (photos): on the filesystem, served by the proxy from the media volume; or on
# S3-compatible object storage through django-storages (`pip install '.[s3]'`), whose
# credentials boto3 reads from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_STORAGE = {
    "BACKEND": env("MEDIA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")
}
if MEDIA_STORAGE["BACKEND"] == "storages.backends.s3.S3Storage":
    MEDIA_STORAGE["OPTIONS"] = {
        "bucket_name": env("S3_BUCKET", default=""),
        "endpoint_url": env("S3_ENDPOINT_URL", default=None),
        "region_name": env("S3_REGION", default=None),
        "custom_domain": env("S3_CUSTOM_DOMAIN", default=None),
        "querystring_auth": False,  # published photos: plain, cacheable URLs
        "file_overwrite": False,
    }
STORAGES = {
    "default": MEDIA_STORAGE,
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
REMINDER_DISPATCH_SECONDS = env.float("REMINDER_DISPATCH_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "health-ping": {"task": "newsroom.health_ping", "schedule": crontab(minute="*/5")},
    "dispatch-due-reminders": {
        "task": "support.tasks.dispatch_due_reminders",
        "schedule": REMINDER_DISPATCH_SECONDS,
    },
    "sweep-outbox": {"task": "outbox.tasks.sweep_outbox", "schedule": crontab(minute="*/5")},
    "sweep-support-work": {
        "task": "support.tasks.sweep_support_work",
        "schedule": crontab(minute="*/5"),
    },
    "swap-expired-hero-photos": {
        "task": "articles.tasks.swap_expired_hero_photos",
        "schedule": crontab(minute=15),  # hourly: a run lost to a restart waits an hour
    },
    "publish-due-stories": {
        "task": "pagecache.tasks.publish_due",
        "schedule": 60.0,  # for pages an edge cache serves; Python checks on every page
    },
    "send-queued-purges": {
        "task": "pagecache.tasks.send_purges",
        "schedule": crontab(minute="*/5"),
    },
    "sweep-photo-renditions": {
        "task": "articles.tasks.sweep_photo_renditions",
        "schedule": crontab(minute="*/5"),
    },
    "send-care-emails": {
        "task": "support.tasks.send_care_emails",
        "schedule": crontab(hour=9, minute=0),  # daily; each email is owed once
    },
    "sweep-reader-links": {
        "task": "readers.tasks.sweep_tokens",
        "schedule": crontab(hour=3, minute=30),  # daily
    },
    "newsletters-due-and-swept": {
        "task": "newsletters.tasks.send_due_editions",
        "schedule": 60.0,  # scheduled editions, and batches a lost message or a worker dropped
    },
    "fold-appeal-counts": {"task": "support.tasks.fold_appeal_counts", "schedule": 60.0},
    "refresh-appeal-weights": {
        "task": "support.tasks.refresh_appeal_weights",
        "schedule": crontab(minute="*/5"),
    },
    "roll-up-appeal-counts": {
        "task": "support.tasks.roll_up_appeal_counts",
        "schedule": crontab(hour=4, minute=10),  # daily
    },
    "sweep-pending-uploads": {
        "task": "articles.tasks.sweep_pending_uploads",
        "schedule": crontab(minute=45),  # hourly
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict in production, relaxed only for DEBUG and the test suite.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# The site's own cookies (appeal_state) follow the same rule: every first-party cookie is
# Secure in production.
COOKIES_SECURE = PRODUCTION
# A reader signed in by an emailed link (readers/sessions.py): a cookie of its own, apart
# from the staff's session, for this long from the sign-in.
READER_SESSION_SECONDS = env.int("READER_SESSION_SECONDS", default=3600)
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
STRIPE_PAYMENT_METHOD_CONFIGURATION = env("STRIPE_PAYMENT_METHOD_CONFIGURATION", default="")
# Embeds (articles/embeds.py) are resolved over https from their providers' own hosts only.
# For tests only, never from the environment: allow http and loopback (a local fake endpoint)
# and point a provider's oEmbed endpoint, thumbnail hosts and frame origin elsewhere.
EMBED_TEST_ALLOW_LOCAL = False
EMBED_TEST_PROVIDERS: dict[str, dict] = {}
# The CSP's frame-src beyond 'self': the embed providers' players (newsroom/security.py).
CSP_FRAME_SOURCES = "articles.embeds.frame_origins"
DONATION_CURRENCY = env("DONATION_CURRENCY", default="usd").lower()
DONATION_MIN_AMOUNT = env.int("DONATION_MIN_AMOUNT", default=2)
DONATION_MAX_AMOUNT = env.int("DONATION_MAX_AMOUNT", default=10_000)
SUPPORT_COUNTRY_HEADER = env("SUPPORT_COUNTRY_HEADER", default="CF-IPCountry")
# Rate limits (newsroom/ratelimit.py), as count/period (s, m, h, d), each per client network
# unless it says otherwise; the README's security section lists them all.
CHECKOUT_RATE_LIMIT = env("CHECKOUT_RATE_LIMIT", default="10/h")
CHECKOUT_SITE_RATE_LIMIT = env("CHECKOUT_SITE_RATE_LIMIT", default="60/m")  # everyone together
THANKS_LOOKUP_RATE_LIMIT = env("THANKS_LOOKUP_RATE_LIMIT", default="20/m")
REMINDER_RATE_LIMIT_NETWORK = env("REMINDER_RATE_LIMIT_NETWORK", default="20/h")
REMINDER_RATE_LIMIT_EMAIL = env("REMINDER_RATE_LIMIT_EMAIL", default="5/d")
# Links sent by email on request (the donor account's sign-in, a new confirmation): per
# network, and per address from anywhere (over it, nothing is sent and the page reads the same).
SIGN_IN_RATE_LIMIT_NETWORK = env("SIGN_IN_RATE_LIMIT_NETWORK", default="20/h")
SIGN_IN_RATE_LIMIT_EMAIL = env("SIGN_IN_RATE_LIMIT_EMAIL", default="5/h")
NEWSLETTER_SIGNUP_RATE_LIMIT_NETWORK = env("NEWSLETTER_SIGNUP_RATE_LIMIT_NETWORK", default="20/h")
NEWSLETTER_SIGNUP_RATE_LIMIT_EMAIL = env("NEWSLETTER_SIGNUP_RATE_LIMIT_EMAIL", default="5/d")
# Sending editions (newsletters/sending.py): a batch goes over one SMTP connection and takes
# at least batch / rate seconds; a provider's own sending limit is the rate to set.
NEWSLETTER_RATE_PER_SECOND = env.float("NEWSLETTER_RATE_PER_SECOND", default=250.0)
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=200)
MAILGUN_WEBHOOK_SIGNING_KEY = env("MAILGUN_WEBHOOK_SIGNING_KEY", default="")
BOUNCE_WEBHOOK_SECRET = env("BOUNCE_WEBHOOK_SECRET", default="")
# Appeals that learn (support/experiments.py): beacons per network beyond the rate are dropped
# (and counted as dropped); one view in APPEAL_VIEW_SAMPLE is sent and counted as that many.
APPEAL_BEACON_RATE_LIMIT = env("APPEAL_BEACON_RATE_LIMIT", default="60/m")
APPEAL_VIEW_SAMPLE = env.int("APPEAL_VIEW_SAMPLE", default=10)
APPEAL_EXPLORATION_FLOOR = env.float("APPEAL_EXPLORATION_FLOOR", default=0.02)
APPEAL_COUNTRY_HEADER = env("APPEAL_COUNTRY_HEADER", default="CF-IPCountry")
APPEAL_WEIGHTS_SECONDS = 60  # max-age of /support/appeals/weights.json
for _name in (
    "NEWSLETTER_SIGNUP_RATE_LIMIT_NETWORK",
    "NEWSLETTER_SIGNUP_RATE_LIMIT_EMAIL",
    "CHECKOUT_RATE_LIMIT",
    "CHECKOUT_SITE_RATE_LIMIT",
    "THANKS_LOOKUP_RATE_LIMIT",
    "REMINDER_RATE_LIMIT_NETWORK",
    "REMINDER_RATE_LIMIT_EMAIL",
    "SIGN_IN_RATE_LIMIT_NETWORK",
    "SIGN_IN_RATE_LIMIT_EMAIL",
    "APPEAL_BEACON_RATE_LIMIT",
):
    if not re.fullmatch(r"[0-9]+/[smhd]", vars()[_name].strip()):
        raise ImproperlyConfigured(f"{_name} must read like 10/h (a count, then /s, /m, /h or /d).")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
