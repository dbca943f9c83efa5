"""Search across everything a person may see, from the one box in the header.

Each app registers the kinds of thing it keeps (``ideas/search.py``, ``kaizen/search.py``,
``metrics/search.py``, registered from their ``AppConfig.ready``); this module, the lowest layer,
knows none of their models. A kind hands over the very queryset its own list pages use (the
policy's filter, :mod:`leanhub.policy`), so nothing is found whose page would answer 404, and
which of its text columns to search: a title, ranked above the rest, and the body.

PostgreSQL: full text over title and body (GIN-indexed per kind by migrations, with the same
expression as :func:`document_sql`), each word a prefix, or the title like the text by trigram
word similarity so a typo still finds it; ranked by ``ts_rank`` with the title weighted above
the body, plus the title's similarity. Elsewhere (SQLite): every word in the title or the body,
titles holding the words first.

Each kind costs two queries (a count and the first rows), however many rows there are, and a
third when many match. All are bounded: the count stops at COUNT_UP_TO ("1,000+"), and when more
match, the best are ranked among the newest RANKED_AMONG matches, so a common word costs about as
much as a rare one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression, RawSQL
from django.utils.text import Truncator

from leanhub.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Longer than this is refused with a message: nobody types a longer search, and each word costs.
MAX_LENGTH = 200
# At most this many words of the text are searched for.
MAX_WORDS = 8
# Rows shown per kind on the page of every kind; on one kind's own page.
PER_KIND = 5
# A kind's matches are counted up to this many; beyond it, the best are picked among the newest
# this many (ranking means reading every match's text).
COUNT_UP_TO = RANKED_AMONG = 1000
ONE_KIND = 50


@dataclass(frozen=True)
class Hit:
    """One result: what it is called, where it is, and a line of its text. Never a person's name
    (results name no one, so a hidden author cannot be read here)."""

    title: str
    url: str
    context: str = ""
    snippet: str = ""


@dataclass(frozen=True)
class Kind:
    """A kind of thing to search: registered by the app that keeps it."""

    key: str
    label: StrOrPromise  # plural, as the group's heading: "Ideas"
    order: int
    # The rows a person may open: the same queryset as the kind's own list page.
    visible: Callable[[User | AnonymousUser], QuerySet[Any]]
    # Model field names: the title (ranked higher, matched by trigram on PostgreSQL) and the body.
    title: str | None
    body: tuple[str, ...]
    hit: Callable[[Any], Hit]
    # The kind's own list filtered to the same words, where it has one.
    more_url: Callable[[str], str] | None = None


@dataclass
class Group:
    kind: Kind
    hits: list[Hit]
    count: int
    shown_alone: bool = False
    more_url: str = ""
    capped: bool = False  # more than ``count`` match

    @property
    def more(self) -> bool:
        return self.capped or self.count > len(self.hits)

    @property
    def count_label(self) -> str:
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"


@dataclass
class Results:
    text: str
    groups: list[Group] = field(default_factory=list)
    error: str = ""

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def count_label(self) -> str:
        capped = any(g.capped for g in self.groups)
        return f"{self.count:,}+" if capped else f"{self.count:,}"


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Add a kind to every search. Called from ``AppConfig.ready``."""
    _KINDS[kind.key] = kind


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.order)


def words_of(text: str) -> list[str]:
    """The words searched for: letters and digits only, so nothing typed changes a query."""
    return re.findall(r"\w+", text)[:MAX_WORDS]


def document_sql(columns: list[str]) -> str:
    """The full-text document of ``columns`` as the migrations index it (English, each column
    coalesced, joined by spaces). Indexes name the columns bare; queries name them with their
    table, which PostgreSQL reads as the same expression."""
    joined = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('english'::regconfig, {joined})"


def _column(model: type[Model], name: str) -> str:
    qn = connection.ops.quote_name
    column = str(getattr(model._meta.get_field(name), "column"))  # noqa: B009 — a Field's, not a relation's
    return f"{qn(model._meta.db_table)}.{qn(column)}"


