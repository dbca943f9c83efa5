from __future__ import annotations

from django.urls import path

from ideas import consumers

websocket_urlpatterns = [
    path("ws/maps/<int:map_id>/", consumers.MapConsumer.as_asgi()),
]
