"""The drawing: one list of primitives, rendered to SVG and to PNG."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from PIL import Image

from ideas.maps import calc
from ideas.maps import drawing as draw
from tests.ideas.maps.test_calc import learning_to_see_map, manufacturing_map

SVG = "{http://www.w3.org/2000/svg}"


def drawing(bursts: bool = False) -> draw.Drawing:
    m = manufacturing_map()
    result = calc.compute(m)
    steps = [
        draw.DrawStep(
            name=s.name,
            data_lines=(f"C/T {s.cycle_s} s",),
            bursts=(("Quick changeover", "/ideas/7/"),) if bursts and i == 0 else (),
        )
        for i, s in enumerate(m.steps)
    ]
    return draw.build(
        name="Brackets",
        customer="Assembly plant",
        supplier="Steel coils",
        steps=steps,
        result=result,
        demand_text="Demand 18,400 a month",
    )


def test_the_svg_has_a_title_a_description_and_no_style_attributes():
    svg = draw.to_svg(drawing(), id_prefix="m1")
    root = ET.fromstring(svg)  # noqa: S314 — our own output
    assert root.find(f"{SVG}title").text == "Value-stream map: Brackets"
    desc = root.find(f"{SVG}desc").text
    assert (
        "3 steps from Steel coils to Assembly plant" in desc
        and "Slower than takt: Assemble." in desc
    )
    assert root.get("aria-labelledby") == "m1-title m1-desc"
    assert "style=" not in svg


def test_process_boxes_waits_and_the_bottleneck_are_drawn():
    root = ET.fromstring(draw.to_svg(drawing()))  # noqa: S314 — our own output
    steps = root.findall(f".//{SVG}rect[@class='vsm-step']")
    hot = root.findall(f".//{SVG}rect[@class='vsm-step vsm-step--bottleneck']")
    assert len(steps) == 2 and len(hot) == 1 and hot[0].get("stroke") == draw.BAD
    # Three queues in front of steps and the finished goods after the last.
    assert len(root.findall(f".//{SVG}polygon[@class='vsm-wait']")) == 4
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "5 d of demand" in texts and "3 d of demand" in texts
    assert (
        "Lead time 11.35 days" in texts
        and "Process time 182 s (3.0 min)" in texts
        and "PCE 0.029 %" in texts
    )


def test_a_kaizen_burst_links_to_its_idea():
    root = ET.fromstring(draw.to_svg(drawing(bursts=True)))  # noqa: S314 — our own output
    link = root.find(f".//{SVG}a")
    assert link.get("href") == "/ideas/7/"
    assert link.find(f"{SVG}polygon").get("class") == "vsm-burst"


def test_a_drawing_with_stars_is_one_figure_whose_links_stay_out_of_the_tab_order():
    root = ET.fromstring(draw.to_svg(drawing(bursts=True)))  # noqa: S314 — our own output
    assert root.get("role") == "figure"  # an image's content is presentational: no links in it
    (shapes,) = root.findall(f"{SVG}g")
    assert shapes.get("aria-hidden") == "true"  # it reads as its title and description alone
    assert [a.get("tabindex") for a in root.iter(f"{SVG}a")] == ["-1"]


def test_the_png_is_painted_from_the_same_primitives():
    d = drawing()
    png = draw.to_png(d, scale=2)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (int(d.width * 2), int(d.height * 2))
    # The bottleneck box is filled in the bottleneck colour where the drawing puts it.
    box = next(p for p in d.items if isinstance(p, draw.Rect) and "bottleneck" in p.cls)
    inside = image.getpixel((int((box.x + box.w - 4) * 2), int((box.y + box.h - 4) * 2)))
    assert inside == (0xFD, 0xE8, 0xE7)


def test_the_timeline_ladder_reads_long_waits_in_days_and_steps_in_clock_time():
    texts = [p.text for p in drawing().items if isinstance(p, draw.Text)]
    # Waits of 5, 2, 1.35 and 3 working days above; process times of 30, 90, 62 s below.
    for label in ("5 d", "2 d", "1.35 d", "3 d", "30 s", "90 s", "62 s"):
        assert label in texts


def test_the_textbook_map_draws_one_hot_box_seconds_totals_and_no_rolled_ca():
    result = calc.compute(learning_to_see_map())
    d = draw.build(
        name="ACME Stamping",
        customer="State Street Assembly",
        supplier="Michigan Steel Co.",
        steps=[draw.DrawStep(name=s.name, data_lines=()) for s in result.steps],
        result=result,
        demand_text="Demand 18,400 a month",
    )
    hot = [p for p in d.items if isinstance(p, draw.Rect) and "bottleneck" in p.cls]
    assert len(hot) == 1
    texts = [p.text for p in d.items if isinstance(p, draw.Text)]
    assert "Process time 188 s (3.1 min)" in texts and "Rolled %C&A not recorded" in texts
    assert "1 s" in texts and "62 s" in texts  # the ladder, in the unit typed
    assert "Slower than takt: Assembly #1." in d.description
    assert "process time 188 s (3.1 min)" in d.description
    assert "rolled %C&A not recorded." in d.description
