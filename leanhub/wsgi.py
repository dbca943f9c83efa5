"""WSGI entry point, for serving pages from a WSGI server (gunicorn) while the ASGI server
handles only websockets: Django serves plain pages faster without sync/async hops."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
application = get_wsgi_application()

from leanhub.checks import require_production_settings  # noqa: E402

require_production_settings()

from leanhub.runtime import tune_garbage_collector  # noqa: E402

tune_garbage_collector()
