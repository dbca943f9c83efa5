"""The rows behind each dashboard figure, declared once: what the figure is called, which rows
add up to it, the columns of its CSV file, and who besides the dashboard's own viewers may open
it. The ``rows`` view looks a figure up by the name in its URL and does the rest the same way for
every one.

Rows are the dashboard's own queries (:mod:`metrics.queries`), so a figure and its rows cannot
disagree; each ``rows`` function orders them and joins what the page and the CSV file name.

Whose rows a person sees. Every figure declares the :class:`Table` its rows are listed in, and
each table carries the policy's list filter for its kind of row (ideas ``idea_q``, savings
``saving_q``, cards ``card_q``, outcomes their improvement's and measure's, adoptions both
ideas'): :meth:`Drill.rows_for` always applies it after the rows function, so a new figure
cannot forget it, and a drill never lists or names an object whose own page would answer 404 to
the same person. Where a row may be opened but names something that may not (a saving from an
idea kept in its organisation), the table marks it and the row says "Not shared with you" in its
place.

The dashboard's figures count every row in their scope: a count names no one, and a partnership
lead's place figures would mean little if they left out each agency's unshared work. So a drill
can list fewer rows than its figure counts; it then says how many ("3 rows are not shared with
you"), so every number on a dashboard can still be traced to the rows behind it. The page says
so above its table; the CSV file lists the rows alone (a closing note would break the file for
a spreadsheet). Summary tables (gains by team, spend, who invested for whom) are aggregates that
name only the teams in the dashboard's scope and organisations, which anyone who may open that
dashboard may see: no row filter applies to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from kaizen.models import Card
from leanhub import policy
from leanhub.http import Cell, Column, table_rows
from leanhub.models import Place, PlaceSpendLine, User
from metrics import gains, queries
from metrics.models import Outcome, Saving
from metrics.queries import DashboardScope, Period

if TYPE_CHECKING:
    # What a person reads: a string, or a lazily translated one (``gettext_lazy``).
    from django_stubs_ext import StrOrPromise as Text

# A figure's rows: a queryset of models, or a list of summary rows.
Found = QuerySet[Any] | list[Any]
Rows = Callable[[DashboardScope, Period, User | AnonymousUser], Found]


@dataclass(frozen=True)
class Table:
    """A kind of row a figure lists: the table of ``metrics/rows.html`` that shows it, and which
    of its rows a person may open.

    ``visible(user)`` is the policy's list filter over the rows' model, selecting the rows whose
    every linked or named object the person's own pages would show; None only for a summary
    table, whose rows are aggregates naming no idea, card, saving or measure. ``names(rows,
    user)`` marks on the rows left what a row names that the person may not open. ``shown(rows)``
    reads with the rows what the page's table shows of the objects they link to (a file reads
    only the columns' values, without them)."""

    name: str
    visible: Callable[[User | AnonymousUser], Q] | None
    names: Callable[[QuerySet[Any], User | AnonymousUser], QuerySet[Any]] | None = None
    shown: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None


@dataclass(frozen=True)
class Listing:
    """A figure's rows as one person sees them: ``rows``, those they may open (ordered), and
    ``unshared``, those the figure counts that they may not (None when none can be left out)."""

    rows: Found
    unshared: QuerySet[Any] | None = None

    def unshared_count(self) -> int:
        """How many rows the figure counts that are not listed (one query, when asked)."""
        return self.unshared.count() if self.unshared is not None else 0


