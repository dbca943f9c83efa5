"""Formatting filters only: money and shares. No business logic lives in template tags."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()

# Filters take whatever a template hands them (Decimal, int, str, None) and answer "—" for
# anything that is not a number, hence Any.


@register.filter
def money(value: Any) -> str:
    """£ with thousands separators; whole pounds from £1,000 up, pence below."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    if amount >= 1000:
        return f"{sign}£{intcomma(int(amount.quantize(Decimal('1'))))}"
    return f"{sign}£{amount.quantize(Decimal('0.01'))}"


@register.filter
def percent_of(part: Any, whole: Any) -> str:
    try:
        part, whole = Decimal(part), Decimal(whole)
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    if not whole:
        return "—"
    return f"{(part / whole * 100).quantize(Decimal('0.1'))} %"
