"""The map drawn in the familiar value-stream form, built once as primitives and rendered to SVG
(for the page and download) and to PNG (Pillow) from the same list — so both always agree.

No ORM here: callers pass :class:`DrawStep` rows and the :class:`ideas.maps.calc.Result`. Its
words are in the active language: the drawing broadcast to a map's viewers is in the language of
the person whose edit it follows.
SVG output uses presentation attributes only (our CSP forbids style attributes).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from django.utils.translation import gettext, ngettext

from ideas.maps import calc

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont
    from PIL.ImageFont import ImageFont as BitmapFont

INK = "#1b1f23"
MUTED = "#4a5560"
LINE = "#6b7785"
PAPER = "#ffffff"
WASH = "#f3f5f7"
BRAND = "#005a8c"
BAD = "#b3261e"
BAD_WASH = "#fde8e7"
BURST = "#ffbf47"

MARGIN = 20
BOX_W = 156
GAP = 84
PROC_Y = 150
PROC_H = 46
LINE_H = 15
TOTALS_W = 200
FLOW_Y = PROC_Y + PROC_H - 8  # the flow arrows run under the wait triangles


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str = PAPER
    stroke: str = INK
    width: float = 1.5
    cls: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = INK
    width: float = 1.5
    cls: str = ""


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str = PAPER
    stroke: str = INK
    width: float = 1.5
    cls: str = ""
    href: str = ""
    title: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: int = 12
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    fill: str = INK
    cls: str = ""


Primitive = Rect | Line | Polygon | Text


@dataclass(frozen=True)
class DrawStep:
    name: str
    data_lines: tuple[str, ...]
    bursts: tuple[tuple[str, str], ...] = ()  # (idea title, url)


@dataclass
class Drawing:
    width: float
    height: float
    title: str
    description: str
    items: list[Primitive] = field(default_factory=list)


@dataclass(frozen=True)
class _Words:
    """What the drawing writes by each step, translated once per drawing rather than once per
    step: a long map has hundreds of labels, and each lookup costs more than the drawing."""

    waiting: str
    of_demand: str
    slower_than_takt: str
    kaizen: str
    elapsed: str

    @classmethod
    def translated(cls) -> _Words:
        return cls(
            waiting=gettext("%(number)s waiting"),
            of_demand=gettext("%(number)s d of demand"),
            slower_than_takt=gettext("Slower than takt"),
            kaizen=gettext("Kaizen: %(title)s"),
            elapsed=gettext("elapsed %(time)s"),
        )


def _wait_label(w: calc.WaitResult, day_length_s: float, words: _Words) -> tuple[str, str]:
    if w.is_empty:
        return ("", "")
    if w.days_of_demand is not None:
        return (
            words.waiting % {"number": calc.fmt_num(w.quantity or 0)},
            words.of_demand % {"number": calc.fmt_num(w.days_of_demand, 2)},
        )
    return (_rung(w.seconds, day_length_s), "")


def _rung(seconds: float, day_length_s: float) -> str:
    """Long waits read in days of the map's day convention; short ones in clock time."""
    if seconds >= day_length_s / 4:
        return f"{calc.fmt_num(seconds / day_length_s, 2)} d"
    return calc.fmt_duration(seconds)


def _triangle(cx: float, top: float, size: float = 34) -> tuple[tuple[float, float], ...]:
    return ((cx, top), (cx + size / 2, top + size * 0.87), (cx - size / 2, top + size * 0.87))


def _factory(x: float, y: float, w: float = 120, h: float = 56) -> tuple[tuple[float, float], ...]:
    tooth = w / 3
    return (
        (x, y + h),
        (x, y + 16),
        (x + tooth, y),
        (x + tooth, y + 16),
        (x + 2 * tooth, y),
        (x + 2 * tooth, y + 16),
        (x + w, y),
        (x + w, y + h),
    )


