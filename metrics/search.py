"""Measures in the header's search (leanhub/search.py), filtered as the measures list is
(``Measure.objects.visible_to``, the policy's ``view_measure`` rule)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from leanhub import search
from leanhub.models import User
from metrics.models import Measure


def _measures(user: User | AnonymousUser) -> QuerySet[Measure]:
    return Measure.objects.visible_to(user).select_related("team", "site", "organisation", "place")


def _measure_hit(measure: Measure) -> search.Hit:
    owner = measure.team or measure.site or measure.organisation or measure.place
    return search.Hit(
        title=measure.name,
        url=measure.get_absolute_url(),
        context=f"{owner.name} · {measure.unit}" if owner is not None else measure.unit,
    )


def register() -> None:
    search.register(
        search.Kind(
            key="measures",
            label=_("Measures"),
            order=50,
            visible=_measures,
            title="name",
            body=("unit",),
            hit=_measure_hit,
        )
    )