@dataclass(frozen=True)
class Drill:
    """One dashboard figure's rows.

    ``rows(scope, period, user)`` gives them, ordered; ``columns`` are the file's; ``table``
    is the :class:`Table` that shows them on the page and decides which of them the viewer may
    open. ``permission`` is a policy action the viewer needs on the scope's object besides
    seeing its dashboard (None: seeing the dashboard is enough); ``kinds`` the kinds of dashboard
    the figure is on (None: every kind). ``narrow`` applies the page's own filters (e.g.
    ``?recurrence=``) to the rows.
    """

    title: Text
    rows: Rows
    columns: tuple[Column, ...]
    table: Table
    permission: str | None = None
    kinds: frozenset[str] | None = None
    narrow: Callable[[QuerySet[Any], Mapping[str, str]], QuerySet[Any]] | None = None
    per_page: int = 25

    @property
    def header(self) -> list[Text]:
        return [column.header for column in self.columns]

    def require(self, user: User | AnonymousUser, scope: DashboardScope) -> None:
        """Raise unless ``user``, who may see the dashboard of ``scope``, may open these rows:
        404 on a kind of dashboard without this figure."""
        if self.kinds is not None and scope.kind not in self.kinds:
            raise Http404("No such figure on this dashboard")
        if self.permission:
            policy.require(user, self.permission, scope.obj)

    def rows_for(
        self,
        scope: DashboardScope,
        period: Period,
        user: User | AnonymousUser,
        params: Mapping[str, str],
    ) -> Listing:
        """The rows ``user`` may open, narrowed by the page's ``params``, and those they may not.

        Every figure's rows pass through its table's policy filter here, whatever its rows
        function does, so no figure lists what its viewer's own pages would not show."""
        found = self.rows(scope, period, user)
        if self.narrow and isinstance(found, QuerySet):
            found = self.narrow(found, params)
        visible = self.table.visible
        if visible is None:
            return Listing(found)  # a summary table: aggregates, see the module's docstring
        if not isinstance(found, QuerySet):
            raise TypeError(f"The rows of a {self.table.name!r} table must be a queryset")
        if policy.scope_of(user).is_admin:
            shown, unshared = found, None  # administrators may open everything (policy.can)
        else:
            q = visible(user)
            shown, unshared = found.filter(q), found.exclude(q)
        if self.table.names is not None:
            shown = self.table.names(shown, user)
        return Listing(shown, unshared)

    def cells(self, rows: Found) -> Iterator[tuple[object, ...]]:
        """Each row as the file's cells (a queryset is streamed as the values the columns read,
        not held in memory)."""
        return table_rows(self.columns, rows)

    def on_page(self, rows: Found) -> Found:
        """What the page's table lists: a summary table the cells, any other the rows
        themselves (its template links each one to its own page), with what it shows of the
        objects they link to."""
        if self.table is SUMMARY:
            return list(self.cells(rows))
        if self.table.shown is not None and isinstance(rows, QuerySet):
            return self.table.shown(rows)
        return rows


# --- Which rows a person may open ------------------------------------------------------------


def _cards_q(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """Cards (reached through ``prefix``) of the boards the person may see. A subquery of ids:
    :func:`policy.card_q` joins a board's members, which would repeat a row per member."""
    return Q(**{f"{prefix}pk__in": Card.objects.filter(policy.card_q(user)).values("pk")})


def _outcomes_q(user: User | AnonymousUser) -> Q:
    """An outcome has no page of its own: it is read on its improvement's (the card when there
    is one, else the idea), and names its measure. Its row shows when the person may open both."""
    improvement = _cards_q(user, prefix="card__") | (
        Q(card__isnull=True) & policy.idea_q(user, prefix="idea__")
    )
    return improvement & policy.measure_q(user, prefix="measure__")


def _adoptions_q(user: User | AnonymousUser) -> Q:
    """An adoption's row links the copy and names the idea it came from: both must be open to
    the person (a copy can be shared when its original is not, and the other way round)."""
    return policy.idea_q(user) & policy.idea_q(user, prefix="adopted_from__")


def _improvement_seen(savings: QuerySet[Saving], user: User | AnonymousUser) -> QuerySet[Saving]:
    """Each saving with ``improvement_seen``: whether the person may open the card (or, without
    one, the idea) it came from. A saving is seen by the organisations it touches, so its row
    stays even when the work behind it is kept in another organisation."""
    cards, ideas = policy.card_q(user), policy.idea_q(user)
    # An empty rule (an administrator's) opens every card and idea: no lookup for each row.
    card = Exists(Card.objects.filter(cards, pk=OuterRef("card_id"))) if cards else Value(True)
    idea = Exists(Idea.objects.filter(ideas, pk=OuterRef("idea_id"))) if ideas else Value(True)
    return savings.annotate(
        improvement_seen=Case(
            When(card__isnull=False, then=card),
            When(idea__isnull=False, then=idea),
            default=Value(True),
            output_field=BooleanField(),
        )
    )


def _saving_links(savings: QuerySet[Saving]) -> QuerySet[Saving]:
    """A savings table's page: each saving's team and organisations, and the title of the card
    or idea it came from, read by themselves (joined to the savings as well, PostgreSQL took
    longer to plan the query than to run it)."""
    return savings.select_related("team", "invested_by", "benefits").prefetch_related(
        Prefetch("card", queryset=Card.objects.only("title")),
        Prefetch("idea", queryset=Idea.objects.only("title")),
    )


IDEAS = Table("ideas", policy.idea_q)
SAVINGS = Table("savings", policy.saving_q, names=_improvement_seen, shown=_saving_links)
OUTCOMES = Table("outcomes", _outcomes_q)
CARDS = Table("cards", _cards_q)
SPREAD = Table("spread", _adoptions_q)
# Aggregates: see the module's docstring for why no row filter applies.
SUMMARY = Table("summary", None)


class _Labels(dict[Any, str]):
    """A choice field's labels by value; a value without one is its own label."""

    def __missing__(self, value: Any) -> Any:
        return value


@cache
def _labels(model: Any, field: str, language: str | None) -> _Labels:
    """A choice field's labels in ``language`` (the active one): read once per language."""
    return _Labels((value, str(label)) for value, label in model._meta.get_field(field).flatchoices)


def _choice(header: Text, model: Any, field: str) -> Column:
    """A column with the label of the row's choice, as ``get_<field>_display`` gives it (that
    method hashes every translated label of the field for each row)."""

    def worded() -> Cell:
        return _labels(model, field, get_language()).__getitem__

    return Column(header, (field,), worded=worded)


def _typed(header: Text, path: str) -> Column:
    """A column of what people typed (a title, a name), as it is."""
    return Column(header, (path,), typed=True)


def _day(value: date | None) -> date | str:
    """The day of a date or a moment (as stored, UTC): a date cell in a workbook, YYYY-MM-DD in
    a CSV file; empty when there is none."""
    if isinstance(value, datetime):
        return value.date()
    return value or ""


def _day_column(header: Text, path: str) -> Column:
    """A column with the (UTC) day of a moment, made by the database: reading a moment into
    Python costs more than the rest of a row."""
    return Column(header, (TruncDate(path, tzinfo=UTC),), _day)


def _saving_unit() -> Cell:
    """What a saving's amount is in, so a spreadsheet never adds a year's figure to a one-off."""
    units = {
        (True, True): gettext("hours a year"),
        (True, False): gettext("hours one-off"),
        (False, True): gettext("£ a year"),
        (False, False): gettext("£ one-off"),
    }
    time, recurring = Saving.Kind.TIME, Saving.Recurrence.RECURRING

    def cell(kind: str, recurrence: str) -> str:
        return units[(kind == time, recurrence == recurring)]

    return cell


def _titles(model: type[Card] | type[Idea], ids: set[int]) -> dict[int, str]:
    """The titles of the cards or ideas numbered ``ids`` (one query, none for no ids)."""
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}