def _burst(cx: float, cy: float, r: float = 13) -> tuple[tuple[float, float], ...]:
    import math

    points = []
    for k in range(16):
        radius = r if k % 2 == 0 else r * 0.55
        angle = math.pi * k / 8
        points.append(
            (round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2))
        )
    return tuple(points)


def build(
    *,
    name: str,
    customer: str,
    supplier: str,
    steps: list[DrawStep],
    result: calc.Result,
    demand_text: str,
    information_flows: str = "",
) -> Drawing:
    """Lay the map out left to right: supplier and customer on top, process boxes with their
    data boxes, a wait triangle in front of each box and after the last, the timeline ladder
    underneath with the totals at its end."""
    n = len(steps)
    data_lines = max((len(s.data_lines) for s in steps), default=0)
    data_h = data_lines * LINE_H + 10
    ladder_top = PROC_Y + PROC_H + data_h + 48
    ladder_bottom = ladder_top + 34
    end_x = MARGIN + n * (GAP + BOX_W) + GAP
    width = max(end_x + TOTALS_W + 2 * MARGIN, 640)
    height = ladder_bottom + 40
    bottlenecks = [s.name for s in result.bottlenecks]
    description = " ".join(
        [
            ngettext(
                "Value-stream map of %(name)s: %(count)s step from %(supplier)s to %(customer)s.",
                "Value-stream map of %(name)s: %(count)s steps from %(supplier)s to %(customer)s.",
                n,
            )
            % {
                "name": name,
                "count": n,
                "supplier": supplier or gettext("the start"),
                "customer": customer,
            },
            gettext("Takt time %(takt)s.") % {"takt": calc.fmt_duration(result.takt_s)},
            gettext(
                "Lead time %(lead_time)s, process time %(process_time)s, "
                "process cycle efficiency %(pce)s, rolled %%C&A %(rolled_ca)s."
            )
            % {
                "lead_time": calc.fmt_days(result.lead_time_s, result.day_length_s),
                "process_time": calc.fmt_total(result.process_time_s, result.process_unit),
                "pce": calc.fmt_pct(result.pce),
                "rolled_ca": calc.fmt_rolled_ca(result.rolled_ca),
            },
            gettext("Slower than takt: %(steps)s.") % {"steps": ", ".join(bottlenecks)}
            if bottlenecks
            else gettext("No step is slower than takt."),
        ]
    )
    d = Drawing(
        width=width,
        height=height,
        title=gettext("Value-stream map: %(name)s") % {"name": name},
        description=description,
    )
    add = d.items.append
    words = _Words.translated()

    add(Text(MARGIN, 22, name, size=16, bold=True))
    add(
        Text(
            MARGIN,
            42,
            gettext("%(demand)s · takt %(takt)s")
            % {"demand": demand_text, "takt": calc.fmt_duration(result.takt_s)},
            size=12,
            fill=MUTED,
        )
    )
    if information_flows:
        # The information flow runs along the top, between supplier and customer, as on paper.
        add(Line(MARGIN + 130, 86, width - MARGIN - 130, 86, stroke=BRAND, width=1, cls="vsm-info"))
        add(
            Text(
                width / 2,
                80,
                gettext("Information: %(flows)s")
                % {"flows": _clip(" ".join(information_flows.split()), 110)},
                anchor="middle",
                size=11,
                fill=BRAND,
            )
        )

    # Supplier (left) and customer (right), joined to the flow.
    add(Polygon(_factory(MARGIN, 58), fill=WASH, cls="vsm-supplier"))
    add(
        Text(MARGIN + 60, 132, _clip(supplier or gettext("Supplier"), 20), anchor="middle", size=12)
    )
    cust_x = width - MARGIN - 120
    add(Polygon(_factory(cust_x, 58), fill=WASH, cls="vsm-customer"))
    add(Text(cust_x + 60, 132, _clip(customer, 20), anchor="middle", size=12))
    add(Text(cust_x + 60, 100, gettext("Customer"), anchor="middle", size=11, fill=MUTED))
    add(Text(MARGIN + 60, 100, gettext("Supplier"), anchor="middle", size=11, fill=MUTED))

    x = MARGIN
    ladder_x = MARGIN
    for i, (step, r) in enumerate(zip(steps, result.steps, strict=True)):
        # The wait in front of the step: a triangle, its figure, and the high rung of the ladder.
        wait_cx = x + GAP / 2
        top, bottom = _wait_label(r.wait_before, result.day_length_s, words)
        if not r.wait_before.is_empty:
            add(Polygon(_triangle(wait_cx, PROC_Y - 4), cls="vsm-wait"))
            add(Text(wait_cx, PROC_Y + 21, "I", anchor="middle", size=12, bold=True))
            add(Text(wait_cx, PROC_Y + 58, top, anchor="middle", size=10))
            if bottom:
                add(Text(wait_cx, PROC_Y + 72, bottom, anchor="middle", size=10, fill=MUTED))
        add(Line(x + 8, FLOW_Y, x + GAP - 6, FLOW_Y, stroke=LINE, width=1))
        add(
            Polygon(
                (
                    (x + GAP - 6, FLOW_Y - 4),
                    (x + GAP, FLOW_Y),
                    (x + GAP - 6, FLOW_Y + 4),
                ),
                fill=LINE,
                stroke=LINE,
                width=1,
            )
        )
        add(Line(ladder_x, ladder_top, ladder_x + GAP, ladder_top, cls="vsm-ladder"))
        add(
            Text(
                ladder_x + GAP / 2,
                ladder_top - 6,
                _rung(r.wait_before.seconds, result.day_length_s),
                anchor="middle",
                size=10,
            )
        )

        # The process box, its data box, and the low rung of the ladder.
        bx = x + GAP
        hot = r.is_bottleneck
        add(
            Rect(
                bx,
                PROC_Y,
                BOX_W,
                PROC_H,
                fill=BAD_WASH if hot else WASH,
                stroke=BAD if hot else INK,
                width=3 if hot else 1.5,
                cls="vsm-step vsm-step--bottleneck" if hot else "vsm-step",
            )
        )
        add(
            Text(
                bx + BOX_W / 2,
                PROC_Y + 19,
                _clip(step.name, 22),
                anchor="middle",
                size=12,
                bold=True,
            )
        )
        add(Text(bx + BOX_W / 2, PROC_Y + 36, f"{i + 1}", anchor="middle", size=10, fill=MUTED))
        if hot:
            add(Text(bx + 4, PROC_Y - 6, words.slower_than_takt, size=10, bold=True, fill=BAD))
        add(
            Rect(
                bx, PROC_Y + PROC_H, BOX_W, data_h, fill=PAPER, stroke=LINE, width=1, cls="vsm-data"
            )
        )
        for k, text in enumerate(step.data_lines):
            add(Text(bx + 6, PROC_Y + PROC_H + 16 + k * LINE_H, _clip(text, 26), size=10))
        for k, (title, url) in enumerate(step.bursts[:3]):
            add(
                Polygon(
                    _burst(bx + BOX_W - 12 - k * 24, PROC_Y - 10),
                    fill=BURST,
                    stroke=INK,
                    width=1,
                    cls="vsm-burst",
                    href=url,
                    title=words.kaizen % {"title": title},
                )
            )
        add(Line(ladder_x + GAP, ladder_top, ladder_x + GAP, ladder_bottom, cls="vsm-ladder"))
        add(
            Line(
                ladder_x + GAP,
                ladder_bottom,
                ladder_x + GAP + BOX_W,
                ladder_bottom,
                cls="vsm-ladder",
            )
        )
        add(
            Line(
                ladder_x + GAP + BOX_W,
                ladder_bottom,
                ladder_x + GAP + BOX_W,
                ladder_top,
                cls="vsm-ladder",
            )
        )
        add(
            Text(
                ladder_x + GAP + BOX_W / 2,
                ladder_bottom + 15,
                calc.fmt_typed(r.process_s, r.process_unit),
                anchor="middle",
                size=10,
            )
        )
        if r.lead_s != r.process_s:
            add(
                Text(
                    ladder_x + GAP + BOX_W / 2,
                    ladder_bottom - 8,
                    words.elapsed % {"time": _rung(r.lead_s, result.day_length_s)},
                    anchor="middle",
                    size=10,
                    fill=MUTED,
                )
            )
        x += GAP + BOX_W
        ladder_x += GAP + BOX_W

    # After the last step: finished work waiting, then the customer.
    wait_cx = x + GAP / 2
    if not result.wait_after.is_empty:
        top, bottom = _wait_label(result.wait_after, result.day_length_s, words)
        add(Polygon(_triangle(wait_cx, PROC_Y - 4), cls="vsm-wait"))
        add(Text(wait_cx, PROC_Y + 21, "I", anchor="middle", size=12, bold=True))
        add(Text(wait_cx, PROC_Y + 58, top, anchor="middle", size=10))
        if bottom:
            add(Text(wait_cx, PROC_Y + 72, bottom, anchor="middle", size=10, fill=MUTED))
    add(Line(ladder_x, ladder_top, ladder_x + GAP, ladder_top, cls="vsm-ladder"))
    add(
        Text(
            ladder_x + GAP / 2,
            ladder_top - 6,
            _rung(result.wait_after.seconds, result.day_length_s),
            anchor="middle",
            size=10,
        )
    )
    add(Line(MARGIN + 8, 138, MARGIN + 8, FLOW_Y, stroke=LINE, width=1))
    add(Line(x + GAP, FLOW_Y, cust_x + 60, FLOW_Y, stroke=LINE, width=1))
    add(Line(cust_x + 60, FLOW_Y, cust_x + 60, 138, stroke=LINE, width=1))

    # The totals at the end of the ladder.
    tx = end_x + MARGIN
    add(Rect(tx, ladder_top - 30, TOTALS_W, 84, fill=WASH, stroke=INK, width=1.5, cls="vsm-totals"))
    add(
        Text(
            tx + 8,
            ladder_top - 12,
            gettext("Lead time %(time)s")
            % {"time": calc.fmt_days(result.lead_time_s, result.day_length_s)},
            size=11,
            bold=True,
        )
    )
    add(
        Text(
            tx + 8,
            ladder_top + 6,
            gettext("Process time %(time)s")
            % {"time": calc.fmt_total(result.process_time_s, result.process_unit)},
            size=11,
            bold=True,
        )
    )
    # Translators: PCE is process cycle efficiency, in a value-stream map's totals.
    pce = gettext("PCE %(pct)s") % {"pct": calc.fmt_pct(result.pce)}
    add(Text(tx + 8, ladder_top + 24, pce, size=11))
    rolled_ca = gettext("Rolled %%C&A %(pct)s") % {"pct": calc.fmt_rolled_ca(result.rolled_ca)}
    add(Text(tx + 8, ladder_top + 42, rolled_ca, size=11))
    return d


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Renderers -----------------------------------------------------------------------------------

