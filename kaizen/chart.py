"""Turn cumulative-flow counts into coordinates for a server-rendered SVG. No ORM, no markup;
the axis's dates are written in the reader's language.

One band per column, stacked in reverse board order so the finishing column sits at the bottom
(the usual way to draw a cumulative flow diagram): its top edge climbs as work gets done, and
the height of everything above it is the work still on the board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import ceil

from django.utils import dateformat

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
# Patterns and fills are defined for this many bands; more columns than this reuse them, and
# each band still carries its name on the chart and in the legend.
STYLES = 6
# A band this many pixels thick or more has room for its name written inside it.
LABEL_ROOM = 14


@dataclass(frozen=True)
class Band:
    column_id: int
    name: str
    style: int  # 0 for the bottom band (the finishing column), counting up
    path: str  # the closed outline: top edge left to right, bottom edge right to left
    tops: list[float]  # y of the top edge on each day
    bottoms: list[float]  # y of the bottom edge on each day
    first: int  # cards in the column on the first day
    latest: int  # cards in the column on the last day
    label: tuple[float, float] | None  # where the name fits inside the band, if anywhere


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    top: int
    bottom: int  # y of the plot's bottom edge (the x axis)
    bands: list[Band]  # bottom band first
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    start: date
    end: date
    total_first: int
    total_latest: int

    @property
    def middle(self) -> float:
        """Halfway up the plot, where the y axis's title goes."""
        return (self.top + self.bottom) / 2

    @property
    def legend(self) -> list[Band]:
        """Bands top first: the order they are stacked on screen, and the board's order."""
        return self.bands[::-1]


def _nice_step(largest: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that splits 0..largest into at most five steps."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if ceil(largest / step) <= 5:
                return step
        magnitude *= 10


def _day(d: date) -> str:
    """The day and the month's short name in the reader's language ("3 Mar" in English)."""
    return dateformat.format(d, "j M")


def geometry(
    rows: list[tuple[date, dict[int, int]]], columns: list[tuple[int, str]]
) -> Geometry | None:
    """Stacked bands for ``rows`` (day, cards per column id) over ``columns`` (id, name) in board
    order. None when no card was ever on the board in the window: there is no flow to draw."""
    if not rows or not columns:
        return None
    totals = [sum(counts.get(cid, 0) for cid, _ in columns) for _, counts in rows]
    largest = max(totals)
    if largest == 0:
        return None
    step = _nice_step(largest)
    ceiling = step * ceil(largest / step)
    n = len(rows)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot_w, plot_h = right - LEFT, bottom - TOP

    def x(i: int) -> float:
        # A single day is drawn across the whole width rather than as a sliver.
        return round(LEFT + plot_w * (i / (n - 1) if n > 1 else 0), 1)

    def y(count: float) -> float:
        return round(bottom - plot_h * count / ceiling, 1)

    xs = [x(i) for i in range(n)] if n > 1 else [float(LEFT), float(right)]
    per_day = [counts for _, counts in rows] if n > 1 else [rows[0][1]] * 2
    beneath = [0] * len(xs)
    bands: list[Band] = []
    for style, (column_id, name) in enumerate(reversed(columns)):
        counts = [c.get(column_id, 0) for c in per_day]
        above = [b + c for b, c in zip(beneath, counts, strict=True)]
        tops = [y(v) for v in above]
        bottoms = [y(v) for v in beneath]
        outline = [f"{px:g},{py:g}" for px, py in zip(xs, tops, strict=True)]
        outline += [f"{px:g},{py:g}" for px, py in zip(xs[::-1], bottoms[::-1], strict=True)]
        bands.append(
            Band(
                column_id=column_id,
                name=name,
                style=style % STYLES,
                path="M" + " L".join(outline) + " Z",
                tops=tops,
                bottoms=bottoms,
                first=counts[0],
                latest=counts[-1],
                label=_label_spot(xs, tops, bottoms, counts),
            )
        )
        beneath = above
    every = max(1, ceil(n / 6))
    x_ticks = [(x(i), _day(rows[i][0])) for i in range(0, n, every)]
    y_ticks = [(y(v), str(v)) for v in range(0, ceiling + 1, step)]
    return Geometry(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        bands=bands,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        start=rows[0][0],
        end=rows[-1][0],
        total_first=totals[0],
        total_latest=totals[-1],
    )


def _label_spot(
    xs: list[float], tops: list[float], bottoms: list[float], counts: list[int]
) -> tuple[float, float] | None:
    """The middle of the band on its thickest day away from the plot's edges (the latest such
    day on a tie), if the band is thick enough there for a line of text."""
    inner = [i for i, px in enumerate(xs) if LEFT + 48 <= px <= WIDTH - RIGHT - 48]
    if not inner:
        # Too few days for any to sit clear of the edges: the straight band's midpoint.
        x, top, bottom = (
            (xs[0] + xs[-1]) / 2,
            (tops[0] + tops[-1]) / 2,
            (bottoms[0] + bottoms[-1]) / 2,
        )
    else:
        best = max(inner, key=lambda i: (counts[i], i))
        x, top, bottom = xs[best], tops[best], bottoms[best]
    if bottom - top < LABEL_ROOM:
        return None
    return round(x, 1), round((top + bottom) / 2, 1)
