from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from kaizen import tiles
from kaizen.models import Card

register = template.Library()


@register.filter
def get(mapping: dict[Any, object], key: object) -> object:
    """Look a key up in a dict (flow tables are keyed by column id)."""
    return mapping.get(key, "")


@register.filter
def card_tiles(cards: Iterable[Card]) -> SafeString:
    """``{{ column.card_list|card_tiles }}``: a column's cards (:mod:`kaizen.tiles`)."""
    return tiles.card_tiles(cards)