# The cards and ideas savings and outcomes came from are looked up for each batch of rows, by
# their numbers: joined to every row, the database would first read the title of every idea.


def _named_improvement(rows: list[tuple[Any, ...]]) -> Cell:
    """The title of the improvement a saving came from (its card when it has one, else its
    idea), if the person may open it: the rows come through :func:`_improvement_seen`."""
    cards = _titles(Card, {card for card, _idea, seen in rows if card and seen})
    ideas = _titles(Idea, {idea for card, idea, seen in rows if not card and idea and seen})
    unshared = gettext("Not shared with you")

    def cell(card_id: int | None, idea_id: int | None, seen: bool) -> str:
        if card_id:
            return cards.get(card_id, "") if seen else unshared
        if idea_id:
            return ideas.get(idea_id, "") if seen else unshared
        return ""

    return cell


def _improvement_title(rows: list[tuple[Any, ...]]) -> Cell:
    """The title of an outcome's improvement: its card when it has one, else its idea."""
    cards = _titles(Card, {card for card, _idea in rows if card})
    ideas = _titles(Idea, {idea for card, idea in rows if not card and idea})

    def cell(card_id: int | None, idea_id: int | None) -> str:
        if card_id:
            return cards.get(card_id, "")
        return ideas.get(idea_id, "") if idea_id else ""

    return cell


# --- Columns ---------------------------------------------------------------------------------
# Each table's file, declared once for its CSV and XLSX twins: what each column reads from a
# row and the cell it makes (:class:`leanhub.http.Column`). The pages list the rows' models.

IDEA_COLUMNS: tuple[Column, ...] = (
    _typed(_("Idea"), "title"),
    _typed(_("Team"), "team__name"),
    _choice(_("Kind"), Idea, "kind"),
    _choice(_("Status"), Idea, "status"),
    _day_column(_("Raised"), "created_at"),
    _day_column(_("First response"), "first_response_at"),
    _day_column(_("Implemented"), "implemented_at"),
)

# The savings ledger's file (metrics:savings?format=csv).
LEDGER_COLUMNS: tuple[Column, ...] = (
    _typed(_("Saving"), "title"),
    _typed(_("Team"), "team__name"),
    _choice(_("Type"), Saving, "kind"),
    Column(_("Amount"), ("amount",)),
    Column(_("Unit"), ("kind", "recurrence"), worded=_saving_unit),
    _choice(_("Recurrence"), Saving, "recurrence"),
    _choice(_("Stage"), Saving, "stage"),
    _choice(_("Status"), Saving, "status"),
    Column(_("Start"), ("start_date",), _day),
    _typed(_("Invested"), "invested_by__name"),
    _typed(_("Benefits"), "benefits__name"),
)

