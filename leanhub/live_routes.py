"""Every app's websocket routes in one list, for leanhub/asgi.py."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.urls import URLPattern, URLResolver

websocket_urlpatterns: list[URLPattern | URLResolver] = []
for app in settings.INSTALLED_APPS:
    if app in {"leanhub", "ideas", "kaizen", "metrics"}:
        try:
            module = import_module(f"{app}.routing")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.routing":
                raise
            continue
        websocket_urlpatterns += module.websocket_urlpatterns
