"""Ideas and value-stream maps in the header's search (leanhub/search.py), each filtered by the
queryset of its own list page, so nothing is found whose page would answer 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ideas.maps.models import ValueStreamMap
from ideas.models import Idea
from leanhub import search
from leanhub.models import User


def _ideas(user: User | AnonymousUser) -> QuerySet[Idea]:
    # The ideas list's rows (ideas.queries.list_queryset) without its counts: no author joined,
    # for a result never names who raised it.
    return Idea.objects.visible_to(user).select_related("team")


def _idea_hit(idea: Idea) -> search.Hit:
    return search.Hit(
        title=idea.title,
        url=idea.get_absolute_url(),
        context=f"{idea.team.name} · {idea.get_status_display()}",
        snippet=search.snippet(idea.problem),
    )


def _ideas_list(text: str) -> str:
    return f"{reverse('ideas:list')}?{urlencode({'q': text})}"


def _maps(user: User | AnonymousUser) -> QuerySet[ValueStreamMap]:
    # As ideas.maps.queries.maps_visible_to, the maps list's rows.
    return ValueStreamMap.objects.visible_to(user).select_related("team")


def _map_hit(vsm: ValueStreamMap) -> search.Hit:
    return search.Hit(
        title=vsm.name,
        url=vsm.get_absolute_url(),
        context=f"{vsm.team.name} · {vsm.get_state_display()}",
        snippet=search.snippet(vsm.process, vsm.customer),
    )


def register() -> None:
    search.register(
        search.Kind(
            key="ideas",
            label=_("Ideas"),
            order=10,
            visible=_ideas,
            title="title",
            body=("problem",),
            hit=_idea_hit,
            more_url=_ideas_list,
        )
    )
    search.register(
        search.Kind(
            key="maps",
            label=_("Value-stream maps"),
            order=40,
            visible=_maps,
            title="name",
            body=("process", "customer", "supplier"),
            hit=_map_hit,
        )
    )
