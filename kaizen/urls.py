from __future__ import annotations

app_name = "kaizen"

urlpatterns: list = []
