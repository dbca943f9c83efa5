"""The ideas app's websockets (collected by leanhub/live_routes.py): a value-stream map's."""

from __future__ import annotations

from ideas.maps import routing as maps_routing

websocket_urlpatterns = [*maps_routing.websocket_urlpatterns]