_ANCHOR_SVG = {"start": "start", "middle": "middle", "end": "end"}


def to_svg(d: Drawing, *, id_prefix: str = "vsm") -> str:
    """SVG markup with a <title> and <desc>; attributes and classes only, no style attributes.
    To assistive technology the drawing is one figure, named and described by them."""
    # A figure, not an image: an image's content is presentational, and links (the stars) inside
    # one are nested controls. The shapes are hidden instead, so it still reads as one picture.
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vsm-drawing" width="{_n(d.width)}" '
        f'height="{_n(d.height)}" viewBox="0 0 {_n(d.width)} {_n(d.height)}" role="figure" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family="sans-serif">',
        f'<title id="{id_prefix}-title">{escape(d.title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(d.description)}</desc>',
        '<g aria-hidden="true">',
        f'<rect x="0" y="0" width="{_n(d.width)}" height="{_n(d.height)}" fill="{PAPER}"/>',
    ]
    for p in d.items:
        cls = f' class="{p.cls}"' if p.cls else ""
        if isinstance(p, Rect):
            out.append(
                f'<rect x="{_n(p.x)}" y="{_n(p.y)}" width="{_n(p.w)}" height="{_n(p.h)}" '
                f'fill="{p.fill}" stroke="{p.stroke}" stroke-width="{_n(p.width)}"{cls}/>'
            )
        elif isinstance(p, Line):
            out.append(
                f'<line x1="{_n(p.x1)}" y1="{_n(p.y1)}" x2="{_n(p.x2)}" y2="{_n(p.y2)}" '
                f'stroke="{p.stroke}" stroke-width="{_n(p.width)}"{cls}/>'
            )
        elif isinstance(p, Polygon):
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in p.points)
            shape = (
                f'<polygon points="{points}" fill="{p.fill}" stroke="{p.stroke}" '
                f'stroke-width="{_n(p.width)}"{cls}>'
                + (f"<title>{escape(p.title)}</title>" if p.title else "")
                + "</polygon>"
            )
            if p.href:
                # Out of the tab order (as hidden content must be): the drawing is one figure to
                # assistive technology, and the same links sit beside each step in the step list.
                shape = (
                    f'<a href="{escape(p.href)}" tabindex="-1" aria-label="{escape(p.title)}">'
                    f"{shape}</a>"
                )
            out.append(shape)
        elif isinstance(p, Text):
            weight = ' font-weight="bold"' if p.bold else ""
            out.append(
                f'<text x="{_n(p.x)}" y="{_n(p.y)}" font-size="{p.size}" '
                f'text-anchor="{_ANCHOR_SVG[p.anchor]}" fill="{p.fill}"{weight}{cls}>'
                f"{escape(p.text)}</text>"
            )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# DejaVu covers the dashes, arrows and accents people type; Pillow's own font is the fallback.
