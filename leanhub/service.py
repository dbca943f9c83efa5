"""Running LeanHub as a service: the scheme (HTTPS or not) from trusted proxies only, one JSON
log line per request, the liveness and readiness endpoints, and the start-up report of bad
configuration."""

from __future__ import annotations

import datetime
import json
import logging
import time
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.functional import empty
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from leanhub import storage
from leanhub.http import from_trusted_proxy

request_logger = logging.getLogger("leanhub.requests")
logger = logging.getLogger(__name__)

HEALTH_PATHS = ("/healthz", "/readyz")


class TrustedProxyMiddleware:
    """``request.is_secure()`` honours ``X-Forwarded-Proto`` only when the request comes from
    one of ``settings.TRUSTED_PROXIES``: anyone else could send the header to pass as HTTPS.
    From a trusted proxy the header says which scheme the client used (the last value, the one
    our own proxy wrote); from anyone else it is ignored and the connection's own scheme holds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_PROTO", "")
        if forwarded and from_trusted_proxy(request):
            scheme = forwarded.split(",")[-1].strip().lower()
            if scheme in ("http", "https"):
                if isinstance(request, ASGIRequest):
                    # The request's own copy of the connection's details: changing it changes
                    # only what this request reports.
                    cast(dict[str, Any], request.scope)["scheme"] = scheme
                else:
                    request.META["wsgi.url_scheme"] = scheme
        return self.get_response(request)


def _unavailable(exception: Exception) -> str | None:
    """What a person is told when ``exception`` means a service LeanHub needs is unreachable
    (the database, the upload store), or None for any other error."""
    from django.db import InterfaceError, OperationalError

    if isinstance(exception, OperationalError | InterfaceError):
        return gettext("LeanHub cannot reach its database just now.")
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - installed with django-storages[s3]
        return None
    if isinstance(exception, BotoCoreError | ClientError):
        return gettext("LeanHub cannot reach its file store just now.")
    return None


class UnavailableMiddleware:
    """A view that fails because the database or the upload store cannot be reached answers 503
    with a plain page saying so (and Retry-After), not a server error; the fault is logged and
    /readyz names it. The page reads nothing from the database, which may be the thing down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        reason = _unavailable(exception)
        if reason is None:
            return None
        logger.error("Service unavailable: %s %s", request.method, request.path, exc_info=exception)
        html = render_to_string("503.html", {"reason": reason, "LANGUAGE_CODE": get_language()})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "60"
        return response


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty and request.path in HEALTH_PATHS:
        # The probes never touch the database for the log's sake.
        return None
    try:
        pk = user.pk
    except Exception:  # the database is down: the line is still written
        return None
    return pk if isinstance(pk, int) else None


class RequestLogMiddleware:
    """One log line per request on the ``leanhub.requests`` logger (a JSON object with
    LOG_FORMAT=json): method, path, status, duration in milliseconds, the user's id (or null).
    Only the path: query strings can carry search words and tokens, so they are not logged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = bool(getattr(settings, "LOG_REQUESTS", False))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _user_id(request),
        }
        request_logger.info(
            "%(method)s %(path)s %(status)s %(duration_ms)sms", fields, extra={"request": fields}
        )
        return response


# The attributes every LogRecord has; anything else was passed as ``extra``.
_RECORD_ATTRIBUTES = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonLogFormatter(logging.Formatter):
    """A log record as one line of JSON: time (UTC, ISO 8601), level, logger, message, and for
    request lines the request's fields at the top level; exceptions as a text field."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_fields = getattr(record, "request", None)
        if isinstance(request_fields, dict):
            entry.update(request_fields)
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and key != "request" and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


# --- Health ---------------------------------------------------------------------------------

OK = "ok"


def database_problem() -> str | None:
    """Why the database cannot serve LeanHub, or None: it answers, and every migration is
    applied."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return gettext("The database cannot be reached: %(error)s") % {
            "error": str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        }
    if plan:
        return gettext(
            "The database needs %(count)s migrations applied (run manage.py migrate)."
        ) % {"count": len(plan)}
    return None


def redis_problem() -> str | None:
    """Why Redis (the channel layer shared by the server processes) cannot be used, or None:
    it answers, or it is not configured."""
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:
        return gettext("Redis cannot be reached at the configured REDIS_URL: %(error)s") % {
            "error": error
        }
    return None


# Reported by /readyz and at start-up, but not a reason to take a web process out of service:
# people are served while e-mail waits in the outbox for the mail server to come back.
ADVISORY = frozenset({"mail"})


def mail_problem(database: str | None) -> str | None:
    """Why e-mail is not going out (from the outbox: e-mails being retried or given up on, with
    the last error), or None. Unknown while the database, which holds the outbox, is down."""
    if database is not None:
        return gettext("Unknown: the outbox is in the database, which cannot be reached.")
    from leanhub import mail

    return mail.problem()


def readiness() -> dict[str, str]:
    """Each dependency and "ok", or the reason it is not ready."""
    database = database_problem()
    checks = {
        "database": database or OK,
        "redis": redis_problem() or (OK if settings.REDIS_URL else "not configured"),
        "storage": storage.problem() or OK,
        "mail": mail_problem(database) or OK,
    }
    return checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Alive: the process answers. Touches no database, so a database outage never restarts
    the web processes."""
    return JsonResponse({"status": "alive"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve people: the database, Redis (when configured) and the upload storage all
    answer. 503 with each reason when not. "mail" says whether e-mail is going out, without
    deciding readiness (the outbox keeps what waits)."""
    checks = readiness()
    ready = all(
        value in (OK, "not configured") for name, value in checks.items() if name not in ADVISORY
    )
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )


def startup_problems() -> list[str]:
    """Whatever would keep LeanHub from serving people, one line each ("database: …"), for
    ``manage.py startup_report`` as a server process starts."""
    return [
        f"{name}: {value}"
        for name, value in readiness().items()
        if value not in (OK, "not configured")
    ]
