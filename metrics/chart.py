"""Turn an SPC result into coordinates for a server-rendered SVG. No ORM, no markup here; the
axis's dates are written in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils import dateformat
from django.utils.translation import get_language

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
    axes: bool = True  # labelled with dates and values (the ticks are worked out only then)


# The measure page's full chart, with room for both axes' labels.
FULL = Frame(720, 320, 56, 16, 16, 40)
# A dashboard's small chart: the same lines and dots, no axis labels.
SMALL = Frame(240, 72, 4, 4, 6, 6, axes=False)


@dataclass(slots=True)  # made by the thousand: a frozen init costs twice as much
class Dot:
    x: float
    y: float
    css: str  # spc-common, spc-improvement, spc-concern, spc-neutral, spc-none
    point: Point

    @property
    def label(self) -> str:
        # Worked out only where a chart shows it: a small chart of a year of days has no labels.
        p = self.point
        return f"{p.date or p.index + 1}: {p.value:g} — {_describe(p)}"


def _describe(p: Point) -> str:
    """The point's description, translated once per kind of point and language, not once per
    point: a crowded chart labels hundreds."""
    key = (get_language(), p.point_type, p.direction, p.rule, p.ghost)
    words = _DESCRIPTIONS.get(key)
    if words is None:
        words = _DESCRIPTIONS[key] = p.description
    return words


_DESCRIPTIONS: dict[tuple[object, ...], str] = {}


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
    # Each point as its own circle with its words; on a crowded chart only the special-cause
    # and ghosted points (up to MAX_LABELLED), the rest drawn together in ``dot_paths``.
    dots: list[Dot]
    means: list[Line]
    limits: list[Line]
    target: Line | None
    markers: list[Marker]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    dot_paths: list[DotPath]
    dot_size: float  # the dots' diameter: smaller as the points crowd together
    # A target that changes over time, as steps (instead of ``target``).
    target_path: str = ""
    # How many points are drawn together (0: every point is its own circle).
    drawn_together: int = 0
    # The sections' two-sigma lines (where the rules give them).
    sigmas: list[Line] = field(default_factory=list)


# More points than this and the full chart draws common-cause points together, one mark per
# pixel they share, and the line through their lowest and highest in each pixel column.
MAX_SEPARATE = 600
# At most this many points keep their own circle and words on a crowded chart.
MAX_LABELLED = 150


def _css(p: Point) -> str:
    if p.ghost:
        return "spc-ghost"
    return f"spc-{p.point_type.replace('_cause', '').replace('no_limits', 'none')}"


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

    # Inline arithmetic, plain lists and one class name per kind of point: thousands of points
    # (a crowded chart makes a Dot only for the points that keep their own circle).
    x0, sx = float(frame.left), (plot_w / (n - 1) if n > 1 else 0.0)
    if n == 1:
        x0 += plot_w / 2
    y0, sy = frame.top + plot_h * (1 + lo / (hi - lo)), plot_h / (hi - lo)
    css: dict[tuple[str, bool], str] = {}
    xs = [round(x0 + sx * p.index, 1) for p in points]
    ys = [round(y0 - sy * p.value, 1) for p in points]
    kinds = [
        css.get((p.point_type, p.ghost)) or css.setdefault((p.point_type, p.ghost), _css(p))
        for p in points
    ]
    crowded = frame is FULL and n > MAX_SEPARATE
    columns = [round(x) for x in xs] if crowded else []  # each point's pixel column
    # Each point's "x,y", written once for the line and its dot alike.
    at = [] if crowded else [f"{x},{y}" for x, y in zip(xs, ys, strict=True)]
    path = _column_path(points, xs, ys, columns) if crowded else "M" + " L".join(at)
    means, limits, sigmas = [], [], []
    for seg in result.segments:
        if seg.mean is None:
            continue
        x1, x2 = x(seg.start), x(seg.end - 1)
        means.append(Line(x1, y(seg.mean), x2, y(seg.mean)))
        # T and G charts may have an upper limit without a lower one.
        for limit in (seg.upper_limit, seg.lower_limit):
            if limit is not None:
                limits.append(Line(x1, y(limit), x2, y(limit)))
        for sigma in (seg.upper_two_sigma, seg.lower_two_sigma):
            if sigma is not None and frame is FULL:
                sigmas.append(Line(x1, y(sigma), x2, y(sigma)))
    target = None
    target_path = ""
    point_targets = [p.target for p in points]
    if len({t for t in point_targets if t is not None}) > 1:
        steps: list[str] = []
        for p in points:
            if p.target is not None:
                move = "L" if steps and points[p.index - 1].target is not None else "M"
                steps.append(f"{move}{x(p.index)},{y(p.target)}")
        target_path = "".join(steps)
    elif result.target is not None:
        t = y(float(result.target))
        target = Line(x(0), t, x(n - 1), t)
    markers = []
    for day, label in annotations:
        index = next((p.index for p in points if p.date and p.date >= day), None)
        if index is not None:
            markers.append(Marker(x(index), label))
    y_ticks: list[tuple[float, str]] = []
    x_ticks: list[tuple[float, str]] = []
    if frame.axes:
        y_ticks = [(y(lo + (hi - lo) * k / 4), f"{lo + (hi - lo) * k / 4:.3g}") for k in range(5)]
        step = max(1, n // 6)
        x_ticks = [
            (x(p.index), dateformat.format(p.date, "d M y") if p.date else str(p.index + 1))
            for p in points[::step]
        ]
    by_css: dict[str, list[str]] = {}
    drawn_together = 0
    if crowded:
        # Every special-cause and ghosted point stays visible; the first MAX_LABELLED of them
        # (the latest first) keep their words, the rest are drawn with the crowd: one mark for
        # each kind of point in each pixel.
        marked = [k for k in range(n - 1, -1, -1) if points[k].special_cause or points[k].ghost]
        kept = sorted(marked[:MAX_LABELLED], key=lambda k: points[k].index)
        dots = [Dot(xs[k], ys[k], kinds[k], points[k]) for k in kept]
        labelled = {points[k].index for k in kept}
        seen: set[tuple[str, int, int]] = set()
        for k, p in enumerate(points):
            if p.index in labelled:
                continue
            drawn_together += 1
            key = (kinds[k], columns[k], round(ys[k]))
            if key not in seen:
                seen.add(key)
                by_css.setdefault(kinds[k], []).append(f"M{xs[k]},{ys[k]}h0")
    else:
        dots = [Dot(*dot) for dot in zip(xs, ys, kinds, points, strict=True)]
        for xy, kind in zip(at, kinds, strict=True):
            by_css.setdefault(kind, []).append(f"M{xy}h0")
    dot_paths = [DotPath(css, "".join(moves)) for css, moves in by_css.items()]
    dot_size = round(max(1.5, min(5.0, plot_w / n)), 1)
    return Geometry(
        frame.width, frame.height, path, dots, means, limits, target, markers, y_ticks, x_ticks,
        dot_paths, dot_size, target_path, drawn_together, sigmas,
    )  # fmt: skip


def _column_path(
    points: Sequence[Point], xs: list[float], ys: list[float], columns: list[int]
) -> str:
    """The line through many points: in each pixel column, its first, lowest, highest and last
    point — the shape of the series, in a few vertices per pixel however many points. ``xs``
    and ``ys``: the points' coordinates; ``columns``: their pixel columns."""
    moves: list[str] = []
    start = 0  # the first point of the current column
    n = len(points)
    for end in range(1, n + 1):
        if end < n and columns[end] == columns[start]:
            continue
        column = ys[start:end]
        # The first of the lowest and the first of the highest, as min() and max() pick.
        low = start + column.index(min(column))
        high = start + column.index(max(column))
        keep = {points[k].index: k for k in (start, low, high, end - 1)}
        for index in sorted(keep):
            k = keep[index]
            moves.append(f"{'L' if moves else 'M'}{xs[k]},{ys[k]}")
        start = end
    return "".join(moves)
