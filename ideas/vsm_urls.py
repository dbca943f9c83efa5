"""Value-stream map URLs, part of the ``ideas`` namespace (see ideas/urls.py)."""

from __future__ import annotations

urlpatterns: list = []