SYSTEM_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_ANCHOR_PIL = {"start": "ls", "middle": "ms", "end": "rs"}


def to_png(d: Drawing, *, scale: float = 1.0) -> bytes:
    """The same primitives painted with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (int(d.width * scale), int(d.height * scale)), PAPER)
    draw = ImageDraw.Draw(img)
    fonts: dict[int, FreeTypeFont | BitmapFont] = {}

    def font(size: int) -> FreeTypeFont | BitmapFont:
        if size not in fonts:
            px = max(1, round(size * scale))
            try:
                fonts[size] = ImageFont.truetype(SYSTEM_FONT, px)
            except OSError:
                fonts[size] = ImageFont.load_default(size=px)
        return fonts[size]

    def s(v: float) -> float:
        return v * scale

    for p in d.items:
        if isinstance(p, Rect):
            draw.rectangle(
                (s(p.x), s(p.y), s(p.x + p.w), s(p.y + p.h)),
                fill=p.fill,
                outline=p.stroke,
                width=max(1, round(p.width * scale)),
            )
        elif isinstance(p, Line):
            draw.line(
                (s(p.x1), s(p.y1), s(p.x2), s(p.y2)),
                fill=p.stroke,
                width=max(1, round(p.width * scale)),
            )
        elif isinstance(p, Polygon):
            draw.polygon(
                [(s(x), s(y)) for x, y in p.points],
                fill=p.fill,
                outline=p.stroke,
                width=max(1, round(p.width * scale)),
            )
        elif isinstance(p, Text):
            draw.text(
                (s(p.x), s(p.y)),
                p.text,
                fill=p.fill,
                font=font(p.size),
                anchor=_ANCHOR_PIL[p.anchor],
                stroke_width=0,
            )
    buffer = io.BytesIO()
    # A line drawing on white compresses well even at a low level; level 6 is several times slower.
    img.save(buffer, format="PNG", compress_level=2)
    return buffer.getvalue()
