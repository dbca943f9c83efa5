"""LeanHub settings: one module, configured from the environment.

The embedded defaults (SQLite file, in-memory channel layer, console e-mail) let one command run
LeanHub anywhere; production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and HTTPS=1.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    # Only ever used with DEBUG on, on a developer's own machine.
    SECRET_KEY = "leanhub-insecure-development-key-do-not-use-in-production"  # noqa: S105
# Without DEBUG an empty key stays empty: offline commands (makemigrations, collectstatic) still
# work, but `check --deploy` fails and both server entry points refuse to start (leanhub/checks.py).

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "leanhub",
    "ideas",
    "kaizen",
    "metrics",
    "places",
    "signon",
    "api",
    "recognition",
    "library",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_filters",
    "channels",
    "django_q",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # First: the request log times everything below it, and the scheme (HTTPS or not) is known
    # before SecurityMiddleware decides on its redirect.
    "leanhub.service.RequestLogMiddleware",
    "leanhub.service.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "leanhub.http.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed here, below WhiteNoise (static files are compressed once, at
    # collectstatic) and above everything that writes the body. Django's GZipMiddleware pads
    # each response with random bytes (BREACH mitigation, since Django 4.2), so pages that show
    # a CSRF token can be compressed; streamed CSVs are compressed chunk by chunk.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Picks English or Welsh from the browser's Accept-Language (no language prefix in URLs);
    # after sessions, before CommonMiddleware, as Django requires.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's own language (User.language) overrides the browser's choice.
    "leanhub.i18n.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees the view's exceptions first: an unreachable database or file store is a
    # 503 saying so, not a server error.
    "leanhub.service.UnavailableMiddleware",
]

ROOT_URLCONF = "leanhub.urls"
WSGI_APPLICATION = "leanhub.wsgi.application"
ASGI_APPLICATION = "leanhub.asgi.application"

# Forms render with Django's own templates, but drop-down lists are written in Python (an
# include per option is 0.15 ms: 70 ms for a list of 500 teams).
FORM_RENDERER = "leanhub.renderers.Renderer"
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
                "leanhub.context.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # A kept connection is checked once at the start of each request that uses it, so a
        # database restart costs one reconnect rather than a failed request.
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Readers and writers from several threads (ASGI server, browser tests) wait for each
        # other instead of failing with "database is locked".
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: the browser tests' server threads must see the test's data. One file
    # per test process, so two test runs side by side never share (and corrupt) a database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "leanhub.User"

# --- Channels -------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# "queue" (the default with Redis): channels-redis's list-based layer, which keeps a message for
# a consumer that is briefly busy. "pubsub": one PUBLISH per group, fanned out inside each
# server process. Both carry a card move to 100 viewers well inside 200 ms at p95
# (bench/kaizen_fanout.py --layer queue|pubsub).
REDIS_CHANNEL_LAYER = os.environ.get("REDIS_CHANNEL_LAYER", "queue")
# Parallel test workers share one Redis but each has its own database, so the same board id means
# different boards: each worker gets a prefix of its own (pytest-xdist names it).
CHANNELS_PREFIX = os.environ.get("CHANNELS_PREFIX", "leanhub") + os.environ.get(
    "PYTEST_XDIST_WORKER", ""
)
if REDIS_URL and REDIS_CHANNEL_LAYER == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": CHANNELS_PREFIX,
            },
        }
    }
elif REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # channels-redis blocks up to 5 s waiting for a message; redis-py's own read
                # timeout must be longer or idle sockets die with TimeoutError.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": CHANNELS_PREFIX,
                "capacity": 1500,
                "expiry": 10,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "signon.backends.LocalPasswordBackend",
    "signon.backends.SignOnBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins (leanhub/throttle.py) are counted per account and client: a browser that has
# signed in to the account before, else the client's address. After LOGIN_FAILURES_BEFORE_DELAY
# of them that client waits 1 minute before its next try, then 2, 4, ... up to
# LOGIN_DELAY_MAX_MINUTES. Apart from that, one address is stopped after LOGIN_FAILURES_PER_ADDRESS
# failures across all accounts within LOGIN_FAILURE_WINDOW_MINUTES, except in a browser that has
# signed in to the account it is trying.
LOGIN_FAILURES_BEFORE_DELAY = int(os.environ.get("LOGIN_FAILURES_BEFORE_DELAY", "5"))
LOGIN_DELAY_MAX_MINUTES = int(os.environ.get("LOGIN_DELAY_MAX_MINUTES", "15"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
# The reverse proxies in front of LeanHub (comma-separated addresses or CIDR ranges, e.g.
# "10.0.0.0/8"). Only a request that comes from one of them has its X-Forwarded-For read, to find
# the client's own address (leanhub.http.client_address); with none, REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Single sign-on (signon/): OIDC_PROVIDERS names the providers, e.g. "entra,google"; each KEY
# then has OIDC_<KEY>_ISSUER, _CLIENT_ID, _CLIENT_SECRET and optionally _NAME (the button's
# "Sign in with <name>"), _SCOPES, _SIGN_ALGO and _EMAIL_CLAIM. See README.
SIGNON_PROVIDERS = [
    {
        "key": key.lower(),
        "name": os.environ.get(f"OIDC_{key.upper()}_NAME", key),
        "issuer": os.environ.get(f"OIDC_{key.upper()}_ISSUER", ""),
        "client_id": os.environ.get(f"OIDC_{key.upper()}_CLIENT_ID", ""),
        "client_secret": os.environ.get(f"OIDC_{key.upper()}_CLIENT_SECRET", ""),
        "scopes": os.environ.get(f"OIDC_{key.upper()}_SCOPES", "openid email profile"),
        "sign_algo": os.environ.get(f"OIDC_{key.upper()}_SIGN_ALGO", "RS256"),
        "email_claim": os.environ.get(f"OIDC_{key.upper()}_EMAIL_CLAIM", "email"),
    }
    for key in env_list("OIDC_PROVIDERS")
]
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
# Catalogues: locale/<lang>/LC_MESSAGES/django.po; the compiled .mo files are built by
# `make messages` (run by `make run` and `make test`), never committed.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch (leanhub.i18n.set_language) remembers a signed-out browser's choice here.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `collectstatic` (run by `make run` and the test command) writes each file under a name that
# carries a hash of its content, with gzip and brotli copies beside it; pages link to the hashed
# names, which WhiteNoise serves with a year's immutable caching (static_headers below).
# With DEBUG on, pages link to the plain names, served from the source folders as they change.
# STORAGES (uploads and these static files) is set below, with the upload bucket.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_MAX_AGE = 60 * 60 * 24 * 365


def static_headers(headers: Any, path: str, url: str) -> None:
    """A hashed file never changes: cache it for a year (WhiteNoise's own default is ten, longer
    than browsers and proxies honour)."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = f"max-age={STATIC_MAX_AGE}, public, immutable"


