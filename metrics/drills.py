"""The rows behind each dashboard figure, declared once: what the figure is called, which rows
add up to it, the columns of its CSV file, and who besides the dashboard's own viewers may open
it. The ``rows`` view looks a figure up by the name in its URL and does the rest the same way for
every one.

Rows are the dashboard's own queries (:mod:`metrics.queries`), so a figure and its rows cannot
disagree; each ``rows`` function orders them and joins what the page and the CSV file name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from kaizen.models import Card
from leanhub import policy
from leanhub.models import Place, PlaceSpendLine, User
from metrics import gains, queries
from metrics.models import Outcome, Saving
from metrics.queries import DashboardScope, Period

# What a person reads: a string, or a lazily translated one (``gettext_lazy``).
Text = str | Promise
# A figure's rows: a queryset of models, or a list of summary rows.
Found = QuerySet[Any] | list[Any]
Rows = Callable[[DashboardScope, Period, User | AnonymousUser], Found]
Column = tuple[Text, Callable[[Any], object]]  # (header, the cell of one row)

# The tables of metrics/rows.html; a summary table shows the CSV's own cells.
SUMMARY = "summary"


@dataclass(frozen=True)
class Drill:
    """One dashboard figure's rows.

    ``rows(scope, period, user)`` gives them, ordered; ``columns`` are the CSV file's; ``table``
    is the table of ``metrics/rows.html`` that shows them on the page. ``permission`` is a policy
    action the viewer needs on the scope's object besides seeing its dashboard (None: seeing the
    dashboard is enough); ``kinds`` the kinds of dashboard the figure is on (None: every kind).
    ``narrow`` applies the page's own filters (e.g. ``?recurrence=``) to the rows.
    """

    title: Text
    rows: Rows
    columns: tuple[Column, ...]
    table: str
    permission: str | None = None
    kinds: frozenset[str] | None = None
    narrow: Callable[[QuerySet[Any], Mapping[str, str]], QuerySet[Any]] | None = None
    per_page: int = 25

    @property
    def header(self) -> list[Text]:
        return [header for header, _cell in self.columns]

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
    ) -> Found:
        found = self.rows(scope, period, user)
        # Only querysets are narrowed (the savings figures'); summary rows never are.
        return self.narrow(found, params) if self.narrow and isinstance(found, QuerySet) else found

    def cells(self, rows: Found) -> Iterator[list[object]]:
        """Each row as the CSV file's cells (a queryset is streamed, not held in memory)."""
        for row in rows.iterator() if isinstance(rows, QuerySet) else rows:
            yield [cell(row) for _header, cell in self.columns]

    def on_page(self, rows: Found) -> Found:
        """What the page's table lists: a summary table the cells, any other the rows
        themselves (its template links each one to its own page)."""
        return list(self.cells(rows)) if self.table == SUMMARY else rows


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def saving_unit(saving: Saving) -> str:
    """What a saving's amount is in, so a spreadsheet never adds a year's figure to a one-off."""
    a_year = saving.recurrence == Saving.Recurrence.RECURRING
    if saving.kind == Saving.Kind.TIME:
        return gettext("hours a year") if a_year else gettext("hours one-off")
    return gettext("£ a year") if a_year else gettext("£ one-off")


# --- Columns ---------------------------------------------------------------------------------

IDEA_COLUMNS: tuple[Column, ...] = (
    (_("Idea"), attrgetter("title")),
    (_("Team"), attrgetter("team.name")),
    (_("Kind"), Idea.get_kind_display),
    (_("Status"), Idea.get_status_display),
    (_("Raised"), lambda i: _day(i.created_at)),
    (_("First response"), lambda i: _day(i.first_response_at)),
    (_("Implemented"), lambda i: _day(i.implemented_at)),
)

# The savings ledger's CSV file (metrics:savings?format=csv).
LEDGER_COLUMNS: tuple[Column, ...] = (
    (_("Saving"), attrgetter("title")),
    (_("Team"), attrgetter("team.name")),
    (_("Type"), Saving.get_kind_display),
    (_("Amount"), attrgetter("amount")),
    (_("Unit"), saving_unit),
    (_("Recurrence"), Saving.get_recurrence_display),
    (_("Stage"), Saving.get_stage_display),
    (_("Status"), Saving.get_status_display),
    (_("Start"), lambda s: _day(s.start_date)),
    (_("Invested"), attrgetter("invested_by.name")),
    (_("Benefits"), attrgetter("benefits.name")),
)

# A dashboard's savings rows: the ledger's columns, with the improvement each came from.
SAVING_COLUMNS: tuple[Column, ...] = (
    LEDGER_COLUMNS[0],
    (_("Improvement"), lambda s: s.improvement.title if s.improvement else ""),
    *LEDGER_COLUMNS[1:],
)

