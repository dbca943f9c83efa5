"""Turn an SPC result into coordinates for a server-rendered SVG. No ORM, no markup here; the
axis's dates are written in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import dateformat

from metrics.spc import Point, SPCResult


@dataclass(frozen=True)
class Frame:
    """The drawing's size and the margins left around the plot (for axis labels, if any)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


# The measure page's full chart, with room for both axes' labels.
FULL = Frame(720, 320, 56, 16, 16, 40)
# A dashboard's small chart: the same lines and dots, no axis labels.
SMALL = Frame(240, 72, 4, 4, 6, 6)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    css: str  # spc-common, spc-improvement, spc-concern, spc-neutral, spc-none
    point: Point

    @property
    def label(self) -> str:
        # Worked out only where a chart shows it: a small chart of a year of days has no labels.
        p = self.point
        return f"{p.date or p.index + 1}: {p.value:g} — {p.description}"


@dataclass(frozen=True)
class DotPath:
    """Every dot of one kind as a single path of zero-length strokes, which round line caps
    draw as dots: a year of daily points stays a handful of elements on a small chart."""

    css: str
    d: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Marker:
    x: float
    label: str


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    path: str
    dots: list[Dot]
    means: list[Line]
    limits: list[Line]
    target: Line | None
    markers: list[Marker]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    dot_paths: list[DotPath]
    dot_size: float  # the dots' diameter: smaller as the points crowd together


def geometry(
    result: SPCResult, *, annotations: Sequence[tuple[date, str]] = (), frame: Frame = FULL
) -> Geometry | None:
    points = result.points
    if not points:
        return None
    values = [p.value for p in points]
    for seg in result.segments:
        # A segment has both limits or neither (seg.has_limits).
        if seg.lower_limit is not None and seg.upper_limit is not None:
            values += [seg.lower_limit, seg.upper_limit]
    if result.target is not None:
        values.append(float(result.target))
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.05
    lo, hi = lo - pad, hi + pad
    n = len(points)
    plot_w = frame.width - frame.left - frame.right
    plot_h = frame.height - frame.top - frame.bottom

    def x(i: float) -> float:
        return round(frame.left + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2), 1)

    def y(v: float) -> float:
        return round(frame.top + plot_h * (1 - (v - lo) / (hi - lo)), 1)

    dots = [
        Dot(
            x(p.index),
            y(p.value),
            f"spc-{p.point_type.replace('_cause', '').replace('no_limits', 'none')}",
            p,
        )
        for p in points
    ]
    path = "M" + " L".join(f"{d.x},{d.y}" for d in dots)
    means, limits = [], []
    for seg in result.segments:
        if seg.mean is None:
            continue
        x1, x2 = x(seg.start), x(seg.end - 1)
        means.append(Line(x1, y(seg.mean), x2, y(seg.mean)))
        if seg.lower_limit is not None and seg.upper_limit is not None:
            limits.append(Line(x1, y(seg.upper_limit), x2, y(seg.upper_limit)))
            limits.append(Line(x1, y(seg.lower_limit), x2, y(seg.lower_limit)))
    target = None
    if result.target is not None:
        t = y(float(result.target))
        target = Line(x(0), t, x(n - 1), t)
    markers = []
    for day, label in annotations:
        index = next((p.index for p in points if p.date and p.date >= day), None)
        if index is not None:
            markers.append(Marker(x(index), label))
    y_ticks = [(y(lo + (hi - lo) * k / 4), f"{lo + (hi - lo) * k / 4:.3g}") for k in range(5)]
    step = max(1, n // 6)
    x_ticks = [
        (x(p.index), dateformat.format(p.date, "d M y") if p.date else str(p.index + 1))
        for p in points[::step]
    ]
    by_css: dict[str, list[str]] = {}
    for d in dots:
        by_css.setdefault(d.css, []).append(f"M{d.x},{d.y}h0")
    dot_paths = [DotPath(css, "".join(moves)) for css, moves in by_css.items()]
    dot_size = round(max(1.5, min(5.0, plot_w / n)), 1)
    return Geometry(
        frame.width, frame.height, path, dots, means, limits, target, markers, y_ticks, x_ticks,
        dot_paths, dot_size,
    )  # fmt: skip
