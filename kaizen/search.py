"""Kaizen cards and PDCA cycles in the header's search (leanhub/search.py), filtered by the
policy's rule for each (``Card.objects.visible_to``, ``Cycle.objects.visible_to``), so nothing is
found whose page would answer 404."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaizen.models import Card, Cycle
from leanhub import search
from leanhub.models import User


def _cards(user: User | AnonymousUser) -> QuerySet[Card]:
    return Card.objects.visible_to(user).select_related("board", "column")


def _card_hit(card: Card) -> search.Hit:
    return search.Hit(
        title=card.title,
        url=card.get_absolute_url(),
        context=f"{card.board.name} · {card.column.name}",
        snippet=search.snippet(card.description),
    )


def _cycles(user: User | AnonymousUser) -> QuerySet[Cycle]:
    return Cycle.objects.visible_to(user).select_related("card__board")


def _cycle_hit(cycle: Cycle) -> search.Hit:
    return search.Hit(
        title=gettext("Cycle %(number)s of %(card)s")
        % {"number": cycle.number, "card": cycle.card.title},
        url=reverse("kaizen:cycle", args=[cycle.pk]),
        context=cycle.card.board.name,
        snippet=search.snippet(
            cycle.problem, cycle.hypothesis, cycle.planned_actions, cycle.result, cycle.standard
        ),
    )


def register() -> None:
    search.register(
        search.Kind(
            key="cards",
            label=_("Cards"),
            order=20,
            visible=_cards,
            title="title",
            body=("description",),
            hit=_card_hit,
        )
    )
    search.register(
        search.Kind(
            key="cycles",
            label=_("PDCA cycles"),
            order=30,
            visible=_cycles,
            title=None,
            body=(
                "problem",
                "root_cause",
                "hypothesis",
                "planned_actions",
                "result",
                "standard",
                "learning",
            ),
            hit=_cycle_hit,
        )
    )
