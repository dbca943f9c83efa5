"""Reads of the metrics app: one measure, saving or survey for a person (404 when they cannot see
it, 403 when they may not act on it), and the dashboards' figures — every one aggregated in SQL,
in a bounded number of queries whatever the size of the data, and each traceable to the rows
behind it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import Combinable
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from kaizen.models import Card, Cycle
from kaizen.queries import card_teams
from leanhub import policy
from leanhub.compiled import Param, aggregate_of, compiled
from leanhub.models import (
    Membership,
    Organisation,
    Place,
    PlaceSpendLine,
    Role,
    Site,
    Team,
    User,
)
from metrics import chart, gains, pulses, readings, spc
from metrics.models import (
    CycleMeasure,
    Measure,
    Observation,
    Outcome,
    Saving,
    Survey,
    SurveyDay,
    SurveyResponse,
)


def outcomes_for_user(user: User | AnonymousUser, **lookup: object) -> QuerySet[Outcome]:
    """The outcomes ``lookup`` selects whose measure the person may open (``view_measure``): an
    improvement's results never name another organisation's measure to someone who cannot."""
    return Outcome.objects.filter(**lookup).filter(policy.measure_q(user, prefix="measure__"))


# --- One object, if this person may see it ---------------------------------------------------


def get_measure_for_user(
    user: User | AnonymousUser, measure_id: int, *, action: str = "view_measure"
) -> Measure:
    """The measure, with its team's site and its other scopes joined for the policy and label."""
    return policy.get_for_user(
        user,
        Measure.objects.select_related("team__site", "site", "organisation", "place"),
        action=action,
        pk=measure_id,
    )


def spc_reading(measure: Measure) -> spc.SPCResult:
    """The measure's SPC reading as its page draws it (:mod:`metrics.readings`): every
    observation (ghosts shown, not counted), by the measure's own rules, recalculated where a
    change says so, against its targets over time. Three queries."""
    return readings.read(measure).result


@dataclass(frozen=True)
class SurveyAnswers:
    """What a survey's answers add up to, as its page and the API show them."""

    count: int  # every answer received
    by_score: list[dict[str, int]]  # [{"score": 5, "n": 12}, ...], highest score first
    shown: QuerySet[SurveyResponse]  # the answers that may be shown (comments are read here)


def survey_answers(survey: Survey) -> SurveyAnswers:
    """A staff pulse's answers only from finished weeks of MINIMUM_PULSE_GROUP answers or more,
    so no answer can be singled out; a customer survey's all. Two queries."""
    responses = survey.responses.all()
    count = responses.count()
    if survey.kind == Survey.Kind.STAFF:
        responses = responses.filter(pulses.shown_q(pulses.finished_weeks(responses)))
    by_score = list(responses.values("score").annotate(n=Count("pk")).order_by("-score"))
    return SurveyAnswers(count, by_score, responses)


def get_saving_for_user(
    user: User | AnonymousUser, saving_id: int, *, action: str = "view_saving"
) -> Saving:
    """The saving, with everything its page names joined."""
    return policy.get_for_user(
        user,
        Saving.objects.select_related(
            "team__site__organisation",
            "idea__team__site",  # the policy asks whether the person may open the idea
            "card",
            "measure",
            "invested_by",
            "benefits",
            "claimed_by",
            "decided_by",
        ),
        action=action,
        pk=saving_id,
    )


def get_survey_for_user(
    user: User | AnonymousUser, survey_id: int, *, action: str = "view_survey"
) -> Survey:
    """The survey, with its site's organisation, its team's site and its measure joined."""
    return policy.get_for_user(
        user,
        Survey.objects.select_related("site__organisation", "team__site", "measure"),
        action=action,
        pk=survey_id,
    )


# Where measures can live, and how each is fetched with what its policy check and label need.
MEASURE_SCOPES: dict[str, QuerySet[Any]] = {
    "team": Team.objects.select_related("site__organisation", "site__place"),
    "site": Site.objects.select_related("organisation", "place"),
    "organisation": Organisation.objects.all(),
    "place": Place.objects.all(),
}


def get_measure_scope_for_user(
    user: User | AnonymousUser, kind: str, pk: int
) -> Team | Site | Organisation | Place:
    """The team, site, organisation or place whose measures ``user`` runs: 404 if they may not
    see it, 403 if they may see it but not add or import its measures."""
    if kind not in MEASURE_SCOPES:
        raise Http404("No such kind of scope")
    obj = get_object_or_404(MEASURE_SCOPES[kind], pk=pk)
    policy.require(
        user,
        "edit_measure",
        Measure(**{kind: obj}),
        reason=gettext("Only those who run it add and import its measures."),
    )
    return obj


# How a scope of each kind is labelled, for scope_label.
SCOPE_LABELS = {
    "site": _("%(name)s (site)"),
    "organisation": _("%(name)s (organisation)"),
    "place": _("%(name)s (place)"),
}


def scope_label(kind: str, obj: Team | Site | Organisation | Place) -> str:
    """Labels like "New Claims (team, Carrow Jobcentre)" or "Carrow Jobcentre (site)": names
    repeat across kinds and sites, so the kind is always said."""
    if isinstance(obj, Team):
        return gettext("%(team)s (team, %(site)s)") % {"team": obj.name, "site": obj.site.name}
    return SCOPE_LABELS[kind] % {"name": obj.name}


