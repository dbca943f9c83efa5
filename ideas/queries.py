"""Reads of ideas across models: the list with its filters' totals, an idea's thread, and
similar ideas while someone types."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from ideas.models import (
    Idea,
    IdeaComment,
    IdeaEvent,
    IdeaFollow,
    IdeaPhoto,
    IdeaQuerySet,
    IdeaSupport,
)
from leanhub import policy
from leanhub.models import Organisation, User


def get_idea_for_user(
    user: User | AnonymousUser, idea_id: int, *, action: str = "view_idea"
) -> Idea:
    """The idea if ``user`` may do ``action`` to it: 404 when they cannot see it, 403 when they
    can see it but may not act. Joined with what its page shows (team, author, the idea it was
    merged into or adopted from)."""
    return policy.get_for_user(
        user,
        Idea.objects.select_related(
            "team__site__organisation", "author", "merged_into", "adopted_from__team__site"
        ),
        action=action,
        pk=idea_id,
    )


def organisations_for_overdue(user: User | AnonymousUser) -> list[Organisation]:
    """Organisations whose response targets apply to what the user may see (a handful), by
    name (the list offers them as a filter too)."""
    s = policy.scope_of(user)
    orgs = Organisation.objects.only("pk", "name", "first_response_days")
    if s.is_admin:
        return list(orgs)
    return list(
        orgs.filter(
            Q(pk__in=s.org_ids) | Q(sites__place__in=s.place_ids | s.partnership_place_ids)
        ).distinct()
    )


def overdue_count_for_lead(
    user: User | AnonymousUser, organisations: Iterable[Organisation]
) -> int | None:
    """How many ideas of the teams the user leads or manages wait past the response target;
    None for people who do not respond to ideas."""
    s = policy.scope_of(user)
    responds = s.led_team_ids or s.managed_team_ids or s.managed_site_ids or s.managed_org_ids
    if not (s.is_admin or responds):
        return None
    led = policy.team_q(user, "lead", prefix="team__")
    return Idea.objects.filter(led).overdue(organisations).count()


def routed_burdens(user: User | AnonymousUser, *, owner: str = "") -> IdeaQuerySet:
    """Red tape sent to owners outside the team, soonest reply due first."""
    qs = (
        Idea.objects.visible_to(user)
        .filter(routed_at__isnull=False)
        .select_related("team__site")
        .order_by("reply_due_on", "pk")
    )
    return qs.filter(burden_owner=owner) if owner else qs


def list_queryset(user: User | AnonymousUser) -> IdeaQuerySet:
    """The ideas ``user`` may see, joined and counted for the export and the API."""
    return (
        Idea.objects.visible_to(user)
        .select_related("team__site__organisation", "author")
        .with_counts()
    )


@dataclass(frozen=True, slots=True)
class ListedIdea:
    """One idea as the list shows it, worked out once a page in Python: the labels of its
    status and kind, its author's name as the viewer may read it (a hidden name only to
    administrators and the author), its counts in words. The list's template reads these
    plain values rather than calling the model's methods and walking its relations per idea."""

    url: str
    title: str
    status: str
    status_label: str
    kind_label: str
    overdue: bool
    team_name: str
    site_name: str
    author_label: str
    # The day it was raised, as ``{{ created_at|date:"DATE_FORMAT" }}`` writes it.
    created_on: str
    supports: SafeString
    comments: SafeString

    def __getitem__(self, name: str) -> object:
        # The template engine looks ``idea.title`` up as ``idea["title"]`` before trying the
        # attribute: answering it here spares a TypeError raised and caught for every value of
        # every row.
        return getattr(self, name)


# The columns a listed idea is written from, read as one row each: no idea, team, site or
# organisation is built as a model (and the author only once a page, for their name).
_LISTED = (
    "pk",
    "title",
    "status",
    "kind",
    "created_at",
    "first_response_at",
    "support_count",
    "comment_count",
    "team__name",
    "team__site__name",
    "team__site__organisation_id",
    "hide_name",
    "author_id",
    "author__username",
    "author__full_name",
    "author__first_name",
    "author__last_name",
    "author__is_active",
)

# An idea number no idea has: the detail URL is reversed once a page with it, then written
# with each idea's number (as ``Idea.get_absolute_url`` would write it).
_NUMBER = 987654321


