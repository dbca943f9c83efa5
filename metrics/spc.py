"""Statistical process control the way NHS England's "Making Data Count" draws it.

This follows the XmR ("plot the dots") method as implemented by the NHS-R community package
NHSRplotthedots 0.2.x, so a chart here agrees with the one an NHS analyst would produce:

* the centre line is the mean; the process limits are mean ± 2.66 × the mean moving range;
* moving ranges of 3.267 × the mean moving range or more are screened out and the mean moving
  range worked out again (``screen_outliers=False`` turns that off);
* limits may be fixed on the first N points of each segment (N ≥ 12), and the series may be
  rebased at chosen points, each segment getting its own mean and limits;
* special cause, tested within each segment, in this order of precedence:
  a point outside the limits; a trend of 7 points all rising or all falling (a tie breaks it);
  2 of 3 points beyond two sigma (sigma = 2.66 × mean moving range ÷ 3) on the same side of the
  mean — counted among points inside the limits, all three on that side; a run of 7 points on one
  side of the mean (a point exactly on the mean breaks the run).

No ORM here, and the arithmetic needs no Django at all: ``analyse`` can be called from a shell or
a notebook on a list of numbers. The words a result offers people (labels, descriptions, messages,
warnings) are Django translations, made when they are read.

>>> r = analyse([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5], improvement="decrease")
>>> round(r.segments[0].mean, 3), r.variation
(5.75, 'common_cause')
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, SupportsFloat, TypedDict, cast

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

LIMIT = 2.66
TWO_SIGMA = 2 * LIMIT / 3
SCREEN = 3.267
RUN = 7
MIN_FIX_POINTS = 12
# Fewer points than this and the limits are shown but flagged as provisional (as the package warns).
RECOMMENDED_POINTS = 12
# Fewer than this and there is no moving range at all: no limits can be drawn.
MIN_POINTS = 2

Improvement = Literal["increase", "decrease", "neutral"]

OUTSIDE = "outside_limits"
TREND = "trend"
TWO_OF_THREE = "two_of_three"
RUN_RULE = "run"

RULE_LABELS = {
    OUTSIDE: _("outside the process limits"),
    TREND: _("part of a trend: points all rising or all falling"),
    TWO_OF_THREE: _("2 of 3 points beyond two sigma"),
    RUN_RULE: _("part of a shift: a run of points on one side of the mean"),
}

# A special-cause point's judgement, by its type and direction (+1 high, -1 low).
JUDGEMENT_LABELS = {
    ("improvement", 1): _("improvement (high)"),
    ("improvement", -1): _("improvement (low)"),
    ("concern", 1): _("concern (high)"),
    ("concern", -1): _("concern (low)"),
    ("neutral", 1): _("neutral (high)"),
    ("neutral", -1): _("neutral (low)"),
}


@dataclass(frozen=True)
class Segment:
    """One stretch of the series between rebases, with its own centre line and limits."""

    start: int  # index of the first point (inclusive)
    end: int  # index after the last point (exclusive)
    mean: float | None
    mean_moving_range: float | None
    lower_limit: float | None
    upper_limit: float | None
    lower_two_sigma: float | None
    upper_two_sigma: float | None
    fixed_on: int | None = None  # limits fixed on the first N points of the segment
    # The SQL's sections: a baseline (its limits carried into the next section), and the limits
    # of the section after a baseline, copied from it.
    baseline: bool = False
    copied_from_baseline: bool = False
    upper_one_sigma: float | None = None
    lower_one_sigma: float | None = None

    @property
    def has_limits(self) -> bool:
        return self.mean is not None and self.upper_limit is not None

    @property
    def reason(self) -> str:
        """Why there are no limits, when there are none (words for the page)."""
        if self.has_limits:
            return ""
        if self.mean is None:
            return ngettext(
                "at least %(count)s point is needed to draw process limits.",
                "at least %(count)s points are needed to draw process limits.",
                MIN_POINTS,
            ) % {"count": MIN_POINTS}
        return gettext("every value is the same, so there is no variation to set limits from.")

    @property
    def provisional(self) -> bool:
        return (self.end - self.start) < RECOMMENDED_POINTS

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass(slots=True)  # made by the thousand: a frozen init costs twice as much
class Point:
    index: int
    value: float
    date: date | None
    segment: int
    # "common_cause", "improvement", "concern", "neutral" (special cause, no good direction),
    # or "no_limits" when the segment has too little data to judge.
    point_type: str
    # +1 special cause high, -1 low, 0 none.
    direction: int
    # The rule that decided it (the strongest one), and every rule the point is part of.
    rule: str = ""
    rules: tuple[str, ...] = ()
    # Shown but not counted (the SQL's ghosting); judged as nothing.
    ghost: bool = False
    # Both an improvement and a concern rule fired; the preset's conflict rule chose one.
    conflict: bool = False
    # The target in force on this point's date (targets may change over time).
    target: float | None = None

    @property
    def special_cause(self) -> bool:
        return self.direction != 0

    @property
    def description(self) -> str:
        if self.ghost:
            return gettext("ghosted: shown, not counted")
        if self.point_type == "no_limits":
            return gettext("not enough data")
        if not self.rule or self.point_type == "common_cause":
            # A point can meet a rule and still be common cause: a trend point whose direction
            # is level (a trend ending where another begins, on an equal value).
            return gettext("common cause")
        judgement = JUDGEMENT_LABELS[(self.point_type, 1 if self.direction > 0 else -1)]
        return gettext("%(judgement)s: %(rule)s") % {
            "judgement": judgement,
            "rule": RULE_LABELS[self.rule],
        }


@dataclass(frozen=True)
class SPCResult:
    points: tuple[Point, ...]
    segments: tuple[Segment, ...]
    improvement: str
    target: float | None
    # Icon for the latest point: "common_cause", "improvement_high", "improvement_low",
    # "concern_high", "concern_low", "neutral_high", "neutral_low"; None without enough data.
    variation: str | None
    # "pass", "fail", "hit_and_miss", or None (no target, neutral direction or no limits).
    assurance: str | None
    rules: Rules | None = None
    chart_type: str = "xmr"
    # Warnings in words (the SQL's step 5), when the engine gives them; else worked out below.
    notices: tuple[str, ...] | None = None
    # Why the chart is drawn as a plain run chart (too few points), if it is.
    run_chart_reason: str = ""
    # A code for each kind of warning (WARNING_CODES), for lists that keep them.
    codes: tuple[str, ...] = ()

    @property
    def engine_version(self) -> str:
        """Which code and which rules drew this: stored with CSVs and shown on charts."""
        rules = self.rules or PLOTTHEDOTS
        return f"leanhub-spc {ENGINE_VERSION} / {rules.reference}"

    @property
    def rules_label(self) -> str:
        return str((self.rules or PLOTTHEDOTS).label)

    @property
    def enough_data(self) -> bool:
        return bool(self.segments) and self.segments[-1].has_limits

    @property
    def latest_segment(self) -> Segment | None:
        """The segment the latest point is judged in (templates cannot index from the end)."""
        return self.segments[-1] if self.segments else None

    @property
    def message(self) -> str:
        """Why there is no chart to judge, in words for the page."""
        if self.run_chart_reason:
            return self.run_chart_reason
        if not self.points:
            return gettext("Not enough data: no observations yet.")
        if not self.enough_data:
            return gettext("Not enough data: %(reason)s") % {"reason": self.segments[-1].reason}
        return ""

    @property
    def warnings(self) -> tuple[str, ...]:
        """A warning for each segment whose limits are provisional (too few points yet)."""
        if self.notices is not None:
            return self.notices
        return tuple(
            ngettext(
                "Segment %(number)s has only %(count)s point; limits are provisional until "
                "there are %(recommended)s.",
                "Segment %(number)s has only %(count)s points; limits are provisional until "
                "there are %(recommended)s.",
                s.size,
            )
            % {"number": n + 1, "count": s.size, "recommended": RECOMMENDED_POINTS}
            for n, s in enumerate(self.segments)
            if s.has_limits and s.provisional
        )

    def segment_of(self, point: Point) -> Segment:
        return self.segments[point.segment]


def analyse(
    values: Sequence[SupportsFloat | None],
    dates: Sequence[date] | None = None,
    *,
    improvement: Improvement = "neutral",
    target: float | None = None,
    fix_after_n_points: int | None = None,
    rebase_at: Sequence[int | date] = (),
    screen_outliers: bool | None = None,
    rules: Rules | None = None,
    chart_type: ChartType = "xmr",
    ghosts: Sequence[bool] | None = None,
    baseline_points: int | None = None,
    targets: Sequence[TargetSpan] = (),
) -> SPCResult:
    """Analyse a time series as an XmR (or, with the SQL's rules, a T or G) chart.

    ``values`` are in time order; if ``dates`` are given (one per value) the pairs are sorted by
    date first. ``improvement`` says which way is better ("increase", "decrease" or "neutral").
    ``rebase_at`` names the points (by index into the sorted series, or by date: the first point
    on or after it) where a new segment starts, e.g. the day a change went live.
    ``fix_after_n_points`` (at least 12) computes each segment's mean and limits from its first
    N points only and judges later points against them.

    ``rules`` chooses the preset (:data:`PLOTTHEDOTS` when not given, which is what the
    arguments above describe; :data:`NHSE` follows NHS England's SQL v2.6, see
    :func:`_analyse_sql`). ``ghosts`` marks points shown but not counted; ``baseline_points``
    fixes limits on the first N counted points (the SQL's baseline; NHSRplotthedots' fixing on
    the first N points of each segment); ``targets`` gives targets that change over time (the
    first that covers a point's date is its target; ``target`` is one for all time).

    Returns an :class:`SPCResult` with each segment's mean and limits, each point's type and the
    rules it broke, the variation icon for the last point and the assurance icon against
    ``target``. A segment with fewer than two points, or whose values are all equal, has no
    limits: its points are "no_limits" and the result explains why (``message``); nothing
    here divides by zero.

    Raises ``ValueError`` for mismatched dates, an unknown improvement direction, a non-finite
    value, ``fix_after_n_points`` below 12, or rules or chart settings :func:`check_settings`
    refuses.
    """
    rules = rules or PLOTTHEDOTS
    if screen_outliers is not None:
        rules = replace(rules, screen=screen_outliers)
    if improvement not in ("increase", "decrease", "neutral"):
        raise ValueError(f"Unknown improvement direction {improvement!r}")
    if fix_after_n_points is not None and fix_after_n_points < MIN_FIX_POINTS:
        raise ValueError(f"Limits can only be fixed on at least {MIN_FIX_POINTS} points")
    problems = check_settings(
        rules, chart_type=chart_type, baseline_points=baseline_points, points=None
    )
    if problems:
        raise ValueError(" ".join(str(p) for p in problems))
    raw = list(values)
    if chart_type == "t":
        # A T chart's points are events: only their dates count.
        raw = [0.0] * len(raw)
    if None in raw:
        raise ValueError("Values must be finite numbers")
    ys = [float(v) for v in cast("list[SupportsFloat]", raw)]
    if not all(map(math.isfinite, ys)):
        raise ValueError("Values must be finite numbers")
    ghost = list(ghosts) if ghosts is not None else [False] * len(ys)
    if len(ghost) != len(ys):
        raise ValueError("Give one ghost flag per value")
    if chart_type != "xmr" and any(ghost):
        raise ValueError("Only XmR charts can ghost points")
    if chart_type == "g" and any(y < 0 or y != int(y) for y in ys):
        raise ValueError("A G chart counts cases between events: whole numbers, 0 or more")
    ds: list[date | None]
    if dates is not None:
        if len(dates) != len(ys):
            raise ValueError("Give one date per value")
        order = sorted(range(len(ys)), key=dates.__getitem__)
        ds = list(dates)
        if order != list(range(len(ys))):  # a measure's figures are read in date order
            ys = [ys[i] for i in order]
            ds = [ds[i] for i in order]
            ghost = [ghost[i] for i in order]
    else:
        ds = [None] * len(ys)
        if chart_type == "t":
            raise ValueError("A T chart needs the dates of its events")
    if baseline_points is not None and baseline_points > sum(1 for g in ghost if not g):
        raise ValueError("The baseline is longer than the data")
    point_targets = _targets_by_point(ds, target, targets)

    if rules.engine == SQL:
        return _analyse_sql(
            ys,
            ds,
            ghost,
            improvement=improvement,
            rules=rules,
            chart_type=chart_type,
            rebase_at=rebase_at,
            baseline_points=baseline_points,
            point_targets=point_targets,
        )
    if chart_type != "xmr":
        raise ValueError("NHSRplotthedots draws XmR charts only")
    return _analyse_plotthedots(
        ys,
        ds,
        ghost,
        improvement=improvement,
        rules=rules,
        fix_after_n_points=fix_after_n_points or baseline_points,
        rebase_at=rebase_at,
        point_targets=point_targets,
        target=target,
    )


def _targets_by_point(
    ds: list[date | None], target: float | None, targets: Sequence[TargetSpan]
) -> list[float | None]:
    """Each point's target: the first span that covers its date, else the one target."""
    if not targets:
        return [target] * len(ds)
    found: list[float | None] = []
    for d in ds:
        value = target
        for span in targets:
            if d is None or (
                (span.start is None or span.start <= d) and (span.end is None or d <= span.end)
            ):
                value = span.value
                break
        found.append(value)
    return found


def _analyse_plotthedots(
    ys: list[float],
    ds: list[date | None],
    ghost: list[bool],
    *,
    improvement: Improvement,
    rules: Rules,
    fix_after_n_points: int | None,
    rebase_at: Sequence[int | date],
    point_targets: list[float | None],
    target: float | None,
) -> SPCResult:
    """NHSRplotthedots 0.2.x on the counted points; ghosted points are drawn where they fall,
    judged as nothing."""
    kept = [i for i, g in enumerate(ghost) if not g]
    kys = [ys[i] for i in kept]
    kds = [ds[i] for i in kept]
    # Rebases by index count in the full series: move them to the counted one.
    marks: list[int | date] = []
    for mark in rebase_at:
        if isinstance(mark, date):
            marks.append(mark)
        else:
            marks.append(next((k for k, i in enumerate(kept) if i >= int(mark)), len(kept)))
    starts = _segment_starts(len(kys), kds, marks)
    bounds = list(zip(starts, [*starts[1:], len(kys)], strict=True))
    sign = {"increase": 1, "decrease": -1, "neutral": 0}[improvement]

    segments: list[Segment] = []
    judged: list[Point] = []
    for number, (start, end) in enumerate(bounds):
        segment = _limits(kys[start:end], start, end, fix_after_n_points, rules.screen)
        segments.append(segment)
        judged.extend(_judge(kys, kds, segment, number, sign, rules.shift, rules.trend))
    latest_target = point_targets[kept[-1]] if kept else target
    codes: tuple[str, ...] = ()
    if any(seg.has_limits and seg.provisional for seg in segments):
        codes += ("section",)
    if kys and not segments[-1].has_limits:
        codes += ("run_chart",)
    if rules.maximum_points is not None and len(ys) > rules.maximum_points:
        codes += ("too_many",)
    variation = _variation(judged[-1]) if judged and segments[-1].has_limits else None
    assurance = _assurance(segments[-1], improvement, latest_target) if segments else None
    if len(kept) == len(ys):
        points = tuple(
            replace(p, target=point_targets[p.index]) if point_targets[p.index] is not None else p
            for p in judged
        )
        return SPCResult(
            points,
            tuple(segments),
            improvement,
            latest_target,
            variation,
            assurance,
            rules,
            codes=codes,
        )
    # Put the ghosted points back, indexing everything by the full series.
    position = dict(enumerate(kept))
    full: list[Point] = []
    counted = iter(judged)
    number = 0
    for i, g in enumerate(ghost):
        if g:
            full.append(
                Point(i, ys[i], ds[i], number, "no_limits", 0, ghost=True, target=point_targets[i])
            )
        else:
            p = next(counted)
            number = p.segment
            full.append(replace(p, index=i, target=point_targets[i]))
    remapped = []
    for n, seg in enumerate(segments):
        first = position[seg.start] if n else 0
        end = position[segments[n + 1].start] if n + 1 < len(segments) else len(ys)
        remapped.append(replace(seg, start=first, end=end))
    full = [replace(p, segment=_segment_at(remapped, p.index)) for p in full]
    return SPCResult(
        tuple(full),
        tuple(remapped),
        improvement,
        latest_target,
        variation,
        assurance,
        rules,
        codes=codes,
    )


def _segment_at(segments: Sequence[Segment], index: int) -> int:
    return next(n for n, s in enumerate(segments) if s.start <= index < s.end)


def _segment_starts(n: int, ds: list[date | None], rebase_at: Sequence[int | date]) -> list[int]:
    starts = {0}
    for mark in rebase_at:
        if isinstance(mark, date):
            index = next((i for i, d in enumerate(ds) if d is not None and d >= mark), None)
            if index is None:
                continue
        else:
            index = int(mark)
        if 0 < index < n:
            starts.add(index)
    return sorted(starts) if n else [0]


def _mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs)


class _Lines(TypedDict):
    """A segment's bounds and lines, as keyword arguments for :class:`Segment`."""

    start: int
    end: int
    mean: float | None
    mean_moving_range: float | None
    lower_limit: float | None
    upper_limit: float | None
    lower_two_sigma: float | None
    upper_two_sigma: float | None


def _limits(ys: list[float], start: int, end: int, fix_after: int | None, screen: bool) -> Segment:
    basis = ys[:fix_after] if fix_after else ys
    fixed_on = len(basis) if fix_after and len(ys) > fix_after else None
    empty: _Lines = {
        "start": start,
        "end": end,
        "mean": None,
        "mean_moving_range": None,
        "lower_limit": None,
        "upper_limit": None,
        "lower_two_sigma": None,
        "upper_two_sigma": None,
    }
    if len(basis) < MIN_POINTS:
        return Segment(**empty)  # its reason: too few points
    mean = _mean(basis)
    ranges = [abs(b - a) for a, b in itertools.pairwise(basis)]
    amr = _mean(ranges)
    if amr == 0:
        return Segment(**empty | {"mean": mean})  # its reason: no variation
    if screen:
        kept = [r for r in ranges if r < SCREEN * amr]
        amr = _mean(kept)  # never empty: the smallest range is always below 3.267 × the mean
    return Segment(
        start=start,
        end=end,
        mean=mean,
        mean_moving_range=amr,
        lower_limit=mean - LIMIT * amr,
        upper_limit=mean + LIMIT * amr,
        lower_two_sigma=mean - TWO_SIGMA * amr,
        upper_two_sigma=mean + TWO_SIGMA * amr,
        fixed_on=fixed_on,
    )


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _judge(
    ys: list[float],
    ds: list[date | None],
    seg: Segment,
    number: int,
    improvement: int,
    shift: int = RUN,
    trend_length: int = RUN,
) -> list[Point]:
    idx = range(seg.start, seg.end)
    mean, lower, upper = seg.mean, seg.lower_limit, seg.upper_limit
    lower_two, upper_two = seg.lower_two_sigma, seg.upper_two_sigma
    # Without limits (not seg.has_limits) there is nothing to judge against; _limits sets either
    # all of these lines or none but the mean.
    if mean is None or lower is None or upper is None or lower_two is None or upper_two is None:
        return [Point(i, ys[i], ds[i], number, "no_limits", 0) for i in idx]
    y = ys[seg.start : seg.end]
    n = len(y)
    side = [_sign(v - mean) for v in y]
    outside = [v > upper or v < lower for v in y]
    close = [not o and (v > upper_two or v < lower_two) for v, o in zip(y, outside, strict=True)]

    # A trend: 7 points each strictly above (or below) the one before. Every point of it counts.
    trend = [0] * n
    for i in range(trend_length - 1, n):
        steps = {_sign(y[j] - y[j - 1]) for j in range(i - trend_length + 2, i + 1)}
        if steps in ({1}, {-1}):
            for j in range(i - trend_length + 1, i + 1):
                trend[j] = 1
    # Which way each trend point points: the step to the right when it is inside the trend on
    # both sides, else the step that brought it in (the package's convention).
    trend_dir = [0] * n
    for i in range(n):
        if trend[i]:
            if i + 1 < n and trend[i + 1]:
                trend_dir[i] = _sign(y[i + 1] - y[i])
            elif i > 0:
                trend_dir[i] = _sign(y[i] - y[i - 1])

    # 2 of 3 beyond two sigma: some window of 3 containing the point has at least 2 such points
    # and all 3 on the same side of the mean; the point itself must be one of them.
    two_of_three = [False] * n
    for i in range(n):
        if not close[i]:
            continue
        for a in range(i - 2, i + 1):
            window = range(max(a, 0), min(a + 3, n))
            if len(window) < 3:
                continue
            if sum(close[j] for j in window) >= 2 and abs(sum(side[j] for j in window)) == 3:
                two_of_three[i] = True
                break

    run = [0] * n
    for i in range(shift - 1, n):
        if side[i] != 0 and all(side[j] == side[i] for j in range(i - shift + 1, i)):
            for j in range(i - shift + 1, i + 1):
                run[j] = 1

    points = []
    for k, i in enumerate(idx):
        rules = tuple(
            name
            for name, hit in (
                (OUTSIDE, outside[k]),
                (TREND, trend[k]),
                (TWO_OF_THREE, two_of_three[k]),
                (RUN_RULE, run[k]),
            )
            if hit
        )
        rule = rules[0] if rules else ""
        direction = trend_dir[k] if rule == TREND else (side[k] if rule else 0)
        if not rule or direction == 0:
            kind = "common_cause"
        elif improvement == 0:
            kind = "neutral"
        else:
            kind = "improvement" if direction == improvement else "concern"
        points.append(Point(i, ys[i], ds[i], number, kind, direction, rule, rules))
    return points


def _variation(last: Point) -> str:
    if last.point_type == "common_cause":
        return "common_cause"
    return f"{last.point_type}_{'high' if last.direction > 0 else 'low'}"


def _assurance(seg: Segment, improvement: str, target: float | None) -> str | None:
    lower, upper = seg.lower_limit, seg.upper_limit
    # A segment has both limits or neither (seg.has_limits).
    if target is None or improvement == "neutral" or lower is None or upper is None:
        return None
    if target > upper:
        return "fail" if improvement == "increase" else "pass"
    if target < lower:
        return "pass" if improvement == "increase" else "fail"
    return "hit_and_miss"


VARIATION_LABELS = {
    "common_cause": _("Common cause variation: no significant change"),
    "improvement_high": _("Special cause variation: improvement (higher)"),
    "improvement_low": _("Special cause variation: improvement (lower)"),
    "concern_high": _("Special cause variation: concern (higher)"),
    "concern_low": _("Special cause variation: concern (lower)"),
    "neutral_high": _("Special cause variation: higher (neither better nor worse)"),
    "neutral_low": _("Special cause variation: lower (neither better nor worse)"),
}

ASSURANCE_LABELS = {
    "pass": _("The target will consistently be met"),
    "fail": _("The target will consistently be missed"),
    "hit_and_miss": _("The target will be hit and missed at random"),
}


# --- Rule presets ------------------------------------------------------------------------------

ENGINE_VERSION = "2.0"
SQL = "nhse_sql"
PACKAGE = "plotthedots"
ChartType = Literal["xmr", "t", "g"]
ConflictRule = Literal["improvement", "concern"]
CHART_TYPES: tuple[ChartType, ...] = ("xmr", "t", "g")
# The lengths NHS England's SQL accepts for a shift or a trend (it warns outside them).
RUN_LENGTHS = range(6, 9)
# Drawn as one chart up to this many points (the SQL's @SettingMaximumPoints, here set).
MAXIMUM_POINTS = 5000


@dataclass(frozen=True)
class TargetSpan:
    """A target in force from ``start`` to ``end`` (either open), as the SQL's #TargetData."""

    value: float
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Rules:
    """How a chart is worked out: which engine, and the settings of a preset a measure may
    change (shift and trend lengths, screening, minimum points, the conflict rule)."""

    key: str
    engine: str  # SQL or PACKAGE
    label: str
    reference: str  # the published method, for the engine version
    shift: int = RUN
    trend: int = RUN
    screen: bool = True
    # Fewer counted points than this: a plain run chart (SQL: 13). The package draws
    # provisional limits from 2 points, warning below 12.
    minimum_points: int = MIN_POINTS
    minimum_section: int = RECOMMENDED_POINTS
    maximum_points: int | None = MAXIMUM_POINTS
    # Which wins when a point is both improvement and concern (SQL's [MetricConflictRule]);
    # None: the package's order of precedence decides.
    conflict: ConflictRule | None = None

    @property
    def described(self) -> str:
        """The preset and its settings in words, for the chart."""
        if self.engine == PACKAGE:
            return gettext(
                "%(label)s: shifts of %(shift)s, trends of %(trend)s, moving-range screening "
                "%(screen)s."
            ) % {
                "label": self.label,
                "shift": self.shift,
                "trend": self.trend,
                "screen": gettext("on") if self.screen else gettext("off"),
            }
        return gettext(
            "%(label)s: shifts of %(shift)s, trends of %(trend)s, moving-range screening "
            "%(screen)s, limits from %(minimum)s points, conflicts shown as %(conflict)s."
        ) % {
            "label": self.label,
            "shift": self.shift,
            "trend": self.trend,
            "screen": gettext("on") if self.screen else gettext("off"),
            "minimum": self.minimum_points,
            "conflict": CONFLICT_LABELS[self.conflict or "concern"],
        }


CONFLICT_LABELS = {"improvement": _("improvement"), "concern": _("concern")}

# Each kind of warning in a few words, for the measure list (the chart gives the details).
WARNING_LABELS = {
    "run_chart": _("Too few points for limits: a run chart"),
    "section": _("A section has too few points for reliable limits"),
    "too_many": _("Too many points to draw as one chart"),
    "recalculation_in_baseline": _("A recalculation falls inside the baseline"),
    "baseline_special_cause": _("The baseline includes special cause variation"),
    "conflict": _("The latest point is both an improvement and a concern"),
    # Given by metrics.readings: the measure's baseline is longer than its data so far.
    "baseline_incomplete": _("The baseline is not complete yet"),
    "refused": _("The chart cannot be drawn from these figures"),
}

# NHS England's Making Data Count SQL v2.6 defaults (Step 2): shifts and trends of 6, screening
# off, 13 points before limits are drawn, 12 per section; conflicts shown as concern (the
# SQL's sample metrics all choose 'Concern').
NHSE = Rules(
    key="nhse",
    engine=SQL,
    label=str(_("NHS England Making Data Count (SQL v2.6)")),
    reference="nhse-sql-2.6",
    shift=6,
    trend=6,
    screen=False,
    minimum_points=13,
    minimum_section=12,
    conflict="concern",
)
PLOTTHEDOTS = Rules(
    key="plotthedots",
    engine=PACKAGE,
    label="NHSRplotthedots 0.2",
    reference="nhsrplotthedots-0.2",
)
PRESETS = {NHSE.key: NHSE, PLOTTHEDOTS.key: PLOTTHEDOTS}


def preset(key: str) -> Rules:
    """The preset called ``key``, its label in the reader's language."""
    base = PRESETS[key]
    label = _("NHS England Making Data Count (SQL v2.6)") if key == NHSE.key else base.label
    return replace(base, label=str(label))


def check_settings(
    rules: Rules,
    *,
    chart_type: str = "xmr",
    baseline_points: int | None = None,
    points: int | None = None,
) -> list[str]:
    """Each reason these settings cannot draw a chart, in words (an empty list: they can).
    ``points`` is how many counted points there are, when the baseline is to be checked
    against the data."""
    problems: list[str] = []
    if chart_type not in CHART_TYPES:
        problems.append(gettext("A chart is XmR, T or G."))
    if rules.engine == SQL:
        if rules.shift not in RUN_LENGTHS:
            problems.append(
                gettext("A shift is 6, 7 or 8 points in a row (not %(n)s).") % {"n": rules.shift}
            )
        if rules.trend not in RUN_LENGTHS:
            problems.append(
                gettext("A trend is 6, 7 or 8 points in a row (not %(n)s).") % {"n": rules.trend}
            )
        if rules.minimum_points < 2:
            problems.append(gettext("Limits need at least 2 points."))
        if rules.conflict not in ("improvement", "concern"):
            problems.append(gettext("Say whether a conflict shows as improvement or concern."))
    elif rules.shift < 2 or rules.trend < 2:
        problems.append(gettext("A shift or a trend is at least 2 points."))
    if baseline_points is not None:
        if baseline_points < 2:
            problems.append(gettext("A baseline needs at least 2 points."))
        elif rules.engine == PACKAGE and baseline_points < MIN_FIX_POINTS:
            problems.append(
                gettext("NHSRplotthedots fixes limits on at least %(n)s points.")
                % {"n": MIN_FIX_POINTS}
            )
        elif points is not None and baseline_points > points:
            problems.append(
                gettext(
                    "The baseline of %(baseline)s points is longer than the data (%(points)s "
                    "points)."
                )
                % {"baseline": baseline_points, "points": points}
            )
    return problems


# --- NHS England's SQL v2.6 ----------------------------------------------------------------------
#
# A line-by-line reading of "NHSE SPC Charts SQL Query v2.6" (Step 4): partitions are the
# SQL's sections (recalculations and a baseline), windows the SQL's LAG/LEAD over non-ghosted
# points. Where the SQL would give a wrong answer (a T chart with screening on loses its mean,
# as its screening step overwrites the mean with an average of values a T chart does not have)
# screening applies to XmR charts only.


def _avg(xs: Sequence[float]) -> float | None:
    return math.fsum(xs) / len(xs) if xs else None


def _two_of_three_from(seq: list[int], beyond: list[bool], side: list[bool], k: int) -> bool:
    """The SQL's 2-of-3 start flag at the ``k``th point of a section (``seq``, its points):
    that point beyond two sigma and one of the next two too, with all three of a window holding
    them on the same side of the mean (a neighbour off either end counts as no)."""
    m = len(seq)
    if not beyond[seq[k]]:
        return False
    if (
        k + 1 < m
        and beyond[seq[k + 1]]
        and ((k >= 1 and side[seq[k - 1]]) or (k + 2 < m and side[seq[k + 2]]))
    ):
        return True
    return k + 2 < m and beyond[seq[k + 2]] and side[seq[k + 1]]


def _runs_from(flags: list[bool]) -> list[int]:
    """How many True flags in a row start at each position (and 0 after the last)."""
    runs = [0] * (len(flags) + 1)
    for k in range(len(flags) - 1, -1, -1):
        if flags[k]:
            runs[k] = runs[k + 1] + 1
    return runs


def _in_windows(flags: list[bool], length: int) -> list[bool]:
    """The SQL's start-flag / start-count test: each position inside some run of ``length``
    consecutive True flags."""
    runs = _runs_from(flags)
    inside = [False] * len(flags)
    last = None  # the latest start of such a run so far
    for k in range(len(flags)):
        if runs[k] >= length:
            last = k
        inside[k] = last is not None and k - last < length
    return inside


@dataclass
class _SectionLines:
    mean: float | None = None
    upper: float | None = None
    lower: float | None = None
    upper_two: float | None = None
    lower_two: float | None = None
    upper_one: float | None = None
    lower_one: float | None = None
    mrm: float | None = None


def _analyse_sql(
    ys: list[float],
    ds: list[date | None],
    ghost: list[bool],
    *,
    improvement: Improvement,
    rules: Rules,
    chart_type: ChartType,
    rebase_at: Sequence[int | date],
    baseline_points: int | None,
    point_targets: list[float | None],
) -> SPCResult:
    n = len(ys)
    # T: each row is an event; its value is the days since the event before (none for the
    # first, which the SQL leaves out of the output).
    vals: list[float | None] = list(ys)
    if chart_type == "t":
        vals = [None] + [
            float((cast(date, ds[i]) - cast(date, ds[i - 1])).days) for i in range(1, n)
        ]
        if any(v is not None and v <= 0 for v in vals):
            raise ValueError("A T chart's events fall on different days")
    # Step 4B: partitions — a recalculation starts one (a flag on the first row only renumbers).
    flags = [False] * n
    for start in _segment_starts(n, ds, rebase_at)[1:]:
        flags[start] = True
    part, running = [], 0
    for i in range(n):
        running += flags[i]
        part.append(running + 1)
    # Step 4C: the baseline — every row up to the Nth non-ghosted one is section 0.
    recalc_in_baseline = False
    if baseline_points:
        rank, end = 0, -1
        for i in range(n):
            if not ghost[i]:
                rank += 1
                if rank == baseline_points:
                    end = i
                    break
        recalc_in_baseline = any(flags[1 : end + 1])
        for i in range(end + 1):
            part[i] = 0
    sections = sorted(set(part))
    members: dict[int, list[int]] = {p: [] for p in sections}
    rows_in: dict[int, list[int]] = {p: [] for p in sections}  # ghosts too
    for i in range(n):
        rows_in[part[i]].append(i)
        if not ghost[i]:
            members[part[i]].append(i)
    lines: dict[int, _SectionLines] = {}
    if chart_type == "t":
        tr = [None if v is None else v ** (1 / 3.6) for v in vals]
        counted = [i for i in range(n) if not ghost[i]]
        # Moving ranges of the transformed gaps run across sections (LAG over the chart).
        tmr: list[float | None] = [None] * n
        for a, b in itertools.pairwise(counted):
            ta, tb = tr[a], tr[b]
            if ta is not None and tb is not None:
                tmr[b] = abs(tb - ta)
        raw = {
            p: (
                _avg([t for i in members[p] if (t := tr[i]) is not None]),
                _avg([m for i in members[p] if (m := tmr[i]) is not None]),
            )
            for p in sections
        }
        if 0 in raw and 1 in raw:
            raw[1] = raw[0]
        for p, (tm, tmrm) in raw.items():
            line = _SectionLines(mean=tm**3.6 if tm is not None else None)
            if tm is not None and tmrm is not None:
                power = _t_line(tm, tmrm)
                line.upper, line.upper_two, line.upper_one = power(1), power(2 / 3), power(1 / 3)
                line.lower, line.lower_two, line.lower_one = (
                    power(-1),
                    power(-2 / 3),
                    power(-1 / 3),
                )
            lines[p] = line
    else:
        for p in sections:
            xs = [ys[i] for i in members[p]]
            mean = _avg(xs)
            mrs = [abs(b - a) for a, b in itertools.pairwise(xs)]
            mrm = _avg(mrs)
            mrm_limits = mrm
            if chart_type == "xmr" and rules.screen and mrm is not None:
                cut = SCREEN * mrm
                mrm_limits = _avg([r for r in mrs if r <= cut])
                # The mean leaves out each point whose moving range into it is an outlier.
                mean = _avg([x for k, x in enumerate(xs) if k == 0 or mrs[k - 1] <= cut])
            lines[p] = _SectionLines(mean=mean, mrm=mrm_limits)
        if 0 in lines and 1 in lines:
            lines[1] = replace(lines[0])
        for line in lines.values():
            mean, mrm = line.mean, line.mrm
            if mean is None:
                continue
            if chart_type == "g":
                line.upper = mean + math.sqrt(mean * (mean + 1)) * 3
                line.mean = mean * 0.693  # drawn (and judged) at the median
            elif mrm is not None:
                line.upper, line.lower = mean + LIMIT * mrm, mean - LIMIT * mrm
                line.upper_two, line.lower_two = mean + TWO_SIGMA * mrm, mean - TWO_SIGMA * mrm
                line.upper_one, line.lower_one = mean + LIMIT / 3 * mrm, mean - LIMIT / 3 * mrm
    at = [lines[part[i]] for i in range(n)]

    # Steps 4F-4I: the rules, on non-ghosted points only (beyond two sigma: on every point).
    # One pass a section, a missing value or line comparing as False: thousands of points.
    above_upper, below_lower = [False] * n, [False] * n
    above, below = [False] * n, [False] * n
    beyond_up, beyond_down = [False] * n, [False] * n
    for p in sections:
        line = lines[p]
        upper, lower, centre = line.upper, line.lower, line.mean
        upper_two, lower_two = line.upper_two, line.lower_two
        for i in rows_in[p]:
            v = vals[i]
            if v is None:
                continue
            beyond_up[i] = upper_two is not None and v > upper_two
            beyond_down[i] = lower_two is not None and v < lower_two
            if ghost[i]:
                continue
            above_upper[i] = upper is not None and v > upper
            below_lower[i] = lower is not None and v < lower
            above[i] = centre is not None and v > centre
            below[i] = centre is not None and v < centre
    shift_up, shift_down = [False] * n, [False] * n
    two_up, two_down = [False] * n, [False] * n
    for p in sections:
        seq = members[p]
        for flags_in, out in ((above, shift_up), (below, shift_down)):
            for k, hit in enumerate(_in_windows([flags_in[i] for i in seq], rules.shift)):
                out[seq[k]] = hit
        for side, beyond, out in ((above, beyond_up, two_up), (below, beyond_down, two_down)):
            # Only a point beyond two sigma can be one (few are): each is tested in the windows
            # of 3 that start at it or at one of the two points before it.
            for k, i in enumerate(seq):
                if beyond[i]:
                    out[i] = (
                        _two_of_three_from(seq, beyond, side, k)
                        or (k >= 1 and _two_of_three_from(seq, beyond, side, k - 1))
                        or (k >= 2 and _two_of_three_from(seq, beyond, side, k - 2))
                    )
    # Trends run across sections: the previous non-ghosted point, whatever its section.
    counted = [i for i in range(n) if not ghost[i]]
    rising = [False] * len(counted)
    falling = [False] * len(counted)
    for k in range(1, len(counted)):
        now, before = vals[counted[k]], vals[counted[k - 1]]
        if now is not None and before is not None:
            rising[k] = now > before
            falling[k] = now < before
    trend_up, trend_down = [False] * n, [False] * n
    for steps, out in ((rising, trend_up), (falling, trend_down)):
        # A trend of N points is N - 1 steps after its first point: it starts at point k when
        # N - 1 steps in a row follow it, and takes in the N - 1 points after its start.
        runs = _runs_from(steps)
        last = None  # the latest start so far
        for k, i in enumerate(counted):
            if k + rules.trend - 1 < len(counted) and runs[k + 1] >= rules.trend - 1:
                last = k
            out[i] = last is not None and k - last < rules.trend

    # Step 4J: improvement, concern or neither; conflicts settled by the preset's rule.
    sign = {"increase": 1, "decrease": -1, "neutral": 0}[improvement]
    # A T chart's first row (no gap before it) is not shown: points are indexed from the next.
    offset = 1 if chart_type == "t" else 0
    shown = range(offset, n)
    row_count = sum(1 for i in shown if not ghost[i])
    spc_shown = row_count >= rules.minimum_points
    # Sections with a shown point become segments (T's first row may be alone in one).
    first_row: dict[int, int] = {}
    last_row: dict[int, int] = {}
    for i in shown:
        first_row.setdefault(part[i], i)
        last_row[part[i]] = i
    kept_sections = sorted(first_row)
    section_number = {p: k for k, p in enumerate(kept_sections)}
    points: list[Point] = []
    conflict_at: list[bool] = [False] * n
    special_at: list[bool] = [False] * n
    rule_names = (OUTSIDE, TREND, TWO_OF_THREE, RUN_RULE)
    named: dict[tuple[bool, ...], tuple[str, ...]] = {}
    with_targets = chart_type == "xmr" and sign != 0
    highs = [
        a or b or c or d for a, b, c, d in zip(above_upper, trend_up, two_up, shift_up, strict=True)
    ]
    lows = [
        a or b or c or d
        for a, b, c, d in zip(below_lower, trend_down, two_down, shift_down, strict=True)
    ]
    for i in shown:
        is_high, is_low = highs[i], lows[i]
        conflict = False
        direction = 0
        kind = "common_cause"
        if sign == 0:
            if is_high or is_low:
                kind, direction = "neutral", 1 if is_high else -1
        else:
            good, bad = (is_high, is_low) if sign > 0 else (is_low, is_high)
            if good and bad:
                conflict = True
                good, bad = (True, False) if rules.conflict == "improvement" else (False, True)
            if good:
                kind, direction = "improvement", sign
            elif bad:
                kind, direction = "concern", -sign
        special_at[i] = direction != 0
        conflict_at[i] = conflict
        names: tuple[str, ...] = ()
        if direction:
            fired = (
                (above_upper[i], trend_up[i], two_up[i], shift_up[i])
                if direction > 0
                else (below_lower[i], trend_down[i], two_down[i], shift_down[i])
            )
            names = named.get(fired) or named.setdefault(
                fired, tuple(name for name, hit in zip(rule_names, fired, strict=True) if hit)
            )
        if ghost[i]:
            kind, names, direction = "no_limits", (), 0
        elif not spc_shown:
            kind, names, direction, conflict = "no_limits", (), 0, False
        value = vals[i]
        points.append(
            Point(  # by position, made by the thousand: index, value, date, segment, type,
                # direction, rule, rules, ghost, conflict, target
                i - offset,
                float(value) if value is not None else 0.0,
                ds[i],
                section_number[part[i]],
                kind,
                direction,
                names[0] if names else "",
                names,
                ghost[i],
                conflict,
                point_targets[i] if with_targets else None,
            )
        )

    # Sections as segments, indexed by the points shown.
    segments = []
    keep = spc_shown
    for p in kept_sections:
        line = lines[p]
        segments.append(
            Segment(
                start=first_row[p] - offset,
                end=last_row[p] - offset + 1,
                mean=line.mean,
                mean_moving_range=line.mrm if keep else None,
                lower_limit=line.lower if keep else None,
                upper_limit=line.upper if keep else None,
                lower_two_sigma=line.lower_two if keep else None,
                upper_two_sigma=line.upper_two if keep else None,
                baseline=p == 0,
                copied_from_baseline=p == 1 and 0 in lines,
                upper_one_sigma=line.upper_one if keep else None,
                lower_one_sigma=line.lower_one if keep else None,
            )
        )

    # Step 4K: icons for the last non-ghosted point.
    last = next((i for i in reversed(shown) if not ghost[i]), None)
    variation = assurance = None
    if last is not None and spc_shown:
        lp = points[last - offset]
        variation = _variation(lp) if lp.direction else "common_cause"
        target = point_targets[last]
        line = at[last]
        if chart_type == "xmr" and sign and target is not None:
            assurance = _sql_assurance(sign, target, line.lower, line.upper)

    # Step 5: the warnings the SQL gives, in words.
    notices: list[str] = []
    codes: list[str] = []
    run_chart_reason = ""
    if not spc_shown and points:
        codes.append("run_chart")
        run_chart_reason = ngettext(
            "Fewer than %(minimum)s points (not counting ghosted ones): shown as a run chart "
            "without limits until there is %(count)s more.",
            "Fewer than %(minimum)s points (not counting ghosted ones): shown as a run chart "
            "without limits until there are %(count)s more.",
            rules.minimum_points - row_count,
        ) % {"minimum": rules.minimum_points, "count": rules.minimum_points - row_count}
        notices.append(run_chart_reason)
    if spc_shown:
        for k, p in enumerate(sections):
            count = sum(1 for i in members[p] if i >= offset)
            if count < rules.minimum_section:
                codes.append("section")
                notices.append(
                    ngettext(
                        "Section %(number)s has only %(count)s point; limits are less reliable "
                        "with fewer than %(minimum)s.",
                        "Section %(number)s has only %(count)s points; limits are less reliable "
                        "with fewer than %(minimum)s.",
                        count,
                    )
                    % {"number": k + 1, "count": count, "minimum": rules.minimum_section}
                )
    if rules.maximum_points is not None and len(shown) > rules.maximum_points:
        codes.append("too_many")
        notices.append(
            gettext(
                "Over %(maximum)s points: too many to draw as one chart; some common-cause "
                "points are drawn together."
            )
            % {"maximum": rules.maximum_points}
        )
    if recalc_in_baseline:
        codes.append("recalculation_in_baseline")
        notices.append(gettext("A recalculation of limits falls inside the baseline."))
    if 0 in members and any(special_at[i] for i in members[0]):
        codes.append("baseline_special_cause")
        notices.append(gettext("The baseline includes special cause variation."))
    if spc_shown and last is not None and conflict_at[last]:
        codes.append("conflict")
        notices.append(
            gettext(
                "The latest point is both an improvement and a concern; it is shown as "
                "%(conflict)s, as this measure's conflict rule says."
            )
            % {"conflict": CONFLICT_LABELS[rules.conflict or "concern"]}
        )
    latest_target = point_targets[last] if last is not None and chart_type == "xmr" else None
    return SPCResult(
        points=tuple(points),
        segments=tuple(segments),
        improvement=improvement,
        target=latest_target if sign else None,
        variation=variation,
        assurance=assurance,
        rules=rules,
        chart_type=chart_type,
        notices=tuple(notices),
        run_chart_reason=run_chart_reason,
        codes=tuple(dict.fromkeys(codes)),
    )


def _t_line(tm: float, tmrm: float) -> Callable[[float], float | None]:
    """A T chart's line k sigma-units (of 3) from the transformed mean, back on the day scale;
    none below zero on the transformed scale."""

    def power(k: float) -> float | None:
        base = tm + k * LIMIT * tmrm
        return float(base**3.6) if base >= 0 else None

    return power


def _sql_assurance(
    sign: int, target: float, lower: float | None, upper: float | None
) -> str | None:
    """Step 4K: a target on a limit is a pass or a fail, not hit and miss."""
    if lower is None or upper is None:
        return None
    if sign > 0:
        if target <= lower:
            return "pass"
        if target >= upper:
            return "fail"
    else:
        if target >= upper:
            return "pass"
        if target <= lower:
            return "fail"
    return "hit_and_miss"