def measure_scopes_for(
    user: User | AnonymousUser, *, limit: int = 50
) -> list[tuple[str, Team | Site | Organisation | Place, str]]:
    """Every scope ``user`` may add measures to, as (kind, object, label): teams they lead or
    manage, sites and organisations they manage, places they lead the partnership of — at most
    ``limit`` of each kind. A kind the user runs none of costs no query."""
    # Any: the four kinds' querysets differ in type, and each row is one of the four.
    listed: dict[str, QuerySet[Any]] = {
        "team": Team.objects.select_related("site"),  # the label names the team's site
        "site": Site.objects.all(),
        "organisation": Organisation.objects.all(),
        "place": Place.objects.all(),
    }
    scopes: list[tuple[str, Team | Site | Organisation | Place, str]] = []
    for kind, queryset in listed.items():
        found = queryset.filter(policy.measure_scope_q(user, kind))[:limit]
        scopes += [(kind, obj, scope_label(kind, obj)) for obj in found]
    return scopes


# --- Dashboards ----------------------------------------------------------------------------

KINDS = ("team", "site", "organisation", "place", "all")
MODELS: dict[str, type[Team] | type[Site] | type[Organisation] | type[Place]] = {
    "team": Team,
    "site": Site,
    "organisation": Organisation,
    "place": Place,
}
RULES = {
    "team": "view_team_dashboard",
    "site": "view_site_dashboard",
    "organisation": "view_organisation_dashboard",
    "place": "view_place_dashboard",
}
# The path from a team to each kind of scope.
TEAM_PATH = {
    "team": "pk",
    "site": "site",
    "organisation": "site__organisation",
    "place": "site__place",
}


@dataclass(frozen=True)
class DashboardScope:
    kind: str
    obj: Team | Site | Organisation | Place | None  # None for "all"
    # Its ids written as marks (SCOPE, and SITE for a team) rather than values: the same query
    # for every scope of its kind, compiled once (leanhub.compiled). See with_marks().
    marked: bool = False

    @property
    def pk(self) -> int:
        return self.obj.pk if self.obj is not None else 0

    @property
    def title(self) -> str:
        return gettext("Everything") if self.obj is None else str(self.obj)

    @property
    def group(self) -> str:
        return dashboard_group(self.kind, self.pk)

    @cached_property
    def rows(self) -> RowLinks:
        """The addresses of the rows behind this dashboard's figures: ``{{ scope.rows.ideas }}``."""
        return RowLinks(self.kind, self.pk)

    def with_marks(self) -> DashboardScope:
        """This scope as a compiled query names it: its filters mark its ids, whose values
        :meth:`marks` gives."""
        return replace(self, marked=True)

    def marks_of_scope(self) -> dict[str, Any]:
        """The values of the marks :meth:`with_marks` writes: the scope's ids."""
        if isinstance(self.obj, Team):
            return {"scope": self.pk, "site": self.obj.site_id}
        return {"scope": self.pk}

    def marks(self, period: Period) -> dict[str, Any]:
        """The values of the marks of a query compiled for this kind of scope and any period
        (:meth:`with_marks`, :data:`MARKED_PERIOD`)."""
        return {
            **self.marks_of_scope(),
            "start": period.start,
            "end": period.end,
            "start_dt": period.start_dt,
            "end_dt": period.end_dt,
        }

    def team_q(self, prefix: str = "") -> Q:
        """Rows of teams in this scope, reached through ``prefix`` (e.g. "team__").

        Wider scopes filter on a subquery of team ids rather than joining every row to its
        team and site: at scale PostgreSQL semi-joins the few hundred ids far faster."""
        if self.kind == "all":
            return Q()
        field = prefix[:-2] if prefix else "pk"
        pk = SCOPE if self.marked else self.pk
        if self.kind == "team":
            return Q(**{field: pk})
        teams = Team.objects.filter(**{TEAM_PATH[self.kind]: pk}).values("pk")
        return Q(**{f"{field}__in": teams})

    def site_q(self, prefix: str = "") -> Q:
        if self.kind == "all":
            return Q()
        if isinstance(self.obj, Team):
            return Q(**{f"{prefix}pk": SITE if self.marked else self.obj.site_id})
        pk = SCOPE if self.marked else self.pk
        if self.kind == "site":
            return Q(**{f"{prefix}pk": pk})
        return Q(**{f"{prefix}{self.kind}": pk})


# The marks of a dashboard's compiled queries: the scope's id (a team's site's too).
SCOPE = Param("scope", IntegerField())
SITE = Param("site", IntegerField())


class RowLinks:
    """The addresses of one dashboard's rows pages (:mod:`metrics.drills`), all made from one
    reversed address: ``links["stop_doing"]`` is ``reverse("metrics:rows", args=[kind, pk,
    "stop-doing"])``, with "_" for "-" as a template's lookups take no hyphens. A dashboard
    links to some twenty of them, and reversing each took longer than the rest of its tag."""

    def __init__(self, kind: str, pk: int) -> None:
        # The rows' name is the address's last part, and names are plain words that reverse
        # writes as they are.
        self._head = reverse("metrics:rows", args=[kind, pk, "rows"]).removesuffix("rows/")

    def __getitem__(self, name: str) -> str:
        return f"{self._head}{name.replace('_', '-')}/"


def dashboard_group(kind: str, pk: int) -> str:
    return f"metrics.dashboard.{kind}.{pk}"


def dashboards_for_team(team: Team) -> list[tuple[str, int]]:
    """Every dashboard (kind, pk) a change to this team's figures shows on."""
    site = team.site
    return [
        ("team", team.pk),
        ("site", site.pk),
        ("organisation", site.organisation_id),
        ("place", site.place_id),
        ("all", 0),
    ]


def get_scope_for_user(user: User | AnonymousUser, kind: str, pk: int) -> DashboardScope:
    """The dashboard scope, if the user may see its dashboard (404/403 otherwise)."""
    if kind not in KINDS:
        raise Http404("No such dashboard")
    if kind == "all":
        if not policy.scope_of(user).is_admin:
            raise Http404("No such dashboard")
        return DashboardScope("all", None)
    qs: QuerySet[Any] = MODELS[kind].objects.all()
    if kind == "team":
        qs = qs.select_related("site__organisation", "site__place")
    elif kind == "site":
        qs = qs.select_related("organisation")
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404("No such dashboard")
    policy.require(user, RULES[kind], obj, reason=gettext("This dashboard is for its managers."))
    return DashboardScope(kind, obj)