# A dashboard's savings rows: the ledger's columns, with the improvement each came from.
SAVING_COLUMNS: tuple[Column, ...] = (
    LEDGER_COLUMNS[0],
    Column(
        _("Improvement"),
        ("card_id", "idea_id", "improvement_seen"),
        looked_up=_named_improvement,
        typed=True,
    ),
    *LEDGER_COLUMNS[1:],
)

OUTCOME_COLUMNS: tuple[Column, ...] = (
    Column(_("Improvement"), ("card_id", "idea_id"), looked_up=_improvement_title, typed=True),
    _typed(_("Team"), "team__name"),
    _typed(_("Measure"), "measure__name"),
    Column(_("Before"), ("before_mean",)),
    Column(_("After"), ("after_mean",)),
    Column(_("Gain %"), ("gain_percent",)),
)

CARD_COLUMNS: tuple[Column, ...] = (
    _typed(_("Card"), "title"),
    _typed(_("Board"), "board__name"),
    _typed(_("Column"), "column__name"),
    _day_column(_("Last moved"), "moved_at"),
    Column(
        _("Blocked"),
        ("blocked", "blocked_reason"),
        lambda blocked, reason: reason if blocked else "",
        typed=True,
    ),
)

SPREAD_COLUMNS: tuple[Column, ...] = (
    _typed(_("Idea"), "adopted_from__title"),
    _typed(_("From team"), "adopted_from__team__name"),
    Column(
        _("Adopted by"),
        ("team__name", "team__site__name"),
        lambda team, site: f"{team}, {site}",
        typed=True,
    ),
    _day_column(_("Adopted on"), "created_at"),
    _choice(_("Status there"), Idea, "status"),
)

GAIN_COLUMNS: tuple[Column, ...] = (
    _typed(_("Team"), "team__name"),
    Column(_("Outcomes"), ("outcomes",)),
    Column(_("Mean gain %"), ("gain",)),
    Column(_("Against the 15–30 % band"), ("band",), gains.BAND_LABELS.__getitem__),
)

SPEND_COLUMNS: tuple[Column, ...] = (
    _typed(_("Organisation"), "organisation__name"),
    Column(_("£ a year"), ("amount",)),
)

FLOW_COLUMNS: tuple[Column, ...] = (
    _typed(_("Invested"), "invested_by__name"),
    _typed(_("Benefited"), "benefits__name"),
    Column(_("Savings"), ("count",)),
    Column(_("Recurring £ a year"), ("a_year",)),
    Column(_("One-off £"), ("one_off",)),
)


# --- Rows ------------------------------------------------------------------------------------


def _ideas(
    scope: DashboardScope, period: Period, user: User | AnonymousUser, **only: object
) -> QuerySet[Idea]:
    return (
        queries.ideas_in(scope, period)
        .filter(**only)
        .select_related("team", "author")
        .order_by("-created_at", "-pk")
    )


def _overdue_ideas(
    scope: DashboardScope, period: Period, user: User | AnonymousUser
) -> QuerySet[Idea]:
    """Whenever they were raised: an idea is overdue for as long as it waits."""
    return (
        Idea.objects.filter(scope.team_q("team__"))
        .filter(queries.overdue_q(scope))
        .select_related("team", "author")
        .order_by("-created_at", "-pk")
    )


def _savings(
    scope: DashboardScope,
    period: Period,
    user: User | AnonymousUser,
    *,
    status: str = "",
    stage: str = "",
) -> QuerySet[Saving]:
    savings = queries.savings_in(scope, period)
    if status:
        savings = savings.filter(status=status)
    if stage:
        # As the dashboard counts them: rejected claims count nowhere.
        savings = savings.filter(stage=stage).exclude(status=Saving.Status.REJECTED)
    return savings.order_by("-start_date", "-pk")


def _by_recurrence(savings: QuerySet[Saving], params: Mapping[str, str]) -> QuerySet[Saving]:
    """The savings tile opens recurring and one-off savings separately (they never add up)."""
    recurrence = params.get("recurrence")
    if recurrence in Saving.Recurrence.values:
        savings = savings.filter(recurrence=recurrence)
    return savings


def _outcomes(
    scope: DashboardScope, period: Period, user: User | AnonymousUser
) -> QuerySet[Outcome]:
    return queries.outcomes_in(scope, period).select_related("card").order_by("-after_end", "-pk")