def listed_ideas(
    ideas: IdeaQuerySet,
    user: User | AnonymousUser,
    now: datetime.datetime,
    organisations: Iterable[Organisation],
) -> list[ListedIdea]:
    """The list's rows for ``ideas`` (a page of the ideas ``user`` may see), as ``user`` may
    read them at ``now``. One query; an idea is overdue as :meth:`Idea.is_overdue` says, by
    the response target of its organisation, one of ``organisations``
    (:func:`organisations_for_overdue` holds every organisation whose ideas ``user`` may see)."""
    response_days = {o.pk: o.first_response_days for o in organisations}
    statuses = {value: str(label) for value, label in Idea.Status.choices}
    kinds = {value: str(label) for value, label in Idea.Kind.choices}
    url_start, url_end = reverse("ideas:detail", args=[_NUMBER]).split(str(_NUMBER))
    hidden_as = gettext("Name hidden")
    # Each author's name (hidden or not) and each count's words are worked out once a page.
    names: dict[tuple[int, bool], str] = {}
    supports_in_words: dict[int, SafeString] = {}
    comments_in_words: dict[int, SafeString] = {}
    days: dict[datetime.date, str] = {}
    new = Idea.Status.NEW
    rows = []
    for (
        pk,
        title,
        status,
        kind,
        created_at,
        first_response_at,
        supports,
        comments,
        team_name,
        site_name,
        organisation_id,
        hide_name,
        author_id,
        *author,
    ) in ideas.with_counts().values_list(*_LISTED):
        name = names.get((author_id, hide_name))
        if name is None:
            username, full_name, first_name, last_name, is_active = author
            person = User(
                pk=author_id,
                username=username,
                full_name=full_name,
                first_name=first_name,
                last_name=last_name,
                is_active=is_active,
            )
            name = names[(author_id, hide_name)] = policy.shown_name(
                user, person, hidden=hide_name, hidden_as=hidden_as
            )
        supports_text = supports_in_words.get(supports)
        if supports_text is None:
            # The translations are trusted, as {% blocktranslate %} trusts them.
            supports_text = supports_in_words[supports] = mark_safe(  # noqa: S308 — escaped
                ngettext("%(counter)s support", "%(counter)s supports", supports)
                % {"counter": _counter(supports)}
            )
        comments_text = comments_in_words.get(comments)
        if comments_text is None:
            comments_text = comments_in_words[comments] = mark_safe(  # noqa: S308 — escaped
                ngettext("%(counter)s comment", "%(counter)s comments", comments)
                % {"counter": _counter(comments)}
            )
        local = timezone.localtime(created_at)
        created_on = days.get(local.date())
        if created_on is None:
            created_on = days[local.date()] = date_format(local, "DATE_FORMAT")
        rows.append(
            ListedIdea(
                url=f"{url_start}{pk}{url_end}",
                title=title,
                status=status,
                status_label=statuses.get(status, status),
                kind_label=kinds.get(kind, kind),
                overdue=(
                    first_response_at is None
                    and status == new
                    and now - created_at
                    > datetime.timedelta(days=_response_days(response_days, organisation_id))
                ),
                team_name=team_name,
                site_name=site_name,
                author_label=name,
                created_on=created_on,
                supports=supports_text,
                comments=comments_text,
            )
        )
    return rows


def _response_days(known: dict[int, int], organisation_id: int) -> int:
    """The organisation's first-response target, from ``known`` (read once if missing)."""
    days = known.get(organisation_id)
    if days is None:
        days = known[organisation_id] = Organisation.objects.values_list(
            "first_response_days", flat=True
        ).get(pk=organisation_id)
    return days


def _counter(n: int) -> str:
    """A count as ``{% blocktranslate count counter=n %}`` puts it in its sentence."""
    return conditional_escape(localize(n))


@dataclass(frozen=True)
class HoursFreed:
    proposed: Decimal
    realised: Decimal
    burdens: int


_HOURS = ExpressionWrapper(
    F("minutes_per_occurrence") * F("occurrences_per_year") / Value(Decimal(60)),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)


