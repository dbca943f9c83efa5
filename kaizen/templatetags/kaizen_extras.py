from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get(mapping: dict, key: object) -> object:
    """Look a key up in a dict (flow tables are keyed by column id)."""
    return mapping.get(key, "")
