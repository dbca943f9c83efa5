"""The idea list's filters: what people narrow the list by, validated and normalised."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, F, Q, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import DenseRank
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea, IdeaFollow, IdeaQuerySet
from leanhub import policy
from leanhub.forms import DateInput
from leanhub.models import Organisation, Site, Team, User

# The same expression as the GIN index in migration 0003, so PostgreSQL uses the index.
FULL_TEXT = (
    "to_tsvector('english'::regconfig, "
    "coalesce(ideas_idea.title, '') || ' ' || coalesce(ideas_idea.problem, ''))"
)


def _rank_of(site: tuple[int, tuple[int, str]]) -> int:
    return site[1][0]


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _ListedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """The field's choices from rows its filterset reads for it (``field.rows()``: each choice's
    value and label, in its queryset's order), not from its queryset, which only checks the
    choice made. No model is built per option (an administrator is offered 500 teams), and each
    value is the row's own: only a widget reading ``value.instance`` would miss the model."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        yield from field.rows()


class _ListedSelect(forms.Select):
    """The drop-down of a listed field: Django's own, with each option's dictionary made
    directly (a flat list of choices, no option inheriting the select's attributes) rather than
    through ``create_option`` for each of an administrator's 500 teams."""

    def optgroups(
        self, name: str, value: list[str], attrs: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        groups: list[tuple[str | None, list[dict[str, Any]], int | None]] = []
        chosen = False
        for index, (option_value, label) in enumerate(self.choices):
            # As ChoiceWidget.optgroups: the first choice whose value was sent is selected.
            selected = not chosen and str(option_value) in value
            chosen |= selected
            groups.append(
                (
                    None,
                    [
                        {
                            "name": name,
                            "value": option_value,
                            "label": label,
                            "selected": selected,
                            "index": str(index),
                            "attrs": {"selected": True} if selected else {},
                            "type": self.input_type,
                            "template_name": self.option_template_name,
                            "wrap_label": True,
                        }
                    ],
                    index,
                )
            )
        return groups


class _ListedChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _ListedChoiceIterator
    widget = _ListedSelect

    def __init__(
        self, *args: Any, rows: Callable[[], list[tuple[int, str]]], **kwargs: Any
    ) -> None:
        self.rows = rows
        super().__init__(*args, **kwargs)


class _ListedFilter(django_filters.ModelChoiceFilter):
    field_class = _ListedChoiceField


class IdeaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Idea.Status.choices, empty_label=_("Any status")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Idea.Kind.choices, empty_label=_("Any kind")
    )
    waste = django_filters.ChoiceFilter(
        label=_("Waste"),
        choices=Idea.Waste.choices,
        empty_label=_("Any waste"),
        method="filter_waste",
    )
    team = _ListedFilter(label=_("Team"), queryset=Team.objects.none(), empty_label=_("Any team"))
    site = _ListedFilter(
        label=_("Site"),
        field_name="team__site",
        queryset=Site.objects.none(),
        empty_label=_("Any site"),
    )
    organisation = _ListedFilter(
        label=_("Organisation"),
        field_name="team__site__organisation",
        queryset=Organisation.objects.none(),
        empty_label=_("Any organisation"),
    )
    raised_from = django_filters.DateFilter(
        label=_("Raised from"), method="filter_from", widget=DateInput()
    )
    raised_to = django_filters.DateFilter(
        label=_("Raised to"), method="filter_to", widget=DateInput()
    )
    mine = django_filters.BooleanFilter(
        label=_("Raised by me"), method="filter_mine", widget=forms.CheckboxInput
    )
    following = django_filters.BooleanFilter(
        label=_("I follow"), method="filter_following", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue for a response"), method="filter_overdue", widget=forms.CheckboxInput
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("created_at", "created"), ("support_count", "support"), ("title", "title")),
        field_labels={
            "-created": _("Newest first"),
            "created": _("Oldest first"),
            "-support": _("Most supported"),
            "title": _("Title A–Z"),
        },
        empty_label=None,
    )

    class Meta:
        model = Idea
        fields: list[str] = []

    def __init__(
        self,
        *args: Any,
        user: User,
        organisations: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.organisations = organisations
        teams = Team.objects.filter(policy.team_q(user, "view"))
        self.teams = teams
        self.filters["team"].queryset = teams
        self.filters["team"].extra["rows"] = self._team_choices
        self.filters["site"].queryset = Site.objects.filter(pk__in=teams.values("site"))
        self.filters["site"].extra["rows"] = self._site_choices
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        # The organisations already read for the overdue filter, by name as the queryset would
        # list them: Django would read them again (through a server-side cursor on PostgreSQL).
        organisation_choices = [(o.pk, o.name) for o in organisations]
        self.filters["organisation"].extra["rows"] = lambda: organisation_choices

    @cached_property
    def _teams_and_sites(self) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """The team filter's choices and the site filter's (the sites of those teams), from one
        query of the teams: each labelled as ``Team.__str__`` and ``Site.__str__`` label them,
        teams in the teams' order and sites in the sites' (by organisation, then name), which
        the database works out as each site's rank among them so that both orders are its."""
        teams: list[tuple[int, str]] = []
        sites: dict[int, tuple[int, str]] = {}
        for pk, name, site_id, site_name, organisation_name, site_rank in self.teams.annotate(
            site_rank=Window(DenseRank(), order_by=[F("site__organisation__name"), F("site__name")])
        ).values_list(
            "pk", "name", "site_id", "site__name", "site__organisation__name", "site_rank"
        ):
            teams.append((pk, f"{name}, {site_name}"))
            sites[site_id] = (site_rank, f"{site_name} ({organisation_name})")
        return teams, [(pk, label) for pk, (_rank, label) in sorted(sites.items(), key=_rank_of)]

    def _team_choices(self) -> list[tuple[int, str]]:
        return self._teams_and_sites[0]

    def _site_choices(self) -> list[tuple[int, str]]:
        return self._teams_and_sites[1]

    def filter_text(self, queryset: IdeaQuerySet, name: str, value: str) -> IdeaQuerySet:
        words = re.findall(r"\w+", value)[:8]
        if not words:
            return queryset
        if connection.vendor == "postgresql":
            # Every word, each as a prefix ("print" finds "printer"), on the indexed text.
            # Words are \w+ only, so nothing typed can change the query's syntax.
            query = " & ".join(f"{word}:*" for word in words)
            return queryset.filter(
                RawSQL(  # noqa: S611 — constant SQL; the typed words are a bound parameter
                    f"{FULL_TEXT} @@ to_tsquery('english'::regconfig, %s)",
                    [query],
                    output_field=BooleanField(),
                )
            )
        for word in words:
            queryset = queryset.filter(Q(title__icontains=word) | Q(problem__icontains=word))
        return queryset

    def filter_waste(self, queryset: IdeaQuerySet, name: str, value: str) -> IdeaQuerySet:
        return queryset.filter(wastes__contains=value) if value else queryset

    def filter_from(self, queryset: IdeaQuerySet, name: str, value: datetime.date) -> IdeaQuerySet:
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_to(self, queryset: IdeaQuerySet, name: str, value: datetime.date) -> IdeaQuerySet:
        return queryset.filter(created_at__lt=_start_of(value + datetime.timedelta(days=1)))

    def filter_mine(self, queryset: IdeaQuerySet, name: str, value: bool) -> IdeaQuerySet:
        return queryset.filter(author=self.user) if value else queryset

    def filter_following(self, queryset: IdeaQuerySet, name: str, value: bool) -> IdeaQuerySet:
        if not value:
            return queryset
        return queryset.filter(pk__in=IdeaFollow.objects.filter(user=self.user).values("idea_id"))

    def filter_overdue(self, queryset: IdeaQuerySet, name: str, value: bool) -> IdeaQuerySet:
        return queryset.overdue(self.organisations) if value else queryset
