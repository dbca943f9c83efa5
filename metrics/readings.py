"""A measure's SPC reading: the one place every page, fragment and export gets it from.

The measure page and its CSV, the dashboards' survey charts, the cycle pages and the A3s (and
whatever else shows a measure's chart) call :func:`read` or :func:`read_many`, so each draws the
measure with its own preset and settings, ghosted points, targets over time and recalculations,
and names the same rules and engine version. A reading of the whole series also keeps the
measure's kinds of warning for the measure list (``Measure.spc_warnings``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils.translation import gettext, ngettext

from metrics import spc
from metrics.models import Annotation, Measure, MeasureTarget, Observation

# The kind of warning a baseline longer than the data gives (see WARNING_LABELS in spc).
BASELINE_INCOMPLETE = "baseline_incomplete"
REFUSED = "refused"


@dataclass(slots=True)  # read by the thousand: a frozen init costs twice as much
class Figure:
    """One observation as read for the chart."""

    pk: int
    date: date
    value: Decimal | float
    note: str
    ghost: bool


@dataclass(frozen=True)
class Reading:
    """A measure's chart: its figures (in date order), the changes marked on it, its targets
    over time, and the SPC result they give by its rules."""

    measure: Measure
    figures: list[Figure]
    annotations: list[Annotation]
    targets: list[MeasureTarget]
    result: spc.SPCResult

    def aligned(self, start: int = 0, stop: int | None = None) -> list[tuple[Figure, spc.Point]]:
        """Each figure with its point (those from the ``start``th point to before the ``stop``th
        only, when given: a page of a long chart). A T chart's first event has no gap before it
        and no point: it is left out, as the SQL leaves it out."""
        points = self.result.points
        if not points:
            return []  # none at all, or figures its chart type cannot draw
        figures = self.figures[1:] if self.result.chart_type == "t" else self.figures
        if len(figures) != len(points):
            raise ValueError("A figure for each point")  # as zip(strict=True) would say
        return list(zip(figures[start:stop], points[start:stop], strict=True))


class AsFloat(Cast):
    """A decimal column cast to a float by the database. The driver already returns a float,
    so no converter runs on each row (Django's own float conversion is a call a row: thousands
    a chart)."""

    convert_value = staticmethod(Cast._convert_value_noop)  # type: ignore[attr-defined]

    def __init__(self, expression: str) -> None:
        super().__init__(expression, FloatField())


def read(
    measure: Measure, *, start: date | None = None, end: date | None = None, exact: bool = False
) -> Reading:
    """The reading of one measure (three queries). See :func:`read_many`."""
    return read_many([measure], start=start, end=end, exact=exact)[measure.pk]


def read_many(
    measures: Sequence[Measure],
    *,
    start: date | None = None,
    end: date | None = None,
    exact: bool = False,
) -> dict[int, Reading]:
    """The reading of each measure, by its pk: three queries however many measures.

    ``start`` and ``end`` keep only the figures between them (a dashboard's period); then only
    the recalculations after ``start`` count, and the stored warnings are left alone. A reading
    of the whole series stores the kinds of warning it gives (one query, when they changed).
    ``exact``: values as the decimals stored (for a CSV), else floats straight from the database
    (SPC works in floats, and converting thousands of decimals is most of a page's time)."""
    ids = [m.pk for m in measures]
    held = Observation.objects.filter(measure_id__in=ids)
    if start is not None:
        held = held.filter(date__gte=start)
    if end is not None:
        held = held.filter(date__lte=end)
    if not exact:
        held = held.annotate(as_float=AsFloat("value"))
    figures: dict[int, list[Figure]] = defaultdict(list)
    rows = held.order_by("measure_id", "date").values_list(
        "measure_id", "pk", "date", "value" if exact else "as_float", "note", "ghost"
    )
    for measure_id, pk, day, value, note, ghost in rows:
        figures[measure_id].append(Figure(pk, day, value, note, ghost))
    annotations: dict[int, list[Annotation]] = defaultdict(list)
    for mark in (
        Annotation.objects.filter(measure_id__in=ids)
        .select_related("idea")
        .order_by("measure_id", "date", "pk")
    ):
        annotations[mark.measure_id].append(mark)
    targets: dict[int, list[MeasureTarget]] = defaultdict(list)
    # In date order, an open start first, on every database (PostgreSQL puts NULL last).
    for target in sorted(
        MeasureTarget.objects.filter(measure_id__in=ids), key=lambda t: (t.start or date.min, t.pk)
    ):
        targets[target.measure_id].append(target)
    whole = start is None and end is None
    readings = {}
    for measure in measures:
        marks = annotations[measure.pk]
        rebase_at = [a.date for a in marks if a.rebase and (start is None or a.date > start)]
        result = analyse(measure, figures[measure.pk], rebase_at, targets[measure.pk])
        if whole:
            measure.keep_warnings(result)
        readings[measure.pk] = Reading(
            measure, figures[measure.pk], marks, targets[measure.pk], result
        )
    return readings


def analyse(
    measure: Measure,
    figures: Sequence[Figure],
    rebase_at: Sequence[date],
    targets: Sequence[MeasureTarget],
) -> spc.SPCResult:
    """The SPC result of ``figures`` by the measure's rules. A baseline longer than the
    counted figures (set before the data came, or points ghosted since) is not yet complete:
    the chart is drawn from every point it has, and says so."""
    series = [(f.date, f.value, f.ghost) for f in figures]
    counted = sum(1 for f in figures if not f.ghost)
    baseline = measure.fix_after_n_points
    try:
        if baseline is None or baseline <= counted:
            return measure.analyse(series, rebase_at=rebase_at, targets=targets)
        result = measure.analyse(series, rebase_at=rebase_at, targets=targets, baseline=False)
    except ValueError as error:
        # Figures its chart type cannot draw (e.g. a G chart's fraction): said, never a 500.
        reason = gettext(
            "This chart cannot be drawn from these figures (%(error)s): change the chart type "
            "on the settings page, or the figures."
        ) % {"error": error}
        return spc.SPCResult(
            points=(),
            segments=(),
            improvement=measure.improvement,
            target=None,
            variation=None,
            assurance=None,
            rules=measure.spc_rules(),
            chart_type=measure.chart_type,
            notices=(reason,),
            run_chart_reason=reason,
            codes=(REFUSED,),
        )
    notice = ngettext(
        "The baseline is the first %(baseline)s points, and there is only %(count)s so far: "
        "the limits are worked out from every point until it is complete.",
        "The baseline is the first %(baseline)s points, and there are only %(count)s so far: "
        "the limits are worked out from every point until it is complete.",
        counted,
    ) % {"baseline": baseline, "count": counted}
    return replace(
        result,
        notices=(*result.warnings, notice),
        codes=tuple(dict.fromkeys((*result.codes, BASELINE_INCOMPLETE))),
    )
