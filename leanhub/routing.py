from __future__ import annotations

from django.urls import path

from leanhub import consumers

websocket_urlpatterns = [
    path("ws/me/", consumers.PersonalConsumer.as_asgi()),
]
