from __future__ import annotations

app_name = "metrics"

urlpatterns: list = []
