"""ASGI entry point: HTTP pages and websockets. Pages stay synchronous Django views."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")
django_asgi_app = get_asgi_application()

from leanhub.checks import require_production_settings  # noqa: E402

require_production_settings()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from leanhub.live_routes import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

from leanhub.runtime import tune_garbage_collector  # noqa: E402

tune_garbage_collector()
