"""Rolls of honour: the changes a team, a site or a place made work and passed on, newest first.

Three kinds of entry: an idea implemented; an idea spread (adopted by another team), which
credits both the team it came from and the team that took it up; and a proven change from the
library tried by another team ("Try this here"), crediting both teams the same way. The people credited are the
ideas' authors, named only when they neither hid their name on the idea nor chose not to be
listed (``User.unlisted_on_rolls``); nobody is ranked, and nothing is counted per person."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q

from ideas.models import Idea
from leanhub import policy
from leanhub.models import Team, User
from library.models import Adoption
from library.models import Entry as LibraryEntry

# The newest entries of each kind a roll shows: enough for years of a team, one page for a place.
LIMIT = 100

_JOINS = ("team__site", "author", "adopted_from__team__site", "adopted_from__author")


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


def listable(person: User, idea: Idea | None) -> bool:
    """Whether a roll may name ``person`` for ``idea``: never a hidden author, never someone
    who opted out, never an erased account."""
    return not (policy.hides_name(idea, person) or person.unlisted_on_rolls or person.is_erased)


def roll(viewer: User | AnonymousUser, teams: Q) -> list[Entry]:
    """The roll for the teams ``teams`` selects (a Q on :class:`Team`), as ``viewer`` reads it:
        an idea's title only where they may open the idea, a library entry's only where they may open
    it. Three queries however many rows."""
    in_scope = Team.objects.filter(teams).values("pk")
    implemented = (
        Idea.objects.filter(status=Idea.Status.IMPLEMENTED, team__in=in_scope)
        .select_related(*_JOINS)
        .order_by("-implemented_at", "-pk")[:LIMIT]
    )
    spread = (
        Idea.objects.filter(adopted_from__isnull=False)
        .exclude(team=F("adopted_from__team"))
        .filter(Q(team__in=in_scope) | Q(adopted_from__team__in=in_scope))
        .select_related(*_JOINS)
        .order_by("-created_at", "-pk")[:LIMIT]
    )
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
    for copy in spread:
        original = copy.adopted_from
        assert original is not None
        entry = Entry("spread", copy.created_at, copy, original)
        entry.may_open_original = policy.can(viewer, "view_idea", original)
        entry.credited = [
            (person, idea)
            for person, idea in ((original.author, original), (copy.author, copy))
            if listable(person, idea)
        ]
        entries.append(entry)
    for entry in entries:
        if entry.idea is not None:
            entry.may_open = policy.can(viewer, "view_idea", entry.idea)
    entries.sort(key=lambda e: (e.when, e.kind, e.idea.pk if e.idea else 0), reverse=True)
    return entries
