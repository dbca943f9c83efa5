"""The language switch's choices, for templates/includes/language_switch.html."""

from __future__ import annotations

from django import template

from leanhub import i18n

register = template.Library()


@register.simple_tag
def language_choices() -> list[dict[str, str | bool]]:
    return i18n.language_choices()
