"""The SPC module against NHS England's "SPC Charts SQL Query" v2.6 (Making Data Count): each
expected figure below is worked by hand from the SQL's Step 4 formulas, not read back from the
module. Boundaries: exact 6 and 5, a point on the mean, ties in a trend, a target on a limit,
all-equal values, fewer than 13 points, recalculations, baselines, ghosts, the conflict rule
both ways, and T and G charts."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from datetime import date, timedelta

import pytest

from metrics import spc

NHSE = spc.preset("nhse")
# Twelve points, mean 11, every moving range 2: limits 11 ± 5.32, two sigma 11 ± 3.5467.
BASE = [10.0, 12.0] * 6


def kinds(result: spc.SPCResult) -> list[str]:
    return [p.point_type for p in result.points]


def nhse(values, dates=None, **kwargs) -> spc.SPCResult:
    return spc.analyse(values, dates, rules=kwargs.pop("rules", NHSE), **kwargs)


def test_mean_limits_and_sigma_lines_follow_the_sql():
    values = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 11]
    seg = nhse(values, improvement="increase").segments[0]
    mean, mrm = 148 / 13, 17 / 12  # sum of values / 13; sum of moving ranges / 12
    assert seg.mean == pytest.approx(mean)
    assert seg.mean_moving_range == pytest.approx(mrm)
    assert seg.upper_limit == pytest.approx(mean + 2.66 * mrm)
    assert seg.lower_limit == pytest.approx(mean - 2.66 * mrm)
    assert seg.upper_two_sigma == pytest.approx(mean + 2.66 * mrm * 2 / 3)
    assert seg.lower_two_sigma == pytest.approx(mean - 2.66 * mrm * 2 / 3)
    assert seg.upper_one_sigma == pytest.approx(mean + 2.66 * mrm / 3)
    assert seg.lower_one_sigma == pytest.approx(mean - 2.66 * mrm / 3)


def test_fewer_than_13_points_is_a_run_chart_with_a_mean_and_no_limits_or_icons():
    values = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 30]
    result = nhse(values, improvement="increase", target=5)
    seg = result.segments[0]
    assert seg.mean == pytest.approx(sum(values) / 12)
    assert seg.upper_limit is None and seg.lower_limit is None
    assert set(kinds(result)) == {"no_limits"}
    assert result.variation is None and result.assurance is None
    assert "run chart" in result.message and "13" in result.message
    # The thirteenth point brings the limits (and the 30 is outside them).
    result = nhse([*values, 11], improvement="increase", target=5)
    assert result.segments[0].upper_limit is not None
    assert result.points[11].point_type == "improvement"
    assert result.points[11].rule == spc.OUTSIDE


def test_a_shift_is_six_points_by_default_and_five_are_not():
    six = [0, 10, 0, 10, 0, 10, 0, 6, 6, 6, 6, 6, 6]  # mean 66/13 ≈ 5.08: six 6s above it
    result = nhse(six, improvement="increase")
    assert kinds(result)[7:] == ["improvement"] * 6
    assert all(p.rules == (spc.RUN_RULE,) for p in result.points[7:])
    assert set(kinds(result)[:7]) == {"common_cause"}
    five = [10, 0, 10, 0, 10, 0, 10, 0, 6, 6, 6, 6, 6]  # mean 70/13 ≈ 5.38: five 6s
    assert set(kinds(nhse(five, improvement="increase"))) == {"common_cause"}
    # Set to 7, six in a row are not a shift.
    seven = replace(NHSE, shift=7)
    assert set(kinds(nhse(six, improvement="increase", rules=seven))) == {"common_cause"}


def test_a_point_exactly_on_the_mean_breaks_a_shift():
    on_mean = [0, 10, 0, 10, 0, 10, 0, 6, 6, 6, 5, 6, 6, 5]  # 70 / 14: the mean is exactly 5
    result = nhse(on_mean, improvement="increase")
    assert result.segments[0].mean == 5
    assert set(kinds(result)) == {"common_cause"}
    above = [0, 10, 0, 10, 0, 10, 0, 6, 6, 6, 6, 6, 6, 5]  # 71 / 14: six 6s above
    assert kinds(nhse(above, improvement="increase"))[7:13] == ["improvement"] * 6


def test_a_trend_is_six_rising_points_including_its_ends_and_a_tie_breaks_it():
    # Mean 51/13 ≈ 3.92; moving ranges 18 + 2 + 5 = 25 over 12: limits -1.62 to 9.46.
    rising = [3, 6, 3, 6, 3, 6, 3, 1, 2, 3, 4, 5, 6]
    result = nhse(rising, improvement="increase")
    assert kinds(result) == ["common_cause"] * 7 + ["improvement"] * 6
    assert all(p.rules == (spc.TREND,) for p in result.points[7:])
    assert result.variation == "improvement_high"
    five = [3, 6, 3, 6, 3, 6, 3, 6, 1, 2, 3, 4, 5]
    assert set(kinds(nhse(five, improvement="increase"))) == {"common_cause"}
    tie = [3, 6, 3, 6, 3, 6, 3, 1, 2, 3, 3, 4, 5, 6]
    assert set(kinds(nhse(tie, improvement="increase"))) == {"common_cause"}


def test_a_trend_crosses_a_recalculation_in_the_sql_but_not_in_the_package():
    rising = [3, 6, 3, 6, 3, 6, 3, 6, 3, 6, 3, 6, 3, 1, 2, 3, 4, 5, 6]
    sql = nhse(rising, improvement="increase", rebase_at=[16])
    assert len(sql.segments) == 2
    assert [p.rule for p in sql.points[13:]] == [spc.TREND] * 6
    package = spc.analyse(rising, improvement="increase", rebase_at=[16])
    assert spc.TREND not in {p.rule for p in package.points}


def test_two_of_three_beyond_two_sigma_counts_a_point_beyond_three_sigma():
    # Baseline: limits 16.32 and 5.68, two sigma 14.55 and 7.45 (carried to the next section).
    values = [*BASE, 11, 15, 11.5, 17]
    result = nhse(values, improvement="increase", baseline_points=12)
    p15, p115, p17 = result.points[13:16]
    assert p15.rules == (spc.TWO_OF_THREE,)
    assert p115.point_type == "common_cause"  # inside two sigma: not itself flagged
    assert p17.rules == (spc.OUTSIDE, spc.TWO_OF_THREE)
    # NHSRplotthedots counts only points inside the limits: the 15 stands alone.
    package = spc.analyse(values, improvement="increase", fix_after_n_points=12)
    assert package.points[13].point_type == "common_cause"


def test_two_of_three_needs_all_three_points_on_the_same_side_of_the_mean():
    other_side = nhse([*BASE, 15, 10, 15], improvement="increase", baseline_points=12)
    assert set(kinds(other_side)[12:]) == {"common_cause"}
    between_lows = nhse([*BASE, 10, 15, 15, 10], improvement="increase", baseline_points=12)
    assert set(kinds(between_lows)[12:]) == {"common_cause"}
    with_third_above = nhse([*BASE, 10, 15, 15, 12], improvement="increase", baseline_points=12)
    assert kinds(with_third_above)[12:] == [
        "common_cause",
        "improvement",
        "improvement",
        "common_cause",
    ]


def test_all_equal_values_give_limits_on_the_mean_and_no_special_cause():
    result = nhse([5] * 13, improvement="increase", target=5)
    seg = result.segments[0]
    assert (seg.mean, seg.lower_limit, seg.upper_limit) == (5, 5, 5)
    assert (seg.lower_two_sigma, seg.upper_two_sigma) == (5, 5)
    assert set(kinds(result)) == {"common_cause"}
    assert result.variation == "common_cause"
    # A target on a limit is a pass or a fail, never "hit and miss".
    assert result.assurance == "pass"
    assert nhse([5] * 13, improvement="decrease", target=5).assurance == "pass"
    assert nhse([5] * 13, improvement="increase", target=6).assurance == "fail"


def test_a_target_exactly_on_a_process_limit_is_pass_or_fail():
    values = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 11]
    seg = nhse(values).segments[0]
    upper, lower = seg.upper_limit, seg.lower_limit
    assert nhse(values, improvement="increase", target=upper).assurance == "fail"
    assert nhse(values, improvement="increase", target=lower).assurance == "pass"
    assert nhse(values, improvement="decrease", target=upper).assurance == "pass"
    assert nhse(values, improvement="decrease", target=lower).assurance == "fail"
    assert nhse(values, improvement="increase", target=11.5).assurance == "hit_and_miss"
    # The package calls a target on a limit hit and miss.
    assert spc.analyse(values, improvement="increase", target=upper).assurance == "hit_and_miss"
    # No assurance without a direction.
    assert nhse(values, improvement="neutral", target=upper).assurance is None


def test_screening_is_off_by_default_and_when_on_also_leaves_outlying_points_out_of_the_mean():
    values = [*BASE, 40, 12]  # moving ranges: eleven of 2, then 28 and 28 (mean 78 / 13 = 6)
    off = nhse(values).segments[0]
    assert off.mean == pytest.approx(184 / 14)  # 132 + 40 + 12
    assert off.upper_limit == pytest.approx(184 / 14 + 2.66 * 6)
    on = nhse(values, rules=replace(NHSE, screen=True)).segments[0]
    # 28 > 3.267 × 6: both 28s go, and so do the two points they lead into.
    assert on.mean == pytest.approx(11)
    assert on.upper_limit == pytest.approx(11 + 2.66 * 2)
    package = spc.analyse(values).segments[0]
    assert package.mean == pytest.approx(184 / 14)  # the package keeps every point in the mean


def test_recalculations_give_each_section_its_own_mean_and_limits():
    values = [*BASE, 11, *[20.0, 22.0] * 6, 21]
    result = nhse(values, improvement="increase", rebase_at=[13])
    first, second = result.segments
    assert (first.start, first.end, second.start, second.end) == (0, 13, 13, 26)
    assert first.mean == pytest.approx(143 / 13)
    assert second.mean == pytest.approx(273 / 13)
    assert second.upper_limit == pytest.approx(273 / 13 + 2.66 * 23 / 12)  # ranges: 2 × 11, 1


def test_a_baseline_fixes_the_next_section_only_and_a_later_recalculation_starts_afresh():
    values = [*BASE, *[30.0, 32.0] * 4, *[50.0, 52.0] * 6]
    result = nhse(values, improvement="increase", baseline_points=12, rebase_at=[20])
    baseline, after, later = result.segments
    assert baseline.baseline and after.copied_from_baseline and not later.copied_from_baseline
    assert after.mean == baseline.mean == pytest.approx(11)
    assert after.upper_limit == pytest.approx(16.32)
    assert set(kinds(result)[12:20]) == {"improvement"}  # far above the baseline's limits
    assert later.mean == pytest.approx(51)
    assert "Section 2 has only 8 points" in " ".join(result.warnings)


def test_a_baseline_with_special_cause_is_warned_of():
    result = nhse([*BASE[:11], 40, 11, 10], baseline_points=12)
    assert "The baseline includes special cause variation." in result.warnings


def test_a_baseline_longer_than_the_data_and_bad_run_lengths_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="longer than the data"):
        nhse(BASE, baseline_points=13)
    problems = spc.check_settings(replace(NHSE, shift=3, trend=9))
    assert any("shift is 6, 7 or 8 points in a row (not 3)" in p for p in problems)
    assert any("trend is 6, 7 or 8 points in a row (not 9)" in p for p in problems)
    with pytest.raises(ValueError, match="not 3"):
        nhse(BASE, rules=replace(NHSE, shift=3))


@pytest.mark.parametrize(("rule", "kind"), [("concern", "concern"), ("improvement", "improvement")])
def test_the_conflict_rule_decides_a_point_that_is_both_improvement_and_concern(rule, kind):
    # Six rising points below the mean: a trend up (improvement) and a shift low (concern).
    values = [*BASE, 7, 7.5, 8, 8.5, 9, 9.5]
    result = nhse(
        values, improvement="increase", baseline_points=12, rules=replace(NHSE, conflict=rule)
    )
    assert kinds(result)[12:] == [kind] * 6
    assert all(p.conflict for p in result.points[12:])
    assert result.variation == ("concern_low" if kind == "concern" else "improvement_high")
    assert any("both an improvement and a concern" in w for w in result.warnings)


def test_variation_icons_for_lower_is_better_and_for_neither():
    values = [*BASE, 11, 30]
    assert nhse(values, improvement="decrease").variation == "concern_high"
    assert nhse(values, improvement="neutral").variation == "neutral_high"
    low = [*BASE, 11, -10]
    assert nhse(low, improvement="decrease").variation == "improvement_low"
    assert nhse(low, improvement="increase").variation == "concern_low"
    assert nhse(low, improvement="neutral").variation == "neutral_low"
    assert nhse([*BASE, 11], improvement="increase").variation == "common_cause"


def test_ghosted_points_are_shown_but_not_counted():
    values = [*BASE, 100, 11]
    ghosts = [False] * 12 + [True, False]
    result = nhse(values, improvement="increase", ghosts=ghosts)
    seg = result.segments[0]
    assert seg.mean == pytest.approx(143 / 13)  # the 100 left out
    # Moving ranges skip the ghost: eleven of 2, then |11 - 12| = 1.
    assert seg.mean_moving_range == pytest.approx(23 / 12)
    ghost = result.points[12]
    assert ghost.ghost and ghost.point_type == "no_limits" and not ghost.special_cause
    assert result.variation == "common_cause"
    # Twelve counted points and a ghost: still a run chart.
    assert nhse(values[:13], ghosts=ghosts[:13]).run_chart_reason


def test_targets_that_change_over_time_give_assurance_against_the_latest_one():
    start = date(2024, 1, 1)
    dates = [start + timedelta(weeks=k) for k in range(13)]
    values = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 11]
    targets = [
        spc.TargetSpan(30, end=date(2024, 2, 1)),
        spc.TargetSpan(0, start=date(2024, 2, 2)),
    ]
    result = nhse(values, dates, improvement="increase", targets=targets)
    assert result.points[0].target == 30 and result.points[-1].target == 0
    assert result.assurance == "pass"


def test_t_chart_days_between_events_transformed_as_the_sql_does():
    start = date(2024, 1, 1)
    gaps = [1, 8] * 7  # fourteen gaps between fifteen events
    events = [start]
    for gap in gaps:
        events.append(events[-1] + timedelta(days=gap))
    result = nhse([0] * 15, events, improvement="increase", chart_type="t", target=3)
    assert [p.value for p in result.points] == gaps  # the first event has no gap: not shown
    t1, t8 = 1.0, 8 ** (1 / 3.6)
    tm, tmr = (t1 + t8) / 2, t8 - t1
    seg = result.segments[0]
    assert seg.mean == pytest.approx(tm**3.6)
    assert seg.upper_limit == pytest.approx((tm + 2.66 * tmr) ** 3.6)
    assert seg.upper_two_sigma == pytest.approx((tm + 2.66 * tmr * 2 / 3) ** 3.6)
    assert seg.lower_limit is None  # below zero on the transformed scale
    assert seg.lower_one_sigma == pytest.approx((tm - 2.66 * tmr / 3) ** 3.6)
    assert result.assurance is None  # T charts have no assurance icon
    assert result.variation == "common_cause"


def test_t_chart_a_long_gap_is_special_cause_high():
    start = date(2024, 1, 1)
    gaps = [1, 8] * 7 + [400]
    events = [start]
    for gap in gaps:
        events.append(events[-1] + timedelta(days=gap))
    result = nhse([0] * 16, events, improvement="increase", chart_type="t")
    ts = [g ** (1 / 3.6) for g in gaps]
    tm = sum(ts) / 15
    tmr = sum(abs(b - a) for a, b in itertools.pairwise(ts)) / 14
    assert result.segments[0].upper_limit == pytest.approx((tm + 2.66 * tmr) ** 3.6)
    assert (tm + 2.66 * tmr) ** 3.6 < 400
    assert result.points[-1].rules[0] == spc.OUTSIDE
    assert result.variation == "improvement_high"


def test_g_chart_limits_and_median_line():
    counts = [10, 20, 30, 40] * 3 + [25]  # mean 325 / 13 = 25
    result = nhse(counts, improvement="increase", chart_type="g", target=1)
    seg = result.segments[0]
    assert seg.mean == pytest.approx(25 * 0.693)
    assert seg.upper_limit == pytest.approx(25 + 3 * math.sqrt(25 * 26))
    assert seg.lower_limit is None and seg.upper_two_sigma is None
    assert result.assurance is None
    assert result.variation == "common_cause"
    high = nhse([*counts, 200], improvement="increase", chart_type="g")
    assert high.points[-1].rule == spc.OUTSIDE
    assert high.variation == "improvement_high"


def test_t_and_g_charts_do_not_take_ghosts_and_the_package_draws_xmr_only():
    with pytest.raises(ValueError, match="ghost"):
        nhse([1, 2, 3], chart_type="g", ghosts=[False, True, False])
    with pytest.raises(ValueError, match="XmR"):
        spc.analyse([1, 2, 3], chart_type="g")


def test_every_result_names_its_rules_and_engine_version():
    sql = nhse(BASE)
    assert sql.engine_version == f"leanhub-spc {spc.ENGINE_VERSION} / nhse-sql-2.6"
    assert "Making Data Count" in sql.rules_label
    package = spc.analyse(BASE)
    assert package.engine_version.endswith("nhsrplotthedots-0.2")


def test_too_many_points_to_draw_is_warned_of():
    values = [10.0, 12.0] * 10
    result = nhse(values, rules=replace(NHSE, maximum_points=15))
    assert any("Over 15 points" in w for w in result.warnings)


def test_the_package_preset_is_the_default_behaviour_unchanged():
    values = [*BASE, 40, 12, 7, 7.5, 8, 8.5, 9, 9.5, 10]
    default = spc.analyse(values, improvement="increase")
    named = spc.analyse(values, improvement="increase", rules=spc.preset("plotthedots"))
    assert named.points == default.points and named.segments == default.segments
