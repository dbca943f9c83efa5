"""A value-stream map's websocket: everyone viewing the map gets each edit's figures, drawing and
table as it commits."""

from __future__ import annotations

from django.urls import path

from ideas.maps import consumers

websocket_urlpatterns = [
    path("ws/maps/<int:map_id>/", consumers.MapConsumer.as_asgi()),
]