def home_scope(user: User | AnonymousUser) -> tuple[str, int] | None:
    """The dashboard a person lands on: admins everything, managers their widest managed
    scope, partnership leads their place, leads and staff their first team."""
    s = policy.scope_of(user)
    if s.is_admin:
        return ("all", 0)
    if s.managed_org_ids:
        return ("organisation", min(s.managed_org_ids))
    if s.managed_site_ids:
        return ("site", min(s.managed_site_ids))
    if s.managed_team_ids:
        return ("team", min(s.managed_team_ids))
    if s.partnership_place_ids:
        return ("place", min(s.partnership_place_ids))
    if s.home_team_ids:
        return ("team", s.home_team_ids[0])
    return None


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def years(self) -> Decimal:
        return Decimal(self.days) / Decimal("365.25")

    @property
    def query(self) -> str:
        """The period as a query string, so links and refetches show exactly this period."""
        return urlencode({"start": self.start.isoformat(), "end": self.end.isoformat()})

    @property
    def start_dt(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_dt(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


class MarkedPeriod:
    """A period as a compiled query names it: its days and moments are marks, whose values
    :meth:`DashboardScope.marks` gives. Read as a :class:`Period` is."""

    start = Param("start", DateField())
    end = Param("end", DateField())
    start_dt = Param("start_dt", DateTimeField())
    end_dt = Param("end_dt", DateTimeField())


MARKED_PERIOD = MarkedPeriod()


def default_period(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today - timedelta(days=364), today)


# --- Ideas ---------------------------------------------------------------------------------


def ideas_in(scope: DashboardScope, period: Period | MarkedPeriod) -> QuerySet[Idea]:
    return Idea.objects.filter(
        scope.team_q("team__"), created_at__gte=period.start_dt, created_at__lt=period.end_dt
    )


def awaiting_outcome(team: Team, *, limit: int = 10) -> QuerySet[Idea]:
    """The team's implemented ideas still waiting for their measured outcome, latest first: a
    list for the team's leads on its dashboard."""
    return Idea.objects.filter(team=team, status=Idea.Status.IMPLEMENTED, outcomes=None).order_by(
        "-implemented_at"
    )[:limit]


def people_in(scope: DashboardScope) -> QuerySet[Membership]:
    """Frontline staff and team leads of the teams in scope."""
    return Membership.objects.filter(
        scope.team_q("team__"), team__isnull=False, role__in=(Role.STAFF, Role.LEAD)
    )


def _median(qs: QuerySet[Idea], expression: Combinable) -> timedelta | None:
    """The median of ``expression`` over ``qs`` where the database has no median aggregate
    (SQLite): a count, then the middle row(s) in order — still two bounded queries."""
    qs = qs.annotate(_m=expression).filter(_m__isnull=False)
    n = qs.count()
    if not n:
        return None
    middle = list(qs.order_by("_m").values_list("_m", flat=True)[(n - 1) // 2 : n // 2 + 1])
    return sum(middle, timedelta()) / len(middle)


def _promises(scope: DashboardScope) -> list[tuple[int, list[int]]]:
    """Each first-response promise (in days) made in scope, with the organisations making it:
    one, unless the scope spans organisations that promise differently."""
    by_days: dict[int, list[int]] = defaultdict(list)
    if isinstance(scope.obj, Team | Site | Organisation):
        # One organisation's promise, already in hand (get_scope_for_user joins a team's and a
        # site's organisation).
        org = scope.obj
        if isinstance(org, Team):
            org = org.site.organisation
        elif isinstance(org, Site):
            org = org.organisation
        by_days[org.first_response_days].append(org.pk)
    else:
        marked = scope.with_marks()
        orgs = compiled(
            Organisation,
            ("promises", scope.kind),
            lambda: Organisation.objects.filter(
                pk__in=Site.objects.filter(marked.site_q()).values("organisation")
            ).values_list("pk", "first_response_days"),
        )
        for pk, days in orgs.rows(**scope.marks_of_scope()):
            by_days[days].append(pk)
    return sorted((days, sorted(pks)) for days, pks in by_days.items())


def _overdue_q(promises: list[tuple[int, list[int]]], before: list[Any]) -> Q:
    """Ideas created before ``before[i]`` in the organisations of ``promises[i]`` (anywhere in
    scope when there is one promise) still waiting for their first response."""
    if len(promises) == 1:
        # One promise across the scope (the usual case): no need to join to organisations.
        q = Q(created_at__lt=before[0])
    else:
        q = Q(pk__in=[])
        for (_days, pks), moment in zip(promises, before, strict=True):
            q |= Q(team__site__organisation__in=pks, created_at__lt=moment)
    return q & Q(first_response_at__isnull=True) & ~Q(status__in=Idea.CLOSED_STATUSES)


def overdue_q(scope: DashboardScope, now: datetime | None = None) -> Q:
    """Ideas still waiting for their first response beyond their organisation's promise.
    Combine it with the scope's own team filter."""
    now = now or timezone.now()
    promises = _promises(scope)
    return _overdue_q(promises, [now - timedelta(days=days) for days, _ in promises])


def overdue_count(scope: DashboardScope, now: datetime | None = None) -> int:
    """How many ideas in scope are overdue their first response (:func:`overdue_q`)."""
    now = now or timezone.now()
    promises = _promises(scope)
    marks = [Param(f"before_{i}", DateTimeField()) for i in range(len(promises))]
    # One promise is marked; several are written into the query (their organisations are).
    shape = len(promises) if len(promises) < 2 else tuple((d, tuple(o)) for d, o in promises)
    query = compiled(
        Idea,
        ("overdue", scope.kind, shape),
        lambda: aggregate_of(
            Idea.objects.filter(scope.with_marks().team_q("team__")).filter(
                _overdue_q(promises, marks)
            ),
            n=Count("*"),
        ),
    )
    before = {f"before_{i}": now - timedelta(days=days) for i, (days, _) in enumerate(promises)}
    return int(query.row(**scope.marks_of_scope(), **before)["n"])


class AnyOf(In):
    """``IN`` a long list of ids, as a lookup to filter by: ``AnyOf(F("measure_id"), ids)``.
    PostgreSQL gets the list as one array parameter (``= ANY(%s)``), which the driver sends as
    it is; a plain ``IN`` takes a parameter an id, each prepared and placed by Python (about
    2 ms for a place's 500 pulses). Other databases get the plain ``IN``. On PostgreSQL the
    list may be a mark of a compiled query (:class:`leanhub.compiled.Param`)."""

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if isinstance(self.rhs, Param):
            rhs, rhs_params = compiler.compile(self.rhs)
            return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


class Median(Aggregate):
    """PostgreSQL's ordered-set median: computed in the same scan as the other figures."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


def _to_response() -> ExpressionWrapper:
    return ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())


def _to_done() -> ExpressionWrapper:
    return ExpressionWrapper(F("implemented_at") - F("created_at"), output_field=DurationField())


def _idea_aggregates(on_postgres: bool) -> dict[str, Aggregate]:
    minutes = F("minutes_per_occurrence") * F("occurrences_per_year")
    stop = Q(kind=Idea.Kind.STOP_DOING)
    implemented = Q(status=Idea.Status.IMPLEMENTED)
    figures: dict[str, Aggregate] = {
        "total": Count("pk"),
        "implemented": Count("pk", filter=implemented),
        "stop_doing": Count("pk", filter=stop),
        "proposed": Sum(minutes, filter=stop),
        "realised": Sum(minutes, filter=stop & implemented),
    }
    if on_postgres:
        # The distinct authors come back from the same scan (at most one id per person).
        figures["author_ids"] = ArrayAgg("author", distinct=True, default=[])
        figures["first_response"] = Median(_to_response(), output_field=DurationField())
        figures["to_implemented"] = Median(
            _to_done(), filter=implemented, output_field=DurationField()
        )
    return figures


def idea_figures(scope: DashboardScope, period: Period) -> dict[str, Any]:
    """The ideas' figures, each query compiled once for the kind of scope (leanhub.compiled)."""
    on_postgres = connection.vendor == "postgresql"
    marked, marks = scope.with_marks(), scope.marks(period)
    counts = compiled(
        Idea,
        ("idea figures", scope.kind, on_postgres),
        lambda: aggregate_of(ideas_in(marked, MARKED_PERIOD), **_idea_aggregates(on_postgres)),
    ).row(**marks)
    # Two DISTINCT lists, each no longer than the number of people in scope, intersected here:
    # cheaper at scale than probing every person's ideas or joining ideas to memberships (a
    # second DISTINCT count in the scan costs PostgreSQL a second sort). On PostgreSQL each
    # list comes back as one array.
    if on_postgres:
        people = compiled(
            Membership,
            ("people", scope.kind),
            lambda: aggregate_of(
                people_in(marked), ids=ArrayAgg("user", distinct=True, default=[])
            ),
        ).row(**marks)["ids"]
        authors = counts["author_ids"]
    else:
        ideas = ideas_in(scope, period)
        counts["first_response"] = _median(ideas, _to_response())
        counts["to_implemented"] = _median(ideas.filter(status=Idea.Status.IMPLEMENTED), _to_done())
        people = set(people_in(scope).order_by().values_list("user", flat=True).distinct())
        authors = set(ideas.order_by().values_list("author", flat=True).distinct())
    people, authors = set(people), set(authors)
    headcount, participants = len(people), len(people & authors)
    overdue = overdue_count(scope)
    total = counts["total"]
    return {
        "total": total,
        "implemented": counts["implemented"],
        "authors": len(authors),
        "stop_doing": counts["stop_doing"],
        "headcount": headcount,
        "participants": participants,
        "ideas_per_person_year": _ratio(total, headcount * period.years),
        "participation_percent": _percent(participants, headcount),
        "implementation_percent": _percent(counts["implemented"], total),
        "median_first_response_days": _days(counts["first_response"]),
        "median_to_implemented_days": _days(counts["to_implemented"]),
        "stop_doing_hours_proposed": _hours(counts["proposed"]),
        "stop_doing_hours_realised": _hours(counts["realised"]),
        "overdue": overdue,
    }


def _stale_q(thresholds: list[int], before: list[Any]) -> Q:
    """Cards last moved before ``before[i]`` on boards whose threshold is ``thresholds[i]``:
    one OR-term per threshold (few distinct values exist), a single indexed query on every
    database."""
    stale = Q(pk__in=[])
    for days, moment in zip(thresholds, before, strict=True):
        stale |= Q(board__stale_after_days=days, moved_at__lt=moment)
    return stale


def _open_cards(scope: DashboardScope, stale: Q) -> QuerySet[Card]:
    from kaizen.models import Card, Column

    return (
        Card.objects.filter(scope.team_q("board__team__"))
        .exclude(column__kind=Column.Kind.DONE)
        .filter(stale)
    )


def _thresholds(scope: DashboardScope) -> QuerySet[Any]:
    from kaizen.models import Board

    return (
        Board.objects.filter(scope.team_q("team__"))
        .order_by()
        .values_list("stale_after_days", flat=True)
        .distinct()
    )


def stalled_cards(scope: DashboardScope, *, now: datetime | None = None) -> QuerySet[Card]:
    """Open kaizen cards in scope that have not moved for their board's stale threshold."""
    now = now or timezone.now()
    # Thresholds are per board.
    thresholds = sorted(_thresholds(scope))
    return _open_cards(scope, _stale_q(thresholds, [now - timedelta(days=d) for d in thresholds]))


def stalled_count(scope: DashboardScope, *, now: datetime | None = None) -> int:
    """How many :func:`stalled_cards` there are, each query compiled once (leanhub.compiled)."""
    from kaizen.models import Board, Card

    now = now or timezone.now()
    marked, marks = scope.with_marks(), scope.marks_of_scope()
    thresholds = sorted(
        days
        for (days,) in compiled(
            Board, ("stale thresholds", scope.kind), lambda: _thresholds(marked)
        ).rows(**marks)
    )
    before = [Param(f"before_{i}", DateTimeField()) for i in range(len(thresholds))]
    query = compiled(
        Card,
        ("stalled", scope.kind, tuple(thresholds)),
        lambda: aggregate_of(_open_cards(marked, _stale_q(thresholds, before)), n=Count("*")),
    )
    moments = {f"before_{i}": now - timedelta(days=days) for i, days in enumerate(thresholds)}
    return int(query.row(**marks, **moments)["n"])


# --- Savings -------------------------------------------------------------------------------


def savings_in(scope: DashboardScope, period: Period | MarkedPeriod) -> QuerySet[Saving]:
    return Saving.objects.filter(
        scope.team_q("team__"), start_date__gte=period.start, start_date__lte=period.end
    )


# Recurring savings are entered as a year's worth (their full-year effect) and one-off savings
# once, so the two are never added together: every total comes in both.
RECURRENCES = {"a_year": Saving.Recurrence.RECURRING, "one_off": Saving.Recurrence.ONE_OFF}


def saving_figures(scope: DashboardScope, period: Period) -> dict[str, Any]:
    """Money and hours, projected vs realised vs verified, cashable vs non-cashable, each split
    into recurring (``a_year``: the full-year effect) and one-off (``one_off``) savings starting
    in the period: ``{"a_year": {"projected": £, ...}, "one_off": {...}, "awaiting": n}``.
    Rejected claims count nowhere.

    One query: the sums grouped by kind, recurrence, stage and status (a few dozen rows at
    most, whatever the number of savings), each added here to every total it belongs to."""
    figures: dict[str, Any] = {"awaiting": 0}
    for key in RECURRENCES:
        figures[key] = {name: Decimal("0") for name in SAVING_TOTALS}
    by_recurrence = {recurrence: key for key, recurrence in RECURRENCES.items()}
    groups = compiled(
        Saving,
        ("saving figures", scope.kind),
        lambda: (
            savings_in(scope.with_marks(), MARKED_PERIOD)
            .exclude(status=Saving.Status.REJECTED)
            .order_by()
            .values_list("kind", "recurrence", "stage", "status")
            .annotate(amount=Sum("amount"), n=Count("pk"))
        ),
    ).rows(**scope.marks(period))
    for kind, recurrence, stage, status, amount, n in groups:
        if status == Saving.Status.CLAIMED:
            figures["awaiting"] += n
        totals = figures[by_recurrence[recurrence]]
        for name in _saving_totals_of(kind, stage, status):
            totals[name] += amount or Decimal("0")
    return figures


# Every total a saving is added to, by its kind, stage and status: money and hours apart.
SAVING_TOTALS = (
    "projected",
    "realised",
    "verified",
    "cashable",
    "non_cashable",
    "hours_projected",
    "hours_realised",
    "hours_verified",
)
STAGE_TOTALS: dict[str, str] = {
    Saving.Stage.PROJECTED: "projected",
    Saving.Stage.REALISED: "realised",
}


def _saving_totals_of(kind: str, stage: str, status: str) -> list[str]:
    prefix = "hours_" if kind == Saving.Kind.TIME else ""
    names = [prefix + STAGE_TOTALS[stage]]
    if status == Saving.Status.VERIFIED:
        names.append(prefix + "verified")
    if not prefix:
        names.append("cashable" if kind == Saving.Kind.CASHABLE else "non_cashable")
    return names


# --- Outcomes ------------------------------------------------------------------------------


def period_mean(start: str, end: str) -> Subquery:
    """The mean of an outcome's measure over one of its periods, as a correlated subquery."""
    return Subquery(
        Observation.objects.filter(
            measure=OuterRef("measure"), date__gte=OuterRef(start), date__lte=OuterRef(end)
        )
        .values("measure")
        .annotate(m=Avg("value"))
        .values("m")[:1]
    )


def outcomes_in(scope: DashboardScope, period: Period) -> QuerySet[Outcome]:
    return Outcome.objects.filter(
        scope.team_q("team__"), after_end__gte=period.start, after_end__lte=period.end
    ).select_related("idea", "measure", "team")


def team_gains(scope: DashboardScope, period: Period) -> list[dict[str, Any]]:
    """Each team's mean efficiency gain across its outcomes, against the 15–30 % band: one
    GROUP BY over the stored gains."""
    rows = compiled(
        Outcome,
        ("team gains", scope.kind),
        lambda: (
            Outcome.objects.filter(
                scope.with_marks().team_q("team__"),
                after_end__gte=MARKED_PERIOD.start,
                after_end__lte=MARKED_PERIOD.end,
            )
            .values_list("team_id", "team__name")
            .annotate(outcomes=Count("pk"), gain=Avg("gain_percent"))
            .order_by(F("gain").desc(nulls_last=True), "team__name")
        ),
    ).rows(**scope.marks(period))
    result = []
    tenth = Decimal("0.1")
    for team_id, name, outcomes, mean in rows:
        gain = None if mean is None else Decimal(mean).quantize(tenth)
        result.append(
            {
                "team_id": team_id,
                "team__name": name,
                "outcomes": outcomes,
                "gain": gain,
                "band": gains.band_of(gain),
            }
        )
    return result


# --- Satisfaction --------------------------------------------------------------------------


# Surveys charted on one dashboard, those with the most responses first; the rest are a link away.
SURVEY_CHARTS = 6


def surveys_in(scope: DashboardScope) -> QuerySet[Survey]:
    """Surveys of the sites in scope; a team's dashboard has its own and its site's surveys."""
    surveys = Survey.objects.filter(scope.site_q("site__"))
    if scope.kind == "team":
        surveys = surveys.filter(
            Q(team__isnull=True) | Q(team=SCOPE if scope.marked else scope.obj)
        )
    return surveys


@dataclass(frozen=True)
class SurveyTrend:
    """One survey's measure over the dashboard period, judged as an XmR chart."""

    survey: Survey
    measure: Measure  # the survey's
    responses: int  # in the period
    result: spc.SPCResult

    @cached_property
    def geometry(self) -> chart.Geometry | None:
        """The small chart, drawn when a page shows it (the API gives the figures alone)."""
        return chart.geometry(self.result, frame=chart.SMALL)

    @property
    def latest(self) -> spc.Point | None:
        return self.result.points[-1] if self.result.points else None

    @property
    def weekly(self) -> bool:
        return self.measure.frequency == Measure.Frequency.WEEKLY

    @property
    def variation_label(self) -> str:
        return str(spc.VARIATION_LABELS.get(self.result.variation or "", ""))

    @property
    def assurance_label(self) -> str:
        return str(spc.ASSURANCE_LABELS.get(self.result.assurance or "", ""))


def _answers_by_survey(
    scope: DashboardScope, period: Period
) -> tuple[list[tuple[int, str, str, int | None]], dict[int, dict[str, Any]]]:
    """(pk, kind, title, measure id) of every survey in scope (a few hundred rows at most), and
    each one's responses in the period (``n``) and their scores added up (``total``) by survey
    pk, added up from their days (:class:`SurveyDay`: the period runs from local midnight to
    local midnight, so its days hold exactly its responses). Two queries, each compiled once
    for the kind of scope (leanhub.compiled)."""
    marked, marks = scope.with_marks(), scope.marks(period)
    in_scope: list[tuple[int, str, str, int | None]] = [
        (pk, kind, title, measure_id)
        for pk, kind, title, measure_id in compiled(
            Survey,
            ("surveys", scope.kind),
            lambda: surveys_in(marked).order_by().values_list("pk", "kind", "title", "measure_id"),
        ).rows(**marks)
    ]
    if not in_scope:
        return [], {}

    def days() -> QuerySet[Any]:
        days = SurveyDay.objects.filter(date__gte=MARKED_PERIOD.start, date__lte=MARKED_PERIOD.end)
        if scope.kind != "all":
            # A semi-join on the scope's survey ids, not a join through survey and site: at
            # scale PostgreSQL then aggregates the days alone.
            days = days.filter(survey__in=surveys_in(marked).values("pk"))
        return (
            days.order_by()
            .values_list("survey_id")
            .annotate(n=Sum("responses"), total=Sum("score_total"))
        )

    grouped = compiled(SurveyDay, ("survey days", scope.kind), days).rows(**marks)
    return in_scope, {pk: {"survey_id": pk, "n": n, "total": total} for pk, n, total in grouped}


def satisfaction(
    scope: DashboardScope, period: Period, *, charts: int = SURVEY_CHARTS
) -> dict[str, Any]:
    """Customers' mean score over the period's responses, staff's mean of the weekly pulse
    figures in the period (finished weeks of MINIMUM_PULSE_GROUP answers or more), and the
    ``trends`` of :func:`survey_charts` (none when ``charts`` is 0: the dashboard page loads
    its charts on their own).

    The surveys in scope and their responses in the period (:func:`_answers_by_survey`), the
    pulses' weeks, then the charts' queries, if any: at most seven queries, however many
    responses or observations."""
    in_scope, per_survey = _answers_by_survey(scope, period)
    figures: dict[str, Any] = {}
    for kind in (Survey.Kind.CUSTOMER, Survey.Kind.STAFF):
        rows = [per_survey[pk] for pk, k, _, _ in in_scope if k == kind and pk in per_survey]
        n = sum(r["n"] for r in rows)
        figures[f"{kind}_n"] = n
        figures[f"{kind}_mean"] = sum(r["total"] for r in rows) / n if n else None
    # Staff: the weekly means the pulses' measures hold — finished weeks of five or more
    # answers only — never a running mean of answers, which would give each one away.
    # A list of ids, not a subquery: with a subquery PostgreSQL reads every observation of
    # the period (a million rows at scale) rather than each pulse's by its index.
    staff_measures = [m for _, k, _, m in in_scope if k == Survey.Kind.STAFF and m]
    weekly: dict[str, Any] = {"mean": None, "weeks": 0}
    if staff_measures and connection.vendor == "postgresql":
        # The list is one mark (an array) on PostgreSQL, so the query is compiled once.
        weekly = compiled(
            Observation,
            ("staff pulses",),
            lambda: aggregate_of(
                Observation.objects.filter(
                    # The ids as read from the database: preparing each took 3 ms at a place.
                    AnyOf(
                        F("measure_id"),
                        Param("measures", ArrayField(IntegerField()), prepared=True),
                    ),
                    date__gte=MARKED_PERIOD.start,
                    date__lte=MARKED_PERIOD.end,
                ),
                mean=Avg("value"),
                weeks=Count("pk"),
            ),
        ).row(start=period.start, end=period.end, measures=staff_measures)
    elif staff_measures:
        weekly = Observation.objects.filter(
            AnyOf(F("measure_id"), staff_measures), date__gte=period.start, date__lte=period.end
        ).aggregate(mean=Avg("value"), weeks=Count("pk"))
    figures["staff_mean"], figures["staff_weeks"] = weekly["mean"], weekly["weeks"]
    figures.update(_charted(in_scope, per_survey, period, charts=charts))
    return figures


def survey_charts(
    scope: DashboardScope, period: Period, *, charts: int = SURVEY_CHARTS
) -> dict[str, Any]:
    """The dashboard's survey charts on their own: ``trends``, an SPC summary of the
    ``charts`` surveys with the most responses in the period, drawn from their measures'
    observations in the period (a staff pulse's measure only has weeks of
    MINIMUM_PULSE_GROUP answers or more), and ``responded_surveys``, how many surveys had any
    response. At most six queries."""
    in_scope, per_survey = _answers_by_survey(scope, period)
    return _charted(in_scope, per_survey, period, charts=charts)


def _charted(
    in_scope: list[tuple[int, str, str, int | None]],
    per_survey: dict[int, dict[str, Any]],
    period: Period,
    *,
    charts: int,
) -> dict[str, Any]:
    counts = {pk: per_survey[pk]["n"] if pk in per_survey else 0 for pk, *_ in in_scope}
    # Only a survey that still has its measure can be charted: the most answered first, then
    # the silent ones by title while places are free.
    chartable = sorted(
        ((pk, title) for pk, _, title, measure_id in in_scope if measure_id),
        key=lambda row: (-counts[row[0]], row[1], row[0]),
    )
    chosen = [pk for pk, _ in chartable[:charts]]
    return {
        "responded_surveys": sum(1 for pk, *_ in in_scope if pk in per_survey),
        "trends": survey_trends(chosen, period, counts=counts),
    }


def survey_trends(
    survey_ids: list[int], period: Period, *, counts: dict[int, int]
) -> list[SurveyTrend]:
    """Each survey (in the order given) with its measure's SPC summary for the period, and its
    number of responses from ``counts``. Four queries, none if there are no surveys."""
    if not survey_ids:
        return []
    by_pk = Survey.objects.select_related("measure").in_bulk(survey_ids)
    charted: list[tuple[Survey, Measure]] = []
    for pk in survey_ids:
        survey = by_pk.get(pk)
        if survey is not None and survey.measure is not None:
            charted.append((survey, survey.measure))
    # Read as every page reads a measure's chart: its own rules, ghosts, targets over time and
    # recalculations (those in the period), the figures of the period only.
    read = readings.read_many(
        [measure for _, measure in charted], start=period.start, end=period.end
    )
    trends = []
    for survey, measure in charted:
        result = read[measure.pk].result
        trends.append(SurveyTrend(survey, measure, counts.get(survey.pk, 0), result))
    return trends


# --- Place ---------------------------------------------------------------------------------


def place_figures(
    place: Place, period: Period, totals: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Spend, savings against spend, and invest/benefit flows. ``totals`` are the place's
    :func:`saving_figures` when the caller has them already (saves a scan).

    Savings against the year's spend are the full-year effect of recurring realised savings plus
    one-off realised savings, both of savings starting in the period."""
    lines = list(PlaceSpendLine.objects.filter(place=place).select_related("organisation"))
    scope = DashboardScope("place", place)
    if totals is None:
        totals = saving_figures(scope, period)

    def flows_query() -> QuerySet[Any]:
        money = ~Q(status=Saving.Status.REJECTED) & ~Q(kind=Saving.Kind.TIME)
        a_year = Sum("amount", filter=Q(recurrence=Saving.Recurrence.RECURRING), default=0)
        one_off = Sum("amount", filter=Q(recurrence=Saving.Recurrence.ONE_OFF), default=0)
        return (
            savings_in(scope.with_marks(), MARKED_PERIOD)
            .filter(money)
            .values_list("invested_by__name", "benefits__name")
            .annotate(a_year=a_year, one_off=one_off, count=Count("pk"))
            .order_by("-a_year", "-one_off", "invested_by__name", "benefits__name")
        )

    # Pence on every database (SQLite does not scale summed decimals).
    flows = [
        {
            "invested_by__name": invested_by,
            "benefits__name": benefits,
            "a_year": _pence(a_year),
            "one_off": _pence(one_off),
            "count": count,
        }
        for invested_by, benefits, a_year, one_off, count in compiled(
            Saving, ("place flows",), flows_query
        ).rows(**scope.marks(period))
    ]
    spend = place.annual_public_spend
    realised = totals["a_year"]["realised"] + totals["one_off"]["realised"]
    return {
        "place": place,
        "spend_lines": lines,
        "spend": spend,
        "per_head": place.spend_per_head,
        "one_percent": place.one_percent_of_spend,
        "realised_a_year": totals["a_year"]["realised"],
        "realised_one_off": totals["one_off"]["realised"],
        "realised_percent_of_spend": (realised / spend * 100) if spend else None,
        "flows": flows,
    }


# --- Everything on one dashboard -----------------------------------------------------------


def adoptions_in(scope: DashboardScope, period: Period | MarkedPeriod) -> QuerySet[Idea]:
    """Copies other teams made, in the period, of ideas that came from this scope: how good
    ideas spread. (Copies made inside the same team do not count.)"""
    return Idea.objects.filter(
        scope.team_q("adopted_from__team__"),
        adopted_from__isnull=False,
        created_at__gte=period.start_dt,
        created_at__lt=period.end_dt,
    ).exclude(team=F("adopted_from__team"))


def spread_figures(
    scope: DashboardScope,
    period: Period,
    *,
    top: int = 5,
    viewer: User | AnonymousUser | None = None,
) -> dict[str, Any]:
    """How many times this scope's ideas were adopted elsewhere in the period, by how many
    teams, and the ideas adopted most: two queries. The counts count every copy (they name no
    one); the ideas adopted most, which are named and linked, are only those ``viewer`` may
    open (every one when no viewer is given). Each query is compiled once for the kind of
    scope (leanhub.compiled); the viewer's filter is written into the second, so it is
    compiled once for each filter."""
    marked, marks = scope.with_marks(), scope.marks(period)
    counts = compiled(
        Idea,
        ("spread", scope.kind),
        lambda: aggregate_of(
            adoptions_in(marked, MARKED_PERIOD),
            copies=Count("pk"),
            teams=Count("team", distinct=True),
            ideas=Count("adopted_from", distinct=True),
        ),
    ).row(**marks)
    seen = None if viewer is None else policy.idea_q(viewer, prefix="adopted_from__")

    def most_query() -> QuerySet[Any]:
        named = adoptions_in(marked, MARKED_PERIOD)
        if seen is not None:
            named = named.filter(seen)
        return (
            named.values_list("adopted_from", "adopted_from__title", "adopted_from__team__name")
            .annotate(copies=Count("pk"))
            .order_by("-copies", "adopted_from__title")[:top]
        )

    most = [
        {
            "adopted_from": idea,
            "adopted_from__title": title,
            "adopted_from__team__name": team_name,
            "copies": copies,
        }
        for idea, title, team_name, copies in compiled(
            Idea, ("spread most", scope.kind, top, seen), most_query
        ).rows(**marks)
    ]
    return {**counts, "most": most}


def dashboard(
    scope: DashboardScope,
    period: Period,
    viewer: User | AnonymousUser,
    *,
    charts: int = SURVEY_CHARTS,
) -> dict[str, Any]:
    """Every figure of the dashboard of ``scope``, as ``viewer`` sees it: counts of everything
    in scope, and named rows only those ``viewer`` may open (see :mod:`metrics.drills`).
    ``charts``: how many surveys' charts come with it (the page loads them on their own)."""
    context = {
        "spread": spread_figures(scope, period, viewer=viewer),
        "scope": scope,
        "period": period,
        "ideas": idea_figures(scope, period),
        "savings": (savings := saving_figures(scope, period)),
        "team_gains": (rows := team_gains(scope, period)),
        "band_counts": {
            band: sum(1 for r in rows if r["band"] == band)
            for band in ("within", "above", "below", "unknown")
        },
        "satisfaction": satisfaction(scope, period, charts=charts),
        "band": (gains.BAND_LOW, gains.BAND_HIGH),
        "stalled_cards": stalled_count(scope),
    }
    if isinstance(scope.obj, Place):
        context["place"] = place_figures(scope.obj, period, savings)
    return context


def _pence(amount: Decimal | int) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


def _ratio(a: Decimal | int, b: Decimal | int) -> Decimal | None:
    return (Decimal(a) / Decimal(b)).quantize(Decimal("0.01")) if b else None


def _percent(a: Decimal | int, b: Decimal | int) -> Decimal | None:
    return (Decimal(a) * 100 / Decimal(b)).quantize(Decimal("0.1")) if b else None


def _days(d: timedelta | None) -> Decimal | None:
    return Decimal(d.total_seconds() / 86400).quantize(Decimal("0.1")) if d is not None else None


def _hours(minutes: Decimal | int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("1"))


# --- Several measures' charts at once ------------------------------------------------------------


@dataclass(frozen=True)
class MeasureChart:
    """One measure's whole series judged by its own rules, targets, ghosts and rebase marks,
    as its own page judges it (without writing its warnings back)."""

    measure: Measure
    figures: list[readings.Figure]  # in date order
    result: spc.SPCResult

    @property
    def latest(self) -> date | None:
        return self.figures[-1].date if self.figures else None


def measure_charts(measures: list[Measure]) -> list[MeasureChart]:
    """Each measure (in the order given) with its SPC result over all its observations, read
    as its own page reads it (:mod:`metrics.readings`): three queries however many measures,
    none without measures."""
    if not measures:
        return []
    read = readings.read_many(measures)
    return [MeasureChart(m, read[m.pk].figures, read[m.pk].result) for m in measures]


# --- The measure a PDCA cycle should move ----------------------------------------------------


def measures_for_cycle(user: User | AnonymousUser, card: Card) -> QuerySet[Measure]:
    """The measures a cycle on ``card`` may be linked to: those of the card's teams (and of their
    sites, organisations and places) that ``user`` can see."""
    return Measure.objects.visible_to(user).relevant_to(*card_teams(card)).order_by("name", "pk")


def cycle_measure_link(cycle: Cycle) -> CycleMeasure | None:
    """The cycle's link to its measure (the measure joined), or None if it has none."""
    return CycleMeasure.objects.select_related("measure").filter(cycle=cycle).first()


def measure_summary(measure: Measure) -> dict[str, Any]:
    """Where a measure stands on its SPC chart: the latest point, the variation and assurance
    the chart shows, or why there is not enough data: read as every page reads a measure's
    chart (metrics.readings). Three queries."""
    reading = readings.read(measure)
    result = reading.result
    latest = reading.figures[-1] if reading.figures else None
    return {
        "measure": measure,
        "result": result,
        "latest": (latest.date, latest.value) if latest else None,
        "variation": spc.VARIATION_LABELS.get(result.variation or "", ""),
        "assurance": spc.ASSURANCE_LABELS.get(result.assurance or "", ""),
    }
