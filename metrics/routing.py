from __future__ import annotations

from django.urls import path

from metrics import consumers

websocket_urlpatterns = [
    path("ws/metrics/<str:kind>/<int:pk>/", consumers.DashboardConsumer.as_asgi()),
]