OUTCOME_COLUMNS: tuple[Column, ...] = (
    (_("Improvement"), attrgetter("improvement.title")),
    (_("Team"), attrgetter("team.name")),
    (_("Measure"), attrgetter("measure.name")),
    (_("Before"), attrgetter("before_mean")),
    (_("After"), attrgetter("after_mean")),
    (_("Gain %"), attrgetter("gain_percent")),
)

CARD_COLUMNS: tuple[Column, ...] = (
    (_("Card"), attrgetter("title")),
    (_("Board"), lambda c: str(c.board)),
    (_("Column"), attrgetter("column.name")),
    (_("Last moved"), lambda c: _day(c.moved_at)),
    (_("Blocked"), lambda c: c.blocked_reason if c.blocked else ""),
)

SPREAD_COLUMNS: tuple[Column, ...] = (
    (_("Idea"), attrgetter("adopted_from.title")),
    (_("From team"), attrgetter("adopted_from.team.name")),
    (_("Adopted by"), lambda i: f"{i.team.name}, {i.team.site.name}"),
    (_("Adopted on"), lambda i: _day(i.created_at)),
    (_("Status there"), Idea.get_status_display),
)

GAIN_COLUMNS: tuple[Column, ...] = (
    (_("Team"), itemgetter("team__name")),
    (_("Outcomes"), itemgetter("outcomes")),
    (_("Mean gain %"), itemgetter("gain")),
    (_("Against the 15–30 % band"), lambda row: gains.BAND_LABELS[row["band"]]),
)

SPEND_COLUMNS: tuple[Column, ...] = (
    (_("Organisation"), attrgetter("organisation.name")),
    (_("£ a year"), attrgetter("amount")),
)

FLOW_COLUMNS: tuple[Column, ...] = (
    (_("Invested"), itemgetter("invested_by__name")),
    (_("Benefited"), itemgetter("benefits__name")),
    (_("Savings"), itemgetter("count")),
    (_("Recurring £ a year"), itemgetter("a_year")),
    (_("One-off £"), itemgetter("one_off")),
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
    savings = queries.savings_in(scope, period).select_related(
        "team", "invested_by", "benefits", "claimed_by", "idea", "card"
    )
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
    """Only copies the viewer may open: another organisation's copy shows when it is shared."""
    return (
        queries.adoptions_in(scope, period)
        .filter(policy.idea_q(user))
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
    "ideas": Drill(_("Ideas raised"), _ideas, IDEA_COLUMNS, "ideas"),
    "implemented": Drill(
        _("Ideas implemented"),
        partial(_ideas, status=Idea.Status.IMPLEMENTED),
        IDEA_COLUMNS,
        "ideas",
    ),
    "overdue": Drill(
        _("Ideas waiting beyond the first-response promise"), _overdue_ideas, IDEA_COLUMNS, "ideas"
    ),
    "stop-doing": Drill(
        _("Stop doing (red tape) ideas"),
        partial(_ideas, kind=Idea.Kind.STOP_DOING),
        IDEA_COLUMNS,
        "ideas",
    ),
    "savings": Drill(_("Savings"), _savings, SAVING_COLUMNS, "savings", narrow=_by_recurrence),
    "projected": Drill(
        _("Projected savings"),
        partial(_savings, stage=Saving.Stage.PROJECTED),
        SAVING_COLUMNS,
        "savings",
        narrow=_by_recurrence,
    ),
    "realised": Drill(
        _("Realised savings"),
        partial(_savings, stage=Saving.Stage.REALISED),
        SAVING_COLUMNS,
        "savings",
        narrow=_by_recurrence,
    ),
    "verified": Drill(
        _("Verified savings"),
        partial(_savings, status=Saving.Status.VERIFIED),
        SAVING_COLUMNS,
        "savings",
        narrow=_by_recurrence,
    ),
    "awaiting": Drill(
        _("Savings awaiting verification"),
        partial(_savings, status=Saving.Status.CLAIMED),
        SAVING_COLUMNS,
        "savings",
        narrow=_by_recurrence,
    ),
    "outcomes": Drill(_("Outcomes"), _outcomes, OUTCOME_COLUMNS, "outcomes"),
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
        _("Kaizen cards that have stopped moving"), _stalled_cards, CARD_COLUMNS, "cards"
    ),
    "spread": Drill(
        _("Ideas from here adopted by other teams"), _adoptions, SPREAD_COLUMNS, "spread"
    ),
}


def get(what: str) -> Drill:
    """The figure named ``what`` in a rows URL; 404 for a name no dashboard links to."""
    try:
        return DRILLS[what]
    except KeyError:
        raise Http404("No such figure") from None


def table(
    columns: Iterable[Column], rows: Iterable[Any]
) -> tuple[list[Text], Iterator[list[object]]]:
    """Header and cells for a CSV file of ``rows`` in ``columns`` (for lists outside the
    dashboards, such as the savings ledger)."""
    columns = tuple(columns)
    return [h for h, _c in columns], ([cell(row) for _h, cell in columns] for row in rows)