def red_tape_hours(queryset: QuerySet[Idea]) -> HoursFreed:
    """Hours a year freed by "stop doing" ideas in ``queryset``: proposed (all still in play)
    and realised (implemented). One aggregate query."""
    live = ~Q(status__in=[Idea.Status.DECLINED, Idea.Status.DUPLICATE])
    totals = (
        queryset.filter(kind=Idea.Kind.STOP_DOING)
        .order_by()
        .aggregate(
            proposed=Sum(_HOURS, filter=live),
            realised=Sum(_HOURS, filter=live & Q(status=Idea.Status.IMPLEMENTED)),
            burdens=Sum(Case(When(live, then=1), default=0, output_field=IntegerField())),
        )
    )
    q = Decimal("0.1")
    return HoursFreed(
        proposed=Decimal(totals["proposed"] or 0).quantize(q),
        realised=Decimal(totals["realised"] or 0).quantize(q),
        burdens=totals["burdens"] or 0,
    )


@dataclass
class Thread:
    """What the idea's page shows around the idea. Further along the thread — the kaizen cards
    working on it and what it achieved — are rows of the apps above ideas: they serve those as
    fragments the page loads."""

    events: list[IdeaEvent]
    comments: list[IdeaComment]
    photos: list[IdeaPhoto]
    adoptions: list[Idea]
    duplicates: list[Idea]
    support_count: int
    supported: bool
    following: bool


def thread_for(idea: Idea, user: User) -> Thread:
    """Everything shown around one idea, in a fixed number of queries."""
    comments = list(IdeaComment.objects.filter(idea=idea).select_related("author"))
    for comment in comments:
        # A hidden submitter commenting on their own idea stays hidden.
        comment.author_label = policy.shown_name(
            user, comment.author, hidden=policy.hides_name(idea, comment.author)
        )
    return Thread(
        events=list(idea.events.select_related("actor")),
        comments=comments,
        photos=list(IdeaPhoto.objects.filter(idea=idea)),
        adoptions=list(
            Idea.objects.visible_to(user).filter(adopted_from=idea).select_related("team__site")
        ),
        duplicates=list(Idea.objects.visible_to(user).filter(merged_into=idea).only("pk", "title")),
        support_count=IdeaSupport.objects.filter(idea=idea).count(),
        supported=IdeaSupport.objects.filter(idea=idea, user=user).exists(),
        following=IdeaFollow.objects.filter(idea=idea, user=user).exists(),
    )


class _WordDistance(Func):
    """pg_trgm's word distance, title first so the GiST index can order by it."""

    arg_joiner = " <->> "
    template = "(%(expressions)s)"
    output_field = FloatField()


_STOPWORDS = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "because",
        "been",
        "being",
        "could",
        "does",
        "doing",
        "every",
        "from",
        "have",
        "into",
        "just",
        "more",
        "most",
        "only",
        "other",
        "over",
        "same",
        "should",
        "some",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "very",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "would",
        "your",
    ]
)


def _words(text: str) -> list[str]:
    seen: list[str] = []
    for word in re.findall(r"[\w'-]{4,}", text.lower()):
        if word not in _STOPWORDS and word not in seen:
            seen.append(word)
    return seen[:8]


def similar_ideas(
    user: User | AnonymousUser,
    text: str,
    *,
    exclude_pk: int | None = None,
    limit: int = 5,
    vendor: str = "",
) -> list[Idea]:
    """Ideas the user can see that look like ``text`` (what they are typing as a title).

    PostgreSQL: trigram similarity on the title (GIN-indexed, see migration 0003), so typos
    and word order matter little. Elsewhere: titles sharing the most words with the text."""
    text = " ".join(text.split())[:200]
    if len(text) < 4:
        return []
    qs = Idea.objects.visible_to(user).exclude(status=Idea.Status.DUPLICATE)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    qs = qs.select_related("team__site")
    if (vendor or connection.vendor) == "postgresql":
        from django.contrib.postgres.lookups import TrigramWordSimilar

        # "title %> text" keeps titles containing something like the text; ordering by
        # "title <->> text" walks the GiST trigram index (migration 0004) nearest first, so
        # only a handful of rows are read. A lookup used as an expression needs no
        # django.contrib.postgres app registration.
        return list(
            qs.filter(TrigramWordSimilar(F("title"), Value(text)))
            .annotate(distance=_WordDistance(F("title"), Value(text)))
            .order_by("distance")[:limit]
        )
    words = _words(text)
    if not words:
        return []
    matches = Q()
    score: Value | CombinedExpression = Value(0)
    for word in words:
        matches |= Q(title__icontains=word)
        score = score + Case(When(title__icontains=word, then=1), default=0)
    return list(
        qs.filter(matches)
        .annotate(similarity=ExpressionWrapper(score, output_field=IntegerField()))
        .order_by("-similarity", "-created_at")[:limit]
    )