def _ranked_postgresql(qs: QuerySet[Any], kind: Kind, text: str, words: list[str]) -> QuerySet[Any]:
    model = qs.model
    title = _column(model, kind.title) if kind.title else None
    body = [_column(model, f) for f in kind.body]
    document = document_sql([c for c in [title, *body] if c])
    tsquery = " & ".join(f"{word}:*" for word in words)
    condition = f"{document} @@ to_tsquery('english'::regconfig, %s)"
    params: list[Any] = [tsquery]
    if title:
        # "title %> text": a word of the title is like the text (pg_trgm), typos and all.
        condition = f"({condition} OR {title} %%> %s)"
        params.append(text)
    weighted = " || ".join(
        f"setweight(to_tsvector('english'::regconfig, coalesce({c}, '')), '{w}')"
        for c, w in ([(title, "A")] if title else []) + [(b, "B") for b in body]
    )
    rank_sql = f"ts_rank({weighted}, to_tsquery('english'::regconfig, %s))"
    rank_params: list[Any] = [tsquery]
    if title:
        rank_sql = f"{rank_sql} + word_similarity(%s, coalesce({title}, ''))"
        rank_params.append(text)
    ranked: QuerySet[Any] = (
        qs.filter(RawSQL(condition, params, output_field=BooleanField()))  # noqa: S611 — words are \w+, bound
        .annotate(search_rank=RawSQL(rank_sql, rank_params, output_field=FloatField()))  # noqa: S611
        .order_by("-search_rank", "-pk")
    )
    return ranked


def _ranked_plain(qs: QuerySet[Any], kind: Kind, text: str, words: list[str]) -> QuerySet[Any]:
    fields = [f for f in [kind.title, *kind.body] if f]
    for word in words:
        match = Q()
        for f in fields:
            match |= Q(**{f"{f}__icontains": word})
        qs = qs.filter(match)
    score: Value | CombinedExpression = Value(0)
    if kind.title:
        score = score + Case(
            When(**{f"{kind.title}__icontains": text}, then=Value(len(words) + 1)),
            default=Value(0),
        )
        for word in words:
            score = score + Case(
                When(**{f"{kind.title}__icontains": word}, then=Value(1)), default=Value(0)
            )
    rank = ExpressionWrapper(score, output_field=IntegerField())
    ranked: QuerySet[Any] = qs.annotate(search_rank=rank).order_by("-search_rank", "-pk")
    return ranked


def matching(user: User | AnonymousUser, kind: Kind, text: str) -> QuerySet[Any]:
    """The rows of ``kind`` that ``user`` may open and that match ``text``, best first."""
    words = words_of(text)
    qs = kind.visible(user)
    if not words:
        return qs.none()
    if connection.vendor == "postgresql":
        return _ranked_postgresql(qs, kind, " ".join(text.split()), words)
    return _ranked_plain(qs, kind, text.strip(), words)


def snippet(*texts: str, length: int = 160) -> str:
    """The first of ``texts`` with something in it, cut to a line."""
    for text in texts:
        if text and text.strip():
            return Truncator(" ".join(text.split())).chars(length)
    return ""


def search(user: User | AnonymousUser, text: str, *, only: str = "") -> Results:
    """Every registered kind searched for ``text`` (or just the kind ``only``), as groups."""
    from django.utils.translation import gettext

    text = text.strip()
    results = Results(text=text)
    if not text:
        results.error = gettext("Type what you are looking for.")
        return results
    if len(text) > MAX_LENGTH:
        results.error = gettext(
            "That is too long to search for: use at most %(max)s characters."
        ) % {"max": MAX_LENGTH}
        return results
    if not words_of(text):
        results.error = gettext("Type at least one word or number to search for.")
        return results
    chosen = [k for k in kinds() if not only or k.key == only]
    limit = ONE_KIND if only else PER_KIND
    for kind in chosen:
        qs = matching(user, kind, text)
        count = qs.order_by()[: COUNT_UP_TO + 1].count()
        capped = count > COUNT_UP_TO
        if capped:
            count = COUNT_UP_TO
            # Read first (a third query): as a subquery, PostgreSQL ranks every match anyway.
            newest = list(qs.order_by("-pk").values_list("pk", flat=True)[:RANKED_AMONG])
            qs = qs.filter(pk__in=newest)
        hits = [kind.hit(obj) for obj in qs[:limit]] if count else []
        more_url = kind.more_url(text) if kind.more_url else ""
        results.groups.append(
            Group(kind, hits, count, shown_alone=bool(only), more_url=more_url, capped=capped)
        )
    return results
