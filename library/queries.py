"""Reads of the library: one entry for a person, the list with its filters' choices, and what
an entry links to — each linked object only where the person may open it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from ideas.maps.models import ValueStreamMap
from ideas.models import Idea, IdeaPhoto
from kaizen.models import Card, Cycle, CyclePhoto
from leanhub import policy
from leanhub.models import User
from library.models import Adoption, Entry
from metrics import queries as metrics_queries
from metrics.models import Outcome, Saving

_JOINS = (
    "team__site__organisation",
    "contact",
    "published_by",
    "cycle__card__board__team__site",
    "cycle__card__idea",
)


def entries_for(user: User | AnonymousUser) -> QuerySet[Entry]:
    """The entries ``user`` may open, with what a row of the list shows, newest first."""
    return (
        Entry.objects.visible_to(user)
        .select_related("team__site__organisation")
        .annotate(tried=Count("adoptions", filter=Q(adoptions__entry__kind=Entry.Kind.CHANGE)))
    )


def get_entry_for_user(
    user: User | AnonymousUser, entry_id: int, *, action: str = "view_library_entry"
) -> Entry:
    """The entry if ``user`` may do ``action`` to it: 404 when they may not see it, 403 with a
    reason when they may see it but not act on it."""
    return policy.get_for_user(
        user, Entry.objects.select_related(*_JOINS), action=action, pk=entry_id
    )


@dataclass
class Linked:
    """What an entry's page shows beyond its own words, each part only where ``viewer`` may
    open it: anything else is left out, as if it were not there."""

    idea: Idea | None = None
    card: Card | None = None
    cycle: Cycle | None = None
    measure: dict[str, Any] | None = None
    change_date: Any = None
    outcome: Outcome | None = None
    savings: list[Saving] = field(default_factory=list)
    maps: list[ValueStreamMap] = field(default_factory=list)
    cycle_photos: list[CyclePhoto] = field(default_factory=list)
    idea_photos: list[IdeaPhoto] = field(default_factory=list)
    adoptions: list[Adoption] = field(default_factory=list)


def linked(entry: Entry, viewer: User | AnonymousUser) -> Linked:
    """The live links of ``entry`` for ``viewer``. A fixed number of queries."""
    out = Linked()
    cycle = entry.cycle
    if cycle is not None:
        card = cycle.card
        idea = card.idea
        if policy.can(viewer, "view_cycle", cycle):
            out.cycle, out.card = cycle, card
            out.cycle_photos = list(CyclePhoto.objects.filter(cycle=cycle).order_by("pk"))
        if idea is not None and policy.can(viewer, "view_idea", idea):
            out.idea = idea
            out.idea_photos = list(IdeaPhoto.objects.filter(idea=idea).order_by("position", "pk"))
        link = metrics_queries.cycle_measure_link(cycle)
        measure = link.measure if link is not None else None
        if measure is not None and policy.can(viewer, "view_measure", measure):
            # Read as every page reads a measure's chart (metrics.readings).
            out.measure = metrics_queries.measure_summary(measure)
            out.change_date = link.change_date if link is not None else None
            if out.card is not None:
                out.outcome = (
                    Outcome.objects.filter(card=card, measure=measure)
                    .order_by("-created_at")
                    .first()
                )
        improvement = Q(card=card) | (Q(idea=idea) if idea is not None else Q(pk__in=[]))
        out.savings = list(
            Saving.objects.filter(improvement, status=Saving.Status.VERIFIED)
            .filter(policy.saving_q(viewer))
            .select_related("team")
            .order_by("-start_date", "-pk")
        )
        on_map = Q(steps__cards=card)
        if idea is not None:
            on_map |= Q(steps__bursts__idea=idea)
        maps = ValueStreamMap.objects.filter(
            pk__in=ValueStreamMap.objects.filter(on_map).values("pk")
        ).select_related("team__site")
        out.maps = [m for m in maps.order_by("name", "pk") if policy.can(viewer, "view_vsm", m)]
    out.adoptions = list(
        Adoption.objects.filter(entry=entry)
        .select_related("team__site__organisation", "card__board__team__site")
        .order_by("-at", "-pk")
    )
    return out