def _stalled_cards(
    scope: DashboardScope, period: Period, user: User | AnonymousUser
) -> QuerySet[Card]:
    """However long ago they stopped: a card is stalled now, whatever the period."""
    return (
        queries.stalled_cards(scope)
        .select_related("board__team", "column")
        .order_by("moved_at", "pk")
    )


def _adoptions(scope: DashboardScope, period: Period, user: User | AnonymousUser) -> QuerySet[Idea]:
    return (
        queries.adoptions_in(scope, period)
        .select_related("team__site", "adopted_from__team")
        .order_by("-created_at", "-pk")
    )


def _team_gains(
    scope: DashboardScope, period: Period, user: User | AnonymousUser
) -> list[dict[str, Any]]:
    return queries.team_gains(scope, period)


def _place(scope: DashboardScope) -> Place:
    """The place of a place's dashboard, the only kind these figures are on."""
    if not isinstance(scope.obj, Place):
        raise Http404("No such figure on this dashboard")
    return scope.obj


def _spend_lines(
    scope: DashboardScope, period: Period, user: User | AnonymousUser
) -> list[PlaceSpendLine]:
    lines: list[PlaceSpendLine] = queries.place_figures(_place(scope), period)["spend_lines"]
    return lines


def _flows(
    scope: DashboardScope, period: Period, user: User | AnonymousUser
) -> list[dict[str, Any]]:
    flows: list[dict[str, Any]] = queries.place_figures(_place(scope), period)["flows"]
    return flows


PLACE = frozenset({"place"})

# Every figure a dashboard links to its rows, by the name in the rows URL.
DRILLS: dict[str, Drill] = {
    "ideas": Drill(_("Ideas raised"), _ideas, IDEA_COLUMNS, IDEAS),
    "implemented": Drill(
        _("Ideas implemented"),
        partial(_ideas, status=Idea.Status.IMPLEMENTED),
        IDEA_COLUMNS,
        IDEAS,
    ),
    "overdue": Drill(
        _("Ideas waiting beyond the first-response promise"), _overdue_ideas, IDEA_COLUMNS, IDEAS
    ),
    "stop-doing": Drill(
        _("Stop doing (red tape) ideas"),
        partial(_ideas, kind=Idea.Kind.STOP_DOING),
        IDEA_COLUMNS,
        IDEAS,
    ),
    "savings": Drill(_("Savings"), _savings, SAVING_COLUMNS, SAVINGS, narrow=_by_recurrence),
    "projected": Drill(
        _("Projected savings"),
        partial(_savings, stage=Saving.Stage.PROJECTED),
        SAVING_COLUMNS,
        SAVINGS,
        narrow=_by_recurrence,
    ),
    "realised": Drill(
        _("Realised savings"),
        partial(_savings, stage=Saving.Stage.REALISED),
        SAVING_COLUMNS,
        SAVINGS,
        narrow=_by_recurrence,
    ),
    "verified": Drill(
        _("Verified savings"),
        partial(_savings, status=Saving.Status.VERIFIED),
        SAVING_COLUMNS,
        SAVINGS,
        narrow=_by_recurrence,
    ),
    "awaiting": Drill(
        _("Savings awaiting verification"),
        partial(_savings, status=Saving.Status.CLAIMED),
        SAVING_COLUMNS,
        SAVINGS,
        narrow=_by_recurrence,
    ),
    "outcomes": Drill(_("Outcomes"), _outcomes, OUTCOME_COLUMNS, OUTCOMES),
    "gains": Drill(_("Efficiency gains by team"), _team_gains, GAIN_COLUMNS, SUMMARY, per_page=100),
    "spend": Drill(
        _("Public spend by organisation"),
        _spend_lines,
        SPEND_COLUMNS,
        SUMMARY,
        kinds=PLACE,
        per_page=100,
    ),
    "flows": Drill(
        _("Who invested and who benefited"),
        _flows,
        FLOW_COLUMNS,
        SUMMARY,
        kinds=PLACE,
        per_page=100,
    ),
    "stalled": Drill(
        _("Kaizen cards that have stopped moving"), _stalled_cards, CARD_COLUMNS, CARDS
    ),
    "spread": Drill(
        _("Ideas from here adopted by other teams"), _adoptions, SPREAD_COLUMNS, SPREAD
    ),
}


def get(what: str) -> Drill:
    """The figure named ``what`` in a rows URL; 404 for a name no dashboard links to."""
    try:
        return DRILLS[what]
    except KeyError:
        raise Http404("No such figure") from None
