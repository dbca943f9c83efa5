"""Library entries in the header's search (leanhub/search.py), filtered by the policy's rule
(``Entry.objects.visible_to``), so nothing is found whose page would answer 404. The library
list's own text filter matches through the same kind."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leanhub import search
from leanhub.models import User
from library.models import Entry

TITLE = "title"
BODY = ("summary", "why", "standard", "checklist")


def _entries(user: User | AnonymousUser) -> QuerySet[Entry]:
    return Entry.objects.visible_to(user).select_related("team__site__organisation")


def _hit(entry: Entry) -> search.Hit:
    where = (
        f"{entry.team.name} · {entry.team.site.organisation.name}"
        if entry.team is not None
        else str(entry.get_kind_display())
    )
    return search.Hit(
        title=entry.title,
        url=entry.get_absolute_url(),
        context=where,
        snippet=search.snippet(entry.summary, entry.standard, entry.why),
    )


def _more(text: str) -> str:
    return f"{reverse('library:list')}?{urlencode({'q': text})}"


KIND = search.Kind(
    key="library",
    label=_("Library entries"),
    order=60,
    visible=_entries,
    title=TITLE,
    body=BODY,
    hit=_hit,
    more_url=_more,
)


def register() -> None:
    search.register(KIND)
