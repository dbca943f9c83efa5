from __future__ import annotations

from django.urls import path

from kaizen import consumers

websocket_urlpatterns = [
    path("ws/boards/<int:board_id>/", consumers.BoardConsumer.as_asgi()),
]
