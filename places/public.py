"""Public reporting: what a place or a site shows anyone, without signing in.

Only what its people opted in is read: measures marked public (their SPC charts, drawn by each
measure's own rules, with a reading in plain words), customer surveys whose measure is public
(numbers only, and only from MINIMUM_RESPONSES answers up), and implemented ideas marked public
(their public title and summary, and the day they were implemented). Nothing here reads a
person: no author, owner, respondent, comment, note or photo, so none can be shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from ideas.models import Idea
from leanhub.models import Place, Site
from metrics import chart as charts
from metrics import spc
from metrics.models import MINIMUM_PULSE_GROUP, Measure, Survey, SurveyDay
from metrics.queries import MeasureChart, measure_charts
from metrics.views.measures import spc_circles

# Customer satisfaction is shown over this many days, and only from this many answers up: the
# same floor as a staff pulse's week, so no one answer can be told apart.
SATISFACTION_DAYS = 90
MINIMUM_RESPONSES = MINIMUM_PULSE_GROUP
# "What we changed": the newest this many.
CHANGES_SHOWN = 30
# The table of figures under a chart: the latest this many (the chart draws every one).
TABLE_POINTS = 60


@dataclass(frozen=True)
class PublicChart:
    """A public measure's chart and what it says, in words anyone can read."""

    chart: MeasureChart
    geometry: charts.Geometry | None
    circles: str
    about: str  # the team or site it is of, when that is not the page's own

    @property
    def measure(self) -> Measure:
        return self.chart.measure

    @property
    def result(self) -> spc.SPCResult:
        return self.chart.result

    @property
    def chart_id(self) -> str:
        return f"measure-{self.chart.measure.pk}"

    @property
    def latest_point(self) -> spc.Point | None:
        return self.result.points[-1] if self.result.points else None

    @property
    def point_count(self) -> int:
        return len(self.chart.result.points)

    @property
    def table_points(self) -> list[spc.Point]:
        """The latest TABLE_POINTS figures, oldest first: a table of every figure of a long
        series would be thousands of rows, a page too heavy for a phone (the chart has them
        all)."""
        return list(self.result.points[-TABLE_POINTS:])

    @property
    def table_is_cut(self) -> bool:
        return self.point_count > TABLE_POINTS

    @property
    def table_offset(self) -> int:
        """How many figures come before the table's first (numbering undated points)."""
        return max(0, self.point_count - TABLE_POINTS)

    @property
    def variation_label(self) -> str:
        return str(spc.VARIATION_LABELS.get(self.result.variation or "", ""))

    @property
    def assurance_label(self) -> str:
        return str(spc.ASSURANCE_LABELS.get(self.result.assurance or "", ""))

    @property
    def reading(self) -> str:
        """Getting better, getting worse, no significant change — or why it cannot be said."""
        return reading(self.result)

    @property
    def target_reading(self) -> str:
        return target_reading(self.result)


def reading(result: spc.SPCResult) -> str:
    """The SPC icon of the latest point, in plain words."""
    if not result.points:
        return gettext("No figures yet.")
    if not result.enough_data or result.variation is None:
        return gettext("Too few figures yet to say whether it is changing.")
    variation = result.variation
    if variation.startswith("improvement"):
        return gettext("Getting better.")
    if variation.startswith("concern"):
        return gettext("Getting worse.")
    if variation == "neutral_high":
        return gettext("Higher than usual (neither better nor worse).")
    if variation == "neutral_low":
        return gettext("Lower than usual (neither better nor worse).")
    return gettext("No significant change.")


def target_reading(result: spc.SPCResult) -> str:
    """The SPC assurance icon against the target, in plain words ('' without a target)."""
    latest = result.points[-1].target if result.points else None
    target = latest if latest is not None else result.target
    if target is None or result.assurance is None:
        return ""
    words = {
        "pass": gettext("It should meet its target of %(target)s every time."),
        "fail": gettext("It will keep missing its target of %(target)s unless something changes."),
        "hit_and_miss": gettext("It will sometimes meet its target of %(target)s, sometimes not."),
    }
    return words[result.assurance] % {"target": f"{float(target):g}"}


@dataclass(frozen=True)
class Satisfaction:
    """Customers' answers to one survey over the last SATISFACTION_DAYS: numbers only."""

    title: str
    question: str
    about: str
    responses: int
    mean: float | None
    satisfied: float | None  # the share answering 4 or 5, in per cent

    @property
    def shown(self) -> bool:
        return self.responses >= MINIMUM_RESPONSES


@dataclass(frozen=True)
class Change:
    title: str
    summary: str
    implemented_on: date | None
    about: str


@dataclass(frozen=True)
class PublicReport:
    name: str
    place: Place
    site: Site | None
    charts: list[PublicChart]
    satisfaction: list[Satisfaction]
    changes: list[Change]
    sites: list[Site]  # on a place's page: its sites that have a public page
    as_of: date | None  # the date of the latest figure shown

    @property
    def empty(self) -> bool:
        return not (self.charts or self.satisfaction or self.changes or self.sites)

    @property
    def satisfaction_days(self) -> int:
        return SATISFACTION_DAYS

    @property
    def minimum_responses(self) -> int:
        return MINIMUM_RESPONSES


def _charted(measures: QuerySet[Measure], *, site: Site | None) -> list[PublicChart]:
    chosen = list(
        measures.filter(public=True, survey__isnull=True)
        .select_related("team", "site")
        .order_by("name", "pk")
    )
    shown = []
    for measure_chart in measure_charts(chosen):
        m = measure_chart.measure
        # No marks on the chart: their labels are free text written for colleagues.
        geometry = charts.geometry(measure_chart.result)
        about = m.team.name if m.team is not None else ""
        if site is None and m.site is not None:
            about = m.site.name
        shown.append(PublicChart(measure_chart, geometry, spc_circles(geometry), about))
    return shown


