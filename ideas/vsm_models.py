"""Value-stream maps: the processes staff work in, current and future state."""

from __future__ import annotations

__all__: list[str] = []