WHITENOISE_ADD_HEADERS_FUNCTION = static_headers

# Uploaded files are never served as public static files: views check the policy first and
# stream them with the content type they were verified as (see leanhub/http.py).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Where uploads are kept (leanhub/storage.py): the MEDIA_ROOT folder, or, with S3_BUCKET set, an
# S3-compatible object store that every server process shares. Credentials come from
# S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, else boto3's own chain (AWS_* variables, an instance
# role). Files are never linked to directly, so no public ACL or signed URL is ever made.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    _s3_endpoint = os.environ.get("S3_ENDPOINT_URL") or None
    _upload_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": _s3_endpoint,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            # Other stores (MinIO, Ceph, a cloud's own) are addressed by path; AWS by host.
            "addressing_style": os.environ.get(
                "S3_ADDRESSING_STYLE", "path" if _s3_endpoint else "auto"
            ),
            "default_acl": None,
            "querystring_auth": False,
        },
    }
else:
    _upload_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _upload_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "LeanHub <leanhub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Links in e-mails are absolute: the address people reach LeanHub at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The outbox (leanhub/mail.py): a failed e-mail is tried again after 1, 2, 4 ... minutes, at most
# an hour apart, and given up (and logged) after EMAIL_MAX_ATTEMPTS tries. A worker owns an
# e-mail it is sending for EMAIL_CLAIM_SECONDS; if it dies, another sends it after that.
EMAIL_RETRY_BASE_SECONDS = int(os.environ.get("EMAIL_RETRY_BASE_SECONDS", "60"))
EMAIL_RETRY_MAX_SECONDS = int(os.environ.get("EMAIL_RETRY_MAX_SECONDS", "3600"))
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "12"))
EMAIL_CLAIM_SECONDS = int(os.environ.get("EMAIL_CLAIM_SECONDS", str(EMAIL_TIMEOUT * 4)))

