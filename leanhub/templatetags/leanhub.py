"""Formatting filters (money and shares), and the policy's answers for templates: whose name a
viewer may read, and what they may do. No business logic lives in template tags: the ones that
answer for the policy only ask :mod:`leanhub.policy`."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser
from django.contrib.humanize.templatetags.humanize import intcomma
from django.forms import BoundField
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from leanhub import policy
from leanhub.http import fixed_url as _fixed_url
from leanhub.models import User
from leanhub.renderers import conditional_escape

register = template.Library()


@register.simple_tag
def fixed_url(viewname: str) -> str:
    """``{% fixed_url "home" %}``: ``{% url "home" %}`` for a URL name without arguments,
    reversed once per URLconf, script prefix and language (:func:`leanhub.http.fixed_url`)."""
    return _fixed_url(viewname)


# Filters take whatever a template hands them (Decimal, int, str, None) and answer "—" for
# anything that is not a number, hence Any.


@register.filter
def choice_boxes(field: BoundField) -> SafeString:
    """Each box of a choice group with its label, as the template loop
    ``{% for choice in field %}<div class="choice">{{ choice.tag }} <label for="{{
    choice.id_for_label }}">{{ choice.choice_label }}</label></div>{% endfor %}`` writes them,
    written in Python: a joint board's form offers an administrator 500 teams."""
    return mark_safe(  # noqa: S308 — the tags are the renderer's; every other value is escaped
        "".join(
            f'<div class="choice">{choice.tag()} <label for="'
            f'{conditional_escape(localize(choice.id_for_label))}">'
            f"{conditional_escape(localize(choice.choice_label))}</label></div>"
            for choice in field
        )
    )


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
def machine_datetime(value: Any) -> str:
    """A ``<time datetime>`` value: the local date and time to the second, with its offset
    (``2026-10-22T19:22:06+01:00``). Django's ``date:'c'`` keeps microseconds, which HTML does not
    allow there; a plain date stays a date."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return str(value.replace(microsecond=0).isoformat())
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.filter
def percent_of(part: Any, whole: Any) -> str:
    try:
        part, whole = Decimal(part), Decimal(whole)
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    if not whole:
        return "—"
    return f"{(part / whole * 100).quantize(Decimal('0.1'))} %"


# --- The policy, asked by templates -------------------------------------------------------------
# A variable missing from the context arrives as "" (the template engine's stand-in), so
# anything that is not a user or an object counts as none.


def _viewer(viewer: Any) -> User | AnonymousUser | None:
    return viewer if isinstance(viewer, User | AnonymousUser) else None


@register.simple_tag
def person_name(
    person: Any, viewer: Any = None, idea: Any = None, hidden_as: Any = None, hidden: Any = False
) -> str:
    """``{% person_name person viewer=user idea=card.idea %}``: the person's name as the viewer
    may read it, where ``idea`` is the idea the page is about (or the idea of the card it is
    about), or ``hidden`` says the person hid their name there (see
    :func:`leanhub.policy.hides_name_q`) — see :func:`leanhub.policy.shown_name`. Without ``viewer`` the fragment is for
    everyone at once (a board's live update): a hidden name is never in it. Empty when there is
    no person (a change the system made), so ``|default:`` can say so."""
    if not isinstance(person, User):
        return ""
    hidden = bool(hidden) or policy.hides_name(idea or None, person)
    return policy.shown_name(_viewer(viewer), person, hidden=hidden, hidden_as=hidden_as or None)


@register.filter
def names_for_everyone(people: Any, idea: Any = None) -> str:
    """``{{ card.owner_list|names_for_everyone:card.idea }}``: the people's names, joined by
    commas, as everyone at once may read them on ``idea`` (the idea the fragment is about, or
    that of its card): ``{% person_name person idea=idea %}`` for each, in one call for lists
    shown hundreds of times on a page (a board's cards)."""
    idea = idea or None
    return ", ".join(
        policy.shown_name(None, person, hidden=policy.hides_name(idea, person))
        for person in people or ()
        if isinstance(person, User)
    )


@functools.lru_cache(maxsize=2048)
def _day_month(day: datetime.date, language: str | None) -> str:
    return date_format(day, "j M")


@register.filter
def day_month(value: Any) -> str:
    """``{{ card.due_date|day_month }}``: ``|date:"j M"`` ("3 Dec"), formatted once per day and
    language: a board shows the same few due dates on hundreds of cards."""
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        return ""  # a day, not a moment (whose day depends on the time zone)
    return _day_month(value, get_language())


@register.simple_tag
def can(viewer: Any, action: str, obj: Any = None) -> bool:
    """``{% can user "view_idea" card.idea as may_open %}``: :func:`leanhub.policy.can`."""
    who = _viewer(viewer)
    return who is not None and obj not in (None, "") and policy.can(who, action, obj)
