from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[Any, object], key: object) -> object:
    """Look a key up in a dict (flow tables are keyed by column id)."""
    return mapping.get(key, "")
