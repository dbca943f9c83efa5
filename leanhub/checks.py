"""Start-up checks: LeanHub refuses to serve without the settings production needs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

STARTUP_REFUSAL = (
    "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random string "
    "(or DEBUG=1 for local development only)."
)


def _secret_key_missing() -> bool:
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to even read an empty key
        return True


# A deployment check (`check --deploy`): offline commands such as makemigrations must still run
# without the key; the server entry points refuse to start without it.
@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_set(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if _secret_key_missing():
        return [checks.Error(STARTUP_REFUSAL, id="leanhub.E001")]
    return []


def require_production_settings() -> None:
    """Called by the ASGI and WSGI entry points: no server starts without a secret key. Then the
    checks tagged "startup" (such as whether each sign-on provider answers) are logged."""
    if _secret_key_missing():
        raise ImproperlyConfigured(STARTUP_REFUSAL)
    report_startup_checks()


def report_startup_checks(*, wait: bool = False) -> threading.Thread:
    """Log what the checks tagged "startup" find, from a thread of its own, so that a service
    that is slow to answer never holds the server back. Server processes do not run Django's
    system checks (only manage.py commands do), so this is where their findings are seen."""
    logger = logging.getLogger("leanhub.startup")

    def run() -> None:
        for message in checks.run_checks(tags=["startup"]):
            level = logging.ERROR if message.is_serious() else logging.WARNING
            hint = f" ({message.hint})" if message.hint else ""
            logger.log(level, "%s: %s%s", message.id, message.msg, hint)

    thread = threading.Thread(target=run, name="startup-checks", daemon=True)
    thread.start()
    if wait:
        thread.join()
    return thread