# --- Background worker ----------------------------------------------------------------------
# django-q2 with its database broker: the queue is a table in the same database, so the worker
# needs nothing LeanHub does not already have (SQLite for the demo, PostgreSQL in production).
# Run it with `manage.py worker`; it writes the periodic jobs' schedules when it starts. A task
# running longer than WORKER_TIMEOUT seconds is stopped; one whose worker died is handed out
# again after WORKER_RETRY seconds (which must be longer).
Q_CLUSTER = {
    "name": "leanhub",
    "orm": "default",
    "workers": int(os.environ.get("WORKER_PROCESSES", "2")),
    "timeout": int(os.environ.get("WORKER_TIMEOUT", "600")),
    "retry": int(os.environ.get("WORKER_RETRY", "660")),
    "max_attempts": 5,
    "catch_up": False,
    "poll": float(os.environ.get("WORKER_POLL_SECONDS", "1")),
    "save_limit": 500,
    "ack_failures": True,
    "label": _("Background worker"),
}

# --- Security -------------------------------------------------------------------------------
# HTTPS=1 when LeanHub is served over TLS (directly, or behind a proxy in TRUSTED_PROXIES that
# sets X-Forwarded-Proto); it switches on the redirect, secure cookies and HSTS.
HTTPS = env_bool("HTTPS", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# Health probes come over plain HTTP from inside the platform.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# X-Forwarded-Proto is believed only from TRUSTED_PROXIES (leanhub.service.TrustedProxyMiddleware),
# so SECURE_PROXY_SSL_HEADER, which would believe it from anyone, stays unset.
if HTTPS:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Logging --------------------------------------------------------------------------------
# LOG_FORMAT=json: every log record as one JSON object per line on standard error, and one line
# per request (method, path, status, duration, user id; leanhub.service.RequestLogMiddleware).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOG_REQUESTS = env_bool("LOG_REQUESTS", LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "leanhub.service.JsonLogFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "leanhub.requests": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- REST API (api/, /api/v1/) ---------------------------------------------------------------
# Callers send a token (`Authorization: Bearer lh_…`, made on the token pages) or, from a
# browser signed in to LeanHub, the session with its CSRF token. API_RATE_LIMIT is per token (or
# per person on the session), e.g. "600/minute" or "10000/hour"; empty turns the limit off. The
# counts live in Django's cache (one per process unless a shared cache is configured).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/minute")
# A JSON body larger than this is refused with 413 before it is read further.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(1024 * 1024)))
# --- Webhooks (api/delivery.py) -----------------------------------------------------------------
# Deliveries to private, loopback, link-local and other non-public addresses are refused, so a
# webhook cannot probe the network LeanHub runs in, unless allowed here: WEBHOOKS_ALLOW_PRIVATE=1
# allows every address (for tests and a closed network); WEBHOOKS_ALLOWED_NETWORKS names the
# networks allowed (CIDR, comma-separated), e.g. "10.20.0.0/16". An administrator may also allow
# private addresses for one subscription on its page.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE")
WEBHOOKS_ALLOWED_NETWORKS = [
    n.strip() for n in os.environ.get("WEBHOOKS_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
# Seconds to wait for a receiver to connect, and again to answer.
WEBHOOKS_TIMEOUT = float(os.environ.get("WEBHOOKS_TIMEOUT", "5"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.PerTokenThrottle"],
    "DEFAULT_PARSER_CLASSES": ["api.errors.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LeanHub API",
    "DESCRIPTION": (
        "Ideas, kaizen boards and cards, measures and their observations, as the caller may see "
        "them in LeanHub: the same rules decide, and what is outside the caller's reach answers "
        "404. Errors have one shape (`Error`). Reads carry an ETag; lists are cursor-paginated."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several choice sets share a field name ("kind"): each gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "IdeaKindEnum": "ideas.models.Idea.Kind",
        "ColumnKindEnum": "kaizen.models.Column.Kind",
        "ScopeKindEnum": ["team", "site", "organisation", "place"],
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
