"""The library list's filters: theme, waste, service, kind and words."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from leanhub import search as site_search
from leanhub.models import Organisation, User
from library.models import Entry
from library.search import KIND


class EntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Words"), method="filter_text")
    theme = django_filters.ChoiceFilter(
        label=_("Theme"), choices=Entry.Theme.choices, empty_label=_("Any theme")
    )
    waste = django_filters.ChoiceFilter(
        label=_("Waste"),
        choices=Idea.Waste.choices,
        empty_label=_("Any waste"),
        method="filter_waste",
    )
    service = django_filters.ChoiceFilter(
        label=_("Service"),
        field_name="team__site__organisation__kind",
        choices=Organisation.Kind.choices,
        empty_label=_("Any service"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Entry.Kind.choices, empty_label=_("Changes and templates")
    )

    class Meta:
        model = Entry
        fields: list[str] = []

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name in ("q", "theme", "waste", "service", "kind"):
            # Ids unique on the page beside the header's search box (site-search-q).
            self.form.fields[name].widget.attrs["id"] = f"library-{name}"

    def filter_text(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        if not site_search.words_of(value):
            return queryset
        found = site_search.matching(self.user, KIND, value).values("pk")
        return queryset.filter(pk__in=found)

    def filter_waste(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        return queryset.filter(wastes__contains=value) if value else queryset
