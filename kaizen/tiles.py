"""A board's card tiles, written in Python.

A board page shows every card, and every live update sends whole columns to every viewer: as a
template include, each card cost some thirty variable look-ups and a dozen tag renders, most of
a 50-card board's time. Here a column's cards are written in one pass, the translated words
looked up once a column, to the markup the card template gave (the same text, attributes,
escaping, localisation and line breaks).

One tile is the same for every viewer of the board (its live updates are broadcast), so nothing
in it depends on who looks: an owner who hid their name is "the person who raised it" to all,
and the idea it came from is mentioned but neither named nor linked (not every viewer of the
board may open it; the card's own page links it for those who may).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from kaizen.models import Card
from leanhub.templatetags.leanhub import day_month, names_for_everyone


class _Words:
    """The tile's fixed words in the active language (translations are the template author's
    markup, inserted as they are; only values are escaped)."""

    def __init__(self) -> None:
        self.drag = gettext("Drag to move")
        self.blocked = gettext("Blocked:")
        self.over_wip = gettext("Over WIP limit:")
        self.from_idea = gettext("From an idea")
        self.due = gettext("due %(due)s")
        self.move_to = gettext('Move to…<span class="visually-hidden"> %(title)s</span>')


def _stale(days: int) -> str:
    return ngettext(
        "Stale: no movement for %(days)s day", "Stale: no movement for %(days)s days", days
    ) % {"days": days}


def _due(card: Card, words: _Words) -> str:
    if not card.due_date:
        return ""
    return "· " + words.due % {"due": escape(day_month(card.due_date))}


def _labels(card: Card, words: _Words) -> str:
    labels = card.label_list
    if not (labels or card.idea):
        return ""
    tags = "".join(f'<span class="tag">{escape(label)}</span>' for label in labels)
    from_idea = f'<span class="tag">{words.from_idea}</span>' if card.idea_id else ""
    return f'<p class="card__labels">\n    {tags}\n    {from_idea}\n  </p>'


def _tile(card: Card, words: _Words) -> str:
    move_url = escape(card.move_url)
    title = escape(card.title)
    flags = (" card--blocked" if card.blocked else "") + (" card--stale" if card.is_stale else "")
    blocked = (
        f'<p class="card__flag card__flag--blocked"><strong>{words.blocked}</strong> '
        f"{escape(card.blocked_reason)}</p>"
        if card.blocked
        else ""
    )
    wip = (
        f'<p class="card__flag card__flag--wip"><strong>{words.over_wip}</strong> '
        f"{escape(card.wip_reason)}</p>"
        if card.wip_reason
        else ""
    )
    stale = (
        f'<p class="card__flag card__flag--stale">{_stale(card.days_in_column)}</p>'
        if card.is_stale
        else ""
    )
    move_to = words.move_to % {"title": title}
    return (
        f'<li id="card-{card.pk}" class="card{flags}"\n'
        f'    data-card="{card.pk}" data-version="{card.version}" data-move-url="{move_url}">\n'
        '  <div class="card__top">\n'
        f'    <span class="card__handle" aria-hidden="true" title="{words.drag}">⠿</span>\n'
        f'    <h3 class="card__title"><a href="{escape(card.url)}">{title}</a></h3>\n'
        "  </div>\n"
        f"  {blocked}\n"
        f"  {wip}\n"
        f"  {stale}\n"
        '  <p class="card__meta">\n'
        f"    {escape(names_for_everyone(card.owner_list, card.idea))}\n"
        f"    {_due(card, words)}\n"
        "  </p>\n"
        f"  {_labels(card, words)}\n"
        f'  <a class="card__move" href="{move_url}" data-hx-get="{move_url}"'
        f' data-hx-swap="outerHTML">{move_to}</a>\n'
        "</li>\n"
    )


def card_tiles(cards: Iterable[Card]) -> SafeString:
    """The tiles of ``cards`` (decorated by :func:`kaizen.queries.board_context` or
    :func:`kaizen.queries.columns_context`), in order, in the active language."""
    words = _Words()
    return mark_safe("".join(_tile(card, words) for card in cards))  # noqa: S308 (values escaped)
