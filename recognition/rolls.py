"""Rolls of honour: the changes a team, a site or a place made work and passed on, newest first.

Three kinds of entry: an idea implemented; an idea spread (adopted by another team), which
credits both the team it came from and the team that took it up; and a proven change from the
library tried by another team ("Try this here"), crediting both teams the same way. The people credited are the
ideas' authors, named only when they neither hid their name on the idea nor chose not to be
listed (``User.unlisted_on_rolls``); nobody is ranked, and nothing is counted per person."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

from ideas.models import Idea
from leanhub import policy
from leanhub.http import url_maker
from leanhub.models import Team, User
from library.models import Adoption
from library.models import Entry as LibraryEntry

# The newest entries of each kind a roll shows: enough for years of a team, one page for a place.
LIMIT = 100

# What a roll reads of an idea and its author (the policy's rules, the name, and whether it may
# be listed), and of a team and its site: a roll lists hundreds, and their long texts are not shown.
_IDEA_FIELDS = ("title", "team_id", "author_id", "hide_name", "shared_with_partners")
_AUTHOR_FIELDS = (
    "username", "full_name", "first_name", "last_name", "is_active", "unlisted_on_rolls",
)  # fmt: skip


def _only(prefix: str, *dates: str) -> list[str]:
    """The fields of an idea (through ``prefix``) and its author a roll reads, and ``dates``."""
    fields = [f"{prefix}{name}" for name in (*_IDEA_FIELDS, *dates)]
    return fields + [f"{prefix}author__{name}" for name in _AUTHOR_FIELDS]


@dataclass
class Entry:
    kind: str  # "implemented", "spread", or "library" (a proven change tried by another team)
    when: datetime.datetime
    idea: Idea | None  # the implemented idea, or the adopted copy (none for "library")
    original: Idea | None = None  # for a spread: the idea it was adopted from
    may_open: bool = False
    may_open_original: bool = False
    credited: list[tuple[User, Idea | None]] = field(default_factory=list)
    adoption: Adoption | None = None  # for "library": the entry tried, by which team
    # As the page shows them: the day, the idea's title and team, the links (where the viewer
    # may open what they lead to), and the names of the people credited as the viewer may read
    # them.
    day: str = ""
    title: str = ""
    team: str = ""
    url: str = ""
    original_url: str = ""
    names: list[str] = field(default_factory=list)


def listable(person: User, idea: Idea | None) -> bool:
    """Whether a roll may name ``person`` for ``idea``: never a hidden author, never someone
    who opted out, never an erased account."""
    return not (policy.hides_name(idea, person) or person.unlisted_on_rolls or person.is_erased)


@functools.lru_cache(maxsize=1024)
def _day(day: datetime.date, language: str | None) -> str:
    """``|date:"DATE_FORMAT"`` of a day, formatted once per day and language."""
    return date_format(day, "DATE_FORMAT")


def roll(viewer: User | AnonymousUser, teams: Q) -> list[Entry]:
    """The roll for the teams ``teams`` selects (a Q on :class:`Team`), as ``viewer`` reads it:
        an idea's title only where they may open the idea, a library entry's only where they may open
    it. Four queries however many rows."""
    in_scope = Team.objects.filter(teams).values("pk")
    # The newest implemented ideas are found first, by themselves, and only those are joined to
    # their teams and authors (joined first, PostgreSQL joined every implemented idea).
    newest = (
        Idea.objects.filter(status=Idea.Status.IMPLEMENTED, team__in=in_scope)
        .order_by("-implemented_at", "-pk")
        .values("pk")[:LIMIT]
    )
    implemented = list(
        Idea.objects.filter(pk__in=newest)
        .select_related("author")
        .only(*_only("", "implemented_at", "updated_at"))
        .order_by("-implemented_at", "-pk")
    )
    spread = list(
        Idea.objects.filter(adopted_from__isnull=False)
        .exclude(team=F("adopted_from__team"))
        .filter(Q(team__in=in_scope) | Q(adopted_from__team__in=in_scope))
        .select_related("author", "adopted_from__author")
        .only(*_only("", "created_at", "adopted_from_id"), *_only("adopted_from__"))
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    # Their teams, each read once however many of its ideas are listed (the policy's rule on an
    # idea reads its team's site).
    ideas = [*implemented, *spread, *(copy.adopted_from for copy in spread if copy.adopted_from)]
    of_teams = Team.objects.filter(pk__in={idea.team_id for idea in ideas})
    team_of = {
        team.pk: team
        for team in of_teams.select_related("site").only(
            "name", "site__organisation_id", "site__place_id"
        )
    }
    for idea in ideas:
        idea.team = team_of[idea.team_id]
    # A library change tried elsewhere without an idea behind it: its own kind of spread (one
    # with an idea is the idea's spread above, through the linked copy it made).
    tried = (
        Adoption.objects.filter(entry__kind=LibraryEntry.Kind.CHANGE, idea__isnull=True)
        .exclude(team=F("entry__team"))
        .filter(Q(team__in=in_scope) | Q(entry__team__in=in_scope))
        .select_related(
            "team", "by", "entry__team__site", "entry__contact", "entry__cycle__card__idea"
        )
        .order_by("-at", "-pk")[:LIMIT]
    )
    entries: list[Entry] = []
    for adoption in tried:
        entry = Entry("library", adoption.at, None, adoption=adoption)
        library_entry = adoption.entry
        entry.may_open = policy.can(viewer, "view_library_entry", library_entry)
        if entry.may_open:
            entry.url = library_entry.get_absolute_url()
        behind = library_entry.cycle.card.idea if library_entry.cycle else None
        people: list[tuple[User, Idea | None]] = [(adoption.by, None)]
        if library_entry.contact is not None:
            people.insert(0, (library_entry.contact, behind))
        entry.credited = [(p, i) for p, i in people if listable(p, i)]
        entries.append(entry)
    for idea in implemented:
        entry = Entry("implemented", idea.implemented_at or idea.updated_at, idea)
        entry.credited = [(idea.author, idea)] if listable(idea.author, idea) else []
        entries.append(entry)
    idea_url = url_maker("ideas:detail")
    for copy in spread:
        original = copy.adopted_from
        assert original is not None
        entry = Entry("spread", copy.created_at, copy, original)
        entry.may_open_original = policy.can(viewer, "view_idea", original)
        if entry.may_open_original:
            entry.original_url = idea_url(original.pk)
        entry.credited = [
            (person, idea)
            for person, idea in ((original.author, original), (copy.author, copy))
            if listable(person, idea)
        ]
        entries.append(entry)
    language = get_language()
    for entry in entries:
        if entry.idea is not None:
            entry.title, entry.team = entry.idea.title, entry.idea.team.name
            entry.may_open = policy.can(viewer, "view_idea", entry.idea)
            if entry.may_open:
                entry.url = idea_url(entry.idea.pk)
        entry.day = _day(timezone.localtime(entry.when).date(), language)
        entry.names = [
            policy.shown_name(viewer, person, hidden=policy.hides_name(idea, person))
            for person, idea in entry.credited
        ]
    entries.sort(key=lambda e: (e.when, e.kind, e.idea.pk if e.idea else 0), reverse=True)
    return entries
