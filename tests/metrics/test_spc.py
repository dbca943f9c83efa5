"""The SPC module against NHSRplotthedots 0.2.x: its snapshot figures, its rule tests, and every
rule boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from metrics import spc

# R: set.seed(123); rnorm(20) — the series behind the package's own ptd_spc_standard snapshots.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def types(result: spc.SPCResult) -> list[str]:
    return [p.point_type for p in result.points]


def test_it_matches_the_package_snapshot_mean_and_limits():
    seg = spc.analyse(RNORM_123).segments[0]
    assert seg.mean == pytest.approx(0.1416238, abs=1e-7)
    assert seg.lower_limit == pytest.approx(-3.01138, abs=1e-5)
    assert seg.upper_limit == pytest.approx(3.294627, abs=1e-6)


def test_it_matches_the_package_snapshot_with_an_outlier_screened_and_unscreened():
    values = list(RNORM_123)
    values[14] = 10
    screened = spc.analyse(values).segments[0]
    assert screened.mean == pytest.approx(0.6694159, abs=1e-7)
    assert screened.lower_limit == pytest.approx(-2.383666, abs=1e-6)
    assert screened.upper_limit == pytest.approx(3.722497, abs=1e-6)
    unscreened = spc.analyse(values, screen_outliers=False).segments[0]
    assert unscreened.lower_limit == pytest.approx(-4.596625, abs=1e-6)
    assert unscreened.upper_limit == pytest.approx(5.935457, abs=1e-6)


def test_fixing_limits_on_the_first_twelve_points_changes_them_and_keeps_judging_later_points():
    fixed = spc.analyse(RNORM_123, fix_after_n_points=12).segments[0]
    assert fixed.mean == pytest.approx(sum(RNORM_123[:12]) / 12)
    assert fixed.fixed_on == 12
    assert fixed.lower_limit != spc.analyse(RNORM_123).segments[0].lower_limit


def test_it_refuses_to_fix_limits_on_fewer_than_twelve_points():
    with pytest.raises(ValueError, match="12"):
        spc.analyse(RNORM_123, fix_after_n_points=11)


def test_two_points_close_to_the_limits_on_opposite_sides_are_common_cause():
    # The package's own test: symmetrical data, then 5.5 and -5.5 as the last two points.
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    result = spc.analyse(values)
    assert types(result)[-2:] == ["common_cause", "common_cause"]


def test_a_point_above_the_upper_limit_is_special_cause_in_the_improvement_direction():
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 30]
    up = spc.analyse(values, improvement="increase")
    assert up.points[-1].rule == spc.OUTSIDE
    assert up.points[-1].point_type == "improvement"
    assert up.variation == "improvement_high"
    down = spc.analyse(values, improvement="decrease")
    assert down.variation == "concern_high"
    neutral = spc.analyse(values)
    assert neutral.variation == "neutral_high"


def test_a_run_of_seven_on_one_side_is_special_cause_and_six_is_not():
    base = [2, 0] * 6
    seven = spc.analyse([*base, 1.5, 1.3, 1.4, 1.3, 1.6, 1.3, 1.5], improvement="increase")
    assert [p.rule for p in seven.points[-7:]] == [spc.RUN_RULE] * 7
    assert seven.points[-7].point_type == "improvement"
    assert seven.points[-8].rule == ""
    six = spc.analyse([*base, 1.5, 1.3, 1.4, 1.3, 1.6, 1.3], improvement="increase")
    assert all(spc.RUN_RULE not in p.rules for p in six.points)


def test_a_point_exactly_on_the_mean_breaks_a_run():
    # Built so the mean is exactly 1 (29 / 29): the 1 splits eight high points into 4 and 4.
    highs = [1.5] * 4 + [1] + [1.5] * 4
    values = [0, 2] * 6 + highs + [0.5] * 8
    result = spc.analyse(values)
    assert result.segments[0].mean == 1
    assert all(spc.RUN_RULE not in p.rules for p in result.points[12:21])
    # The same series with the middle point just above the mean is a run of nine.
    values[16] = 1.5
    assert all(spc.RUN_RULE in p.rules for p in spc.analyse(values).points[12:21])


def test_a_trend_of_seven_rising_is_special_cause_and_a_tie_breaks_it():
    flat = [5, 5.2, 4.8, 5.1, 4.9, 5, 5.1, 4.9]
    rising = spc.analyse([*flat, 4.6, 4.7, 4.8, 4.9, 5.0, 5.1, 5.2], improvement="increase")
    assert [p.rule for p in rising.points[-7:]] == [spc.TREND] * 7
    assert rising.points[-1].point_type == "improvement"
    tied = spc.analyse([*flat, 4.6, 4.7, 4.8, 4.8, 5.0, 5.1, 5.2], improvement="increase")
    assert all(spc.TREND not in p.rules for p in tied.points)


def test_a_falling_trend_points_down_and_is_concern_when_higher_is_better():
    flat = [5, 5.2, 4.8, 5.1, 4.9, 5, 5.1, 4.9]
    falling = spc.analyse([*flat, 5.3, 5.2, 5.1, 5.0, 4.9, 4.8, 4.7], improvement="increase")
    assert [p.rule for p in falling.points[-7:]] == [spc.TREND] * 7
    assert {p.direction for p in falling.points[-7:]} == {-1}
    assert falling.variation == "concern_low"


def test_six_rising_points_are_not_a_trend():
    flat = [5, 5.2, 4.8, 5.1, 4.9, 5, 5.1, 4.9]
    result = spc.analyse([*flat, 4.7, 4.8, 4.9, 5.0, 5.1, 5.2])
    assert all(spc.TREND not in p.rules for p in result.points)


def _two_sigma_series(tail: list[float]) -> spc.SPCResult:
    return spc.analyse([10.0, 12.0] * 10 + tail, improvement="increase")


def test_two_of_three_beyond_two_sigma_on_the_same_side_is_special_cause():
    seg = spc.analyse([10, 12] * 10).segments[0]
    near = (seg.upper_two_sigma + seg.upper_limit) / 2
    # Appending changes the limits a little; pick values well inside the band either way.
    result = _two_sigma_series([11.5, near, near])
    seg = result.segments[0]
    assert seg.upper_two_sigma < near < seg.upper_limit
    assert [p.rule for p in result.points[-2:]] == [spc.TWO_OF_THREE] * 2
    # The third point of the window is on the same side but not beyond two sigma: not flagged.
    assert result.points[-3].rule == ""
    assert result.variation == "improvement_high"


def test_two_of_three_needs_all_three_on_the_same_side():
    seg = spc.analyse([10, 12] * 10).segments[0]
    near = (seg.upper_two_sigma + seg.upper_limit) / 2
    result = _two_sigma_series([near, 10.5, near])
    assert result.points[-2].value < result.segments[0].mean
    assert all(spc.TWO_OF_THREE not in p.rules for p in result.points)


def test_two_of_three_follows_the_package_window_examples():
    # ptd_part_of_two_in_three: c(1, 0, 0, 1) → nothing; c(1, 0, 0, 1, 1) → the last two.
    seg = spc.analyse([10, 12] * 10).segments[0]
    near = (seg.upper_two_sigma + seg.upper_limit) / 2
    same_side = 12
    gap = _two_sigma_series([near, same_side, same_side, near])
    assert all(spc.TWO_OF_THREE not in p.rules for p in gap.points)
    pair = _two_sigma_series([near, same_side, same_side, near, near])
    assert [spc.TWO_OF_THREE in p.rules for p in pair.points[-5:]] == [
        False,
        False,
        False,
        True,
        True,
    ]


def test_rebasing_gives_each_segment_its_own_limits_and_accepts_a_date():
    start = date(2026, 1, 5)
    dates = [start + timedelta(weeks=i) for i in range(24)]
    values = [20 + (i % 3) for i in range(12)] + [12 + (i % 3) for i in range(12)]
    result = spc.analyse(values, dates, improvement="decrease", rebase_at=[dates[12]])
    assert len(result.segments) == 2
    assert result.segments[0].mean == pytest.approx(21)
    assert result.segments[1].mean == pytest.approx(13)
    assert result.points[12].segment == 1
    by_index = spc.analyse(values, dates, improvement="decrease", rebase_at=[12])
    assert by_index.segments == result.segments


def test_unrebased_step_change_is_flagged_as_improvement_when_lower_is_better():
    values = [20 + (i % 3) for i in range(12)] + [12 + (i % 3) for i in range(12)]
    result = spc.analyse(values, improvement="decrease")
    assert result.points[-1].point_type == "improvement"
    assert result.variation == "improvement_low"


def test_dates_sort_the_series():
    d = [date(2026, 1, 3), date(2026, 1, 1), date(2026, 1, 2)]
    result = spc.analyse([3, 1, 2], d)
    assert [p.value for p in result.points] == [1, 2, 3]
    assert [p.date.day for p in result.points] == [1, 2, 3]


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("increase", 100, "fail"),
        ("decrease", 100, "pass"),
        ("increase", -100, "pass"),
        ("decrease", -100, "fail"),
        ("increase", 0.1, "hit_and_miss"),
        ("neutral", 100, None),
        ("increase", None, None),
    ],
)
def test_the_assurance_icon_compares_the_target_with_the_limits(improvement, target, expected):
    assert spc.analyse(RNORM_123, improvement=improvement, target=target).assurance == expected


def test_a_target_exactly_on_a_limit_is_hit_and_miss():
    seg = spc.analyse(RNORM_123).segments[0]
    result = spc.analyse(RNORM_123, improvement="increase", target=seg.upper_limit)
    assert result.assurance == "hit_and_miss"


@pytest.mark.parametrize("values", [[], [4.2]])
def test_too_few_points_give_a_clear_not_enough_data_state(values):
    result = spc.analyse(values, improvement="increase", target=3)
    assert not result.enough_data
    assert result.message.startswith("Not enough data")
    assert result.variation is None and result.assurance is None
    assert all(p.point_type == "no_limits" for p in result.points)


def test_all_equal_values_give_not_enough_data_rather_than_dividing_by_zero():
    result = spc.analyse([7] * 15, improvement="increase", target=8)
    assert not result.enough_data
    assert "same" in result.message
    assert result.segments[0].mean == 7


def test_short_series_are_computed_but_warned_as_provisional():
    result = spc.analyse([1, 3, 2, 4])
    assert result.enough_data
    assert result.warnings and "provisional" in result.warnings[0]


def test_it_refuses_nonsense_input():
    with pytest.raises(ValueError):
        spc.analyse([1, 2], improvement="up")
    with pytest.raises(ValueError):
        spc.analyse([1, 2], [date(2026, 1, 1)])
    with pytest.raises(ValueError):
        spc.analyse([1, float("nan")])


def test_a_level_trend_point_is_described_as_common_cause_not_an_error():
    """Two falling trends meeting on an equal value (-3, -3): the point between them meets the
    trend rule with a level direction, and NHSRplotthedots calls it common cause. Its words
    said so only after a KeyError was found here (the measure page's table reads them)."""
    ys = [1, 0, -8, 0, 9, -13, 2, 3, -9, -11, 2, 0, -11, 2, 3, 2, 1, 0, -1, -2, -3, -3, -4, -5]
    ys += [-6, -7, -8, -9, 10, 7]
    result = spc.analyse(ys)
    [level] = [p for p in result.points if p.rule and p.direction == 0]
    assert (level.index, level.rule, level.point_type) == (20, "trend", "common_cause")
    assert level.description == "common cause"
    assert all(p.description for p in result.points)