def _satisfaction(
    surveys: QuerySet[Survey], *, site: Site | None, today: date
) -> tuple[list[Satisfaction], date | None]:
    """Each public customer survey's figures, and the day of its latest answer counted. Two
    queries however many surveys and answers: the answers are added up from their days
    (:class:`SurveyDay`), whole days from ``SATISFACTION_DAYS`` ago."""
    since = today - timedelta(days=SATISFACTION_DAYS)
    rows = list(
        surveys.filter(kind=Survey.Kind.CUSTOMER, measure__public=True)
        .select_related("site")
        .order_by("title", "pk")
    )
    if not rows:
        return [], None
    figures = {
        row["survey_id"]: row
        for row in SurveyDay.objects.filter(survey__in=[s.pk for s in rows], date__gte=since)
        .order_by()
        .values("survey_id")
        .annotate(
            n=Sum("responses"),
            total=Sum("score_total"),
            satisfied=Sum("satisfied"),
            latest=Max("date"),
        )
    }
    shown: list[Satisfaction] = []
    latest: date | None = None
    for survey in rows:
        row = figures.get(survey.pk, {})
        n = int(row.get("n", 0))
        enough = n >= MINIMUM_RESPONSES
        shown.append(
            Satisfaction(
                title=survey.title,
                question=survey.question,
                about="" if site is not None else survey.site.name,
                responses=n,
                mean=row["total"] / n if enough else None,
                satisfied=100 * row["satisfied"] / n if enough else None,
            )
        )
        if enough:
            day = row["latest"]
            latest = max(latest, day) if latest else day
    return shown, latest


def _changes(ideas: QuerySet[Idea], *, site: Site | None) -> list[Change]:
    rows = (
        ideas.filter(public=True, status=Idea.Status.IMPLEMENTED)
        .exclude(public_title="")
        .order_by("-implemented_at", "-pk")
        .values_list("public_title", "public_summary", "implemented_at", "team__site__name")
    )[:CHANGES_SHOWN]
    return [
        Change(
            title,
            summary,
            timezone.localdate(at) if at else None,
            "" if site is not None else site_name,
        )
        for title, summary, at, site_name in rows
    ]


def public_sites_q(prefix: str = "") -> Q:
    """Sites with something public: a public measure of the site or of one of its teams, a
    public customer survey, or an implemented idea marked public."""
    site = OuterRef(f"{prefix}pk")
    return Q(
        Exists(Measure.objects.filter(public=True, site=site, survey__isnull=True))
        | Exists(Measure.objects.filter(public=True, team__site=site, survey__isnull=True))
        | Exists(Survey.objects.filter(site=site, kind=Survey.Kind.CUSTOMER, measure__public=True))
        | Exists(
            Idea.objects.filter(
                public=True, status=Idea.Status.IMPLEMENTED, team__site=site
            ).exclude(public_title="")
        )
    )


def _as_of(charts: list[PublicChart], *others: date | None) -> date | None:
    days = [c.chart.latest for c in charts if c.chart.latest] + [d for d in others if d]
    return max(days) if days else None


def place_report(place: Place, *, today: date | None = None) -> PublicReport:
    """A place's public page: its own public measures, its sites' public customer surveys and
    public changes, and its sites that have a page. A bounded number of queries, however many
    measures, figures, surveys, answers, ideas and sites there are."""
    today = today or timezone.localdate()
    charts = _charted(Measure.objects.filter(place=place), site=None)
    satisfaction, answered = _satisfaction(
        Survey.objects.filter(site__place=place), site=None, today=today
    )
    changes = _changes(Idea.objects.filter(team__site__place=place), site=None)
    sites = list(
        Site.objects.filter(place=place)
        .filter(public_sites_q())
        .select_related("organisation")
        .order_by("name", "pk")
    )
    return PublicReport(
        place.name, place, None, charts, satisfaction, changes, sites, _as_of(charts, answered)
    )


def site_report(site: Site, *, today: date | None = None) -> PublicReport:
    """A site's public page: the public measures of the site and of its teams, its public
    customer surveys and its public changes."""
    today = today or timezone.localdate()
    charts = _charted(Measure.objects.filter(Q(site=site) | Q(team__site=site)), site=site)
    satisfaction, answered = _satisfaction(Survey.objects.filter(site=site), site=site, today=today)
    changes = _changes(Idea.objects.filter(team__site=site), site=site)
    return PublicReport(
        site.name, site.place, site, charts, satisfaction, changes, [], _as_of(charts, answered)
    )


def has_public_page(place: Place) -> bool:
    """Whether a place has a public page (its own public measures, or a site with one)."""
    return (
        Measure.objects.filter(place=place, public=True, survey__isnull=True).exists()
        or Site.objects.filter(place=place).filter(public_sites_q()).exists()
    )


def public_places_and_sites() -> tuple[list[Place], list[Site]]:
    """Every place and site with a public page, for the list of public pages. Two queries."""
    sites = list(
        Site.objects.filter(public_sites_q())
        .select_related("place", "organisation")
        .order_by("place__name", "name", "pk")
    )
    with_sites = {s.place_id for s in sites}
    places = list(
        Place.objects.filter(
            Q(pk__in=with_sites)
            | Exists(Measure.objects.filter(place=OuterRef("pk"), public=True, survey__isnull=True))
        ).order_by("name")
    )
    return places, sites
