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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, SupportsFloat, TypedDict

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
    TREND: _("part of a trend of 7 rising or falling"),
    TWO_OF_THREE: _("2 of 3 points beyond two sigma"),
    RUN_RULE: _("part of a run of 7 on one side of the mean"),
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


@dataclass(frozen=True)
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

    @property
    def special_cause(self) -> bool:
        return self.direction != 0

    @property
    def description(self) -> str:
        if self.point_type == "no_limits":
            return gettext("not enough data")
        if not self.rule:
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
        if not self.points:
            return gettext("Not enough data: no observations yet.")
        if not self.enough_data:
            return gettext("Not enough data: %(reason)s") % {"reason": self.segments[-1].reason}
        return ""

    @property
    def warnings(self) -> tuple[str, ...]:
        """A warning for each segment whose limits are provisional (too few points yet)."""
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
    values: Sequence[SupportsFloat],
    dates: Sequence[date] | None = None,
    *,
    improvement: Improvement = "neutral",
    target: float | None = None,
    fix_after_n_points: int | None = None,
    rebase_at: Sequence[int | date] = (),
    screen_outliers: bool = True,
) -> SPCResult:
    """Analyse a time series as an XmR chart.

    ``values`` are in time order; if ``dates`` are given (one per value) the pairs are sorted by
    date first. ``improvement`` says which way is better ("increase", "decrease" or "neutral").
    ``rebase_at`` names the points (by index into the sorted series, or by date: the first point
    on or after it) where a new segment starts, e.g. the day a change went live.
    ``fix_after_n_points`` (at least 12) computes each segment's mean and limits from its first
    N points only and judges later points against them.

    Returns an :class:`SPCResult` with each segment's mean and limits, each point's type and the
    rules it broke, the variation icon for the last point and the assurance icon against
    ``target``. A segment with fewer than two points, or whose values are all equal, has no
    limits: its points are "no_limits" and the result explains why (``message``); nothing
    here divides by zero.

    Raises ``ValueError`` for mismatched dates, an unknown improvement direction, a non-finite
    value, or ``fix_after_n_points`` below 12.
    """
    if improvement not in ("increase", "decrease", "neutral"):
        raise ValueError(f"Unknown improvement direction {improvement!r}")
    if fix_after_n_points is not None and fix_after_n_points < MIN_FIX_POINTS:
        raise ValueError(f"Limits can only be fixed on at least {MIN_FIX_POINTS} points")
    ys = [float(v) for v in values]
    if any(not math.isfinite(y) for y in ys):
        raise ValueError("Values must be finite numbers")
    ds: list[date | None]
    if dates is not None:
        if len(dates) != len(ys):
            raise ValueError("Give one date per value")
        order = sorted(range(len(ys)), key=lambda i: dates[i])
        ys = [ys[i] for i in order]
        ds = [dates[i] for i in order]
    else:
        ds = [None] * len(ys)

    starts = _segment_starts(len(ys), ds, rebase_at)
    bounds = list(zip(starts, [*starts[1:], len(ys)], strict=True))
    sign = {"increase": 1, "decrease": -1, "neutral": 0}[improvement]

    segments: list[Segment] = []
    points: list[Point] = []
    for number, (start, end) in enumerate(bounds):
        segment = _limits(ys[start:end], start, end, fix_after_n_points, screen_outliers)
        segments.append(segment)
        points.extend(_judge(ys, ds, segment, number, sign))

    return SPCResult(
        points=tuple(points),
        segments=tuple(segments),
        improvement=improvement,
        target=target,
        variation=_variation(points[-1]) if points and segments[-1].has_limits else None,
        assurance=_assurance(segments[-1], improvement, target) if segments else None,
    )


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
    ys: list[float], ds: list[date | None], seg: Segment, number: int, improvement: int
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
    for i in range(RUN - 1, n):
        steps = {_sign(y[j] - y[j - 1]) for j in range(i - RUN + 2, i + 1)}
        if steps in ({1}, {-1}):
            for j in range(i - RUN + 1, i + 1):
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
    for i in range(RUN - 1, n):
        if side[i] != 0 and all(side[j] == side[i] for j in range(i - RUN + 1, i)):
            for j in range(i - RUN + 1, i + 1):
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
