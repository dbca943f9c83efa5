from __future__ import annotations

from datetime import date, timedelta

import pytest

from kaizen import chart

COLUMNS = [(1, "To try"), (2, "Doing"), (3, "Done")]
D0 = date(2026, 3, 1)


def _rows(*days: dict[int, int]) -> list[tuple[date, dict[int, int]]]:
    return [(D0 + timedelta(days=i), counts) for i, counts in enumerate(days)]


def _cards_on(g: chart.Geometry, band: chart.Band, day: int) -> float:
    """Turn a band's pixel height back into cards, through the y axis's own ticks."""
    (y0, _), (y1, step) = g.y_ticks[:2]
    return round((band.bottoms[day] - band.tops[day]) / (y0 - y1) * int(step), 6)


def test_bands_stack_in_reverse_board_order_with_the_finished_column_at_the_bottom():
    g = chart.geometry(_rows({1: 3, 2: 1, 3: 0}, {1: 1, 2: 2, 3: 2}), COLUMNS)
    assert [b.name for b in g.bands] == ["Done", "Doing", "To try"]
    assert [b.name for b in g.legend] == ["To try", "Doing", "Done"]
    assert [b.style for b in g.bands] == [0, 1, 2]
    done, doing, to_try = g.bands
    # The bottom band sits on the x axis; each band's bottom edge is the top edge of the one below.
    assert done.bottoms == [g.bottom, g.bottom]
    assert doing.bottoms == done.tops and to_try.bottoms == doing.tops
    assert [_cards_on(g, b, 1) for b in g.bands] == [2, 2, 1]
    assert [_cards_on(g, b, 0) for b in g.bands] == [0, 1, 3]
    assert (done.first, done.latest, g.total_first, g.total_latest) == (0, 2, 4, 5)


def test_a_band_outline_runs_along_its_top_then_back_along_its_bottom():
    g = chart.geometry(_rows({1: 1, 2: 0, 3: 0}, {1: 0, 2: 1, 3: 0}, {1: 0, 2: 0, 3: 1}), COLUMNS)
    done = g.bands[0]
    assert (g.left, g.right, g.bottom) == (56, 704, 284)
    assert done.tops == [284, 284, g.top]
    assert done.path == "M56,284 L380,284 L704,16 L704,284 L380,284 L56,284 Z"


def test_when_cards_only_finish_the_done_edge_and_the_total_never_fall():
    # By day i, 3i cards have been added and i finished; nothing leaves the board.
    days = [{1: i, 2: i, 3: i} for i in range(1, 31)]
    g = chart.geometry(_rows(*days), COLUMNS)
    done, _, top = g.bands
    # y grows downwards: a rising count is a falling y.
    assert all(a >= b for a, b in zip(done.tops, done.tops[1:], strict=False))
    assert all(a >= b for a, b in zip(top.tops, top.tops[1:], strict=False))
    assert done.tops[-1] < done.tops[0] and top.tops[-1] < top.tops[0]


def test_the_y_axis_rounds_up_to_a_whole_step_and_the_tallest_day_fits():
    g = chart.geometry(_rows({1: 3, 2: 4, 3: 0}, {1: 13, 2: 4, 3: 0}), COLUMNS)
    assert [label for _, label in g.y_ticks] == ["0", "5", "10", "15", "20"]
    assert g.y_ticks[0][0] == g.bottom and g.y_ticks[-1][0] == g.top
    assert min(g.bands[-1].tops) >= g.top


def test_days_run_left_to_right_with_a_readable_number_of_labels():
    rows = _rows(*[{1: 1, 2: 0, 3: 0}] * 90)
    g = chart.geometry(rows, COLUMNS)
    xs = [x for x, _ in g.x_ticks]
    assert g.x_ticks[0] == (g.left, "1 Mar") and xs == sorted(xs) and len(xs) <= 7
    assert g.bands[0].tops and len(g.bands[0].tops) == 90
    assert (g.start, g.end) == (D0, D0 + timedelta(days=89))


def test_bands_thick_enough_are_named_inside_themselves_thin_ones_only_in_the_key():
    g = chart.geometry(_rows(*[{1: 20, 2: 1, 3: 0}] * 10), COLUMNS)
    done, doing, to_try = g.bands
    assert done.label is None and doing.label is None
    x, y = to_try.label
    assert g.left < x < g.right and max(to_try.tops) < y < min(to_try.bottoms)


def test_a_single_day_is_drawn_across_the_whole_width():
    g = chart.geometry(_rows({1: 1, 2: 1, 3: 10}), COLUMNS)
    done = g.bands[0]
    assert done.path.startswith(f"M{g.left},") and f"L{g.right}," in done.path
    assert done.label == (
        (g.left + g.right) / 2,
        pytest.approx((done.tops[0] + g.bottom) / 2, abs=0.1),
    )


def test_more_columns_than_patterns_reuse_them_in_turn():
    columns = [(i, f"Step {i}") for i in range(1, 9)]
    g = chart.geometry(_rows(dict.fromkeys(range(1, 9), 1)), columns)
    assert [b.style for b in g.bands] == [0, 1, 2, 3, 4, 5, 0, 1]


@pytest.mark.parametrize(
    "rows",
    [[], _rows({1: 0, 2: 0, 3: 0}, {1: 0, 2: 0, 3: 0})],
    ids=["no days", "no cards"],
)
def test_with_no_cards_there_is_nothing_to_draw(rows):
    assert chart.geometry(rows, COLUMNS) is None
