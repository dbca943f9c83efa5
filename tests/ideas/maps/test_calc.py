"""The value-stream arithmetic, checked against worked examples done by hand."""

from __future__ import annotations

import pytest

from ideas.maps import calc
from ideas.maps.calc import MapInput, Step, Wait

H = 3600
MIN = 60
DAY = 86400


def manufacturing_map(**changes) -> MapInput:
    """Brackets, two variants. 18,400 a month over 20 working days = 920 a day.
    Two 8-hour shifts with 20 minutes of breaks each: 27,600 s a shift, 55,200 s a day.
    Takt = 55,200 ÷ 920 = 60 s."""
    fields = {
        "demand": 18_400,
        "demand_period": "month",
        "days_per_period": 20,
        "shifts_per_day": 2,
        "shift_s": 8 * H,
        "breaks_s": 20 * MIN,
        "variants": {"Left": 12_000, "Right": 6_400},  # 600 and 320 a day
        "steps": (
            # (30 s + 600 s changeover ÷ batch 60) ÷ 80 % uptime = 50 s: within takt.
            Step(
                "Press",
                cycle_s=30,
                changeover_s=600,
                batch_size=60,
                uptime_pct=80,
                wait_before=Wait(quantity=4600),
            ),  # 4,600 ÷ 920 = 5 days
            # 90 s ÷ 2 operators = 45 s.
            Step("Weld", cycle_s=90, operators=2, wait_before=Wait(quantity=1840)),  # 2 days
            # 62 s > 60 s takt: the bottleneck.
            Step(
                "Assemble",
                cycle_s=62,
                wait_before=Wait(variant_quantities={"Left": 600, "Right": 640}),
            ),
        ),
        "wait_after": Wait(quantity=2760),  # 3 days of finished goods
    }
    fields.update(changes)
    return MapInput(**fields)


def service_map(**changes) -> MapInput:
    """A new benefit claim. 460 claims a week over 5 days = 92 a day. One 7.5-hour day with
    30 minutes of breaks: 25,200 s. Takt = 25,200 ÷ 92 = 273.9 s."""
    fields = {
        "demand": 460,
        "demand_period": "week",
        "days_per_period": 5,
        "shifts_per_day": 1,
        "shift_s": 7.5 * H,
        "breaks_s": 30 * MIN,
        "steps": (
            Step(
                "Book appointment",
                cycle_s=10 * MIN,
                lead_s=1 * H,
                lead_unit="h",
                pct_ca=90,
                operators=3,
                performed_by="Contact centre",
                wait_before=Wait(time_s=3 * DAY, time_unit="d"),
            ),
            Step(
                "Interview",
                cycle_s=45 * MIN,
                pct_ca=80,
                operators=10,
                performed_by="Work coach",
                wait_before=Wait(time_s=5 * DAY, time_unit="d"),
            ),
            Step(
                "Evidence check",
                cycle_s=20 * MIN,
                lead_s=2 * DAY,
                lead_unit="d",
                pct_ca=50,
                operators=4,
                performed_by="Decision maker",
                wait_before=Wait(time_s=4 * H, time_unit="h"),
            ),
            Step(
                "Decision",
                cycle_s=15 * MIN,
                pct_ca=95,
                operators=4,
                performed_by="decision maker",
                wait_before=Wait(quantity=184),
            ),
        ),
        "wait_after": Wait(time_s=1 * H, time_unit="h"),
    }
    fields.update(changes)
    return MapInput(**fields)


def test_available_time_is_shift_length_less_breaks_times_shifts():
    r = calc.compute(manufacturing_map())
    assert r.available_per_shift_s == 27_600
    assert r.available_per_day_s == 55_200
    assert "Shift length 8 h − breaks 20 min = 7.7 h" in r.figure("available_per_shift").formula


def test_takt_is_available_time_over_demand_in_the_same_period():
    r = calc.compute(manufacturing_map())
    assert r.daily_demand == 920
    assert r.takt_s == 60
    assert r.figure("takt").formula == (
        "Available time 15.3 h a day ÷ demand 920 a day = 60 s per unit"
    )


def test_effective_capacity_accounts_for_changeover_batch_uptime_and_people():
    press, weld, assemble = calc.compute(manufacturing_map()).steps
    assert press.effective_ct_s == pytest.approx(50)
    assert press.capacity_per_day == pytest.approx(1104)
    assert weld.effective_ct_s == pytest.approx(45)
    assert assemble.effective_ct_s == pytest.approx(62)
    assert "÷ batch 60" in press.formula and "÷ uptime 80 %" in press.formula


def test_a_step_slower_than_takt_is_the_bottleneck():
    r = calc.compute(manufacturing_map())
    assert [s.name for s in r.bottlenecks] == ["Assemble"]
    assert [s.is_constraint for s in r.steps] == [False, False, True]
    assert "slower than takt" in r.steps[2].formula


def test_inventory_is_converted_to_days_of_demand_including_a_variant_split():
    r = calc.compute(manufacturing_map())
    press, weld, assemble = r.steps
    assert press.wait_before.days_of_demand == pytest.approx(5)
    assert weld.wait_before.days_of_demand == pytest.approx(2)
    # 1,240 in the queue ÷ 920 a day; Left 600 ÷ 600 a day, Right 640 ÷ 320 a day.
    assert assemble.wait_before.days_of_demand == pytest.approx(1240 / 920)
    assert assemble.wait_before.per_variant_days == pytest.approx({"Left": 1.0, "Right": 2.0})
    assert r.wait_after.days_of_demand == pytest.approx(3)


def test_manufacturing_lead_time_process_time_and_pce():
    r = calc.compute(manufacturing_map())
    # Waits: (5 + 2 + 1240/920 + 3) working days × 55,200 s = 552,000 + 74,400 = 626,400 s.
    # Steps' lead times default to their process times: 30 + 90 + 62 = 182 s.
    assert r.lead_time_s == pytest.approx(626_582)
    assert r.process_time_s == 182
    assert r.pce == pytest.approx(182 / 626_582)
    assert r.lead_time_days == pytest.approx(626_582 / 55_200)
    assert r.step_count == 3 and r.handoffs == 2  # nobody named, so every move is a hand-off
    assert r.rolled_ca == 1.0


def test_the_calendar_convention_counts_a_day_as_24_hours():
    r = calc.compute(manufacturing_map(day_convention="calendar"))
    assert r.day_length_s == DAY
    assert r.lead_time_s == pytest.approx((10 + 1240 / 920) * DAY + 182)


def test_service_map_lead_time_with_days_and_a_queue():
    r = calc.compute(service_map())
    assert r.takt_s == pytest.approx(25_200 / 92)
    # Waits: 3 d + 5 d (working days of 25,200 s) + 4 h + 184 ÷ 92 = 2 d + 1 h = 270,000 s.
    # Step leads: 1 h + 45 min + 2 d + 15 min = 3,600 + 2,700 + 50,400 + 900 = 57,600 s.
    assert r.lead_time_s == pytest.approx(327_600)
    assert r.lead_time_days == pytest.approx(13)
    assert r.process_time_s == 5_400
    assert r.pce == pytest.approx(5_400 / 327_600)
    assert r.figure("pce").display == "1.6 %"


def test_service_map_rolled_complete_and_accurate_is_the_product():
    r = calc.compute(service_map())
    assert r.rolled_ca == pytest.approx(0.9 * 0.8 * 0.5 * 0.95)
    assert r.figure("rolled_ca").formula == (
        "Product of the steps' %C&A = 90 % × 80 % × 50 % × 95 % = 34.2 %"
    )


def test_service_map_bottleneck_and_handoffs_between_performers():
    r = calc.compute(service_map())
    # Booking 600 ÷ 3 = 200 s; interview 2,700 ÷ 10 = 270 s; evidence 1,200 ÷ 4 = 300 s > 273.9 s; decision 225 s.
    assert [s.name for s in r.bottlenecks] == ["Evidence check"]
    # Contact centre → work coach → decision maker → decision maker (same, any case): 2.
    assert r.handoffs == 2


def test_comparison_gives_relative_and_point_deltas():
    current = calc.compute(service_map())
    shorter = list(service_map().steps)
    shorter[1] = Step(
        "Interview",
        cycle_s=45 * MIN,
        pct_ca=80,
        operators=10,
        performed_by="Work coach",
        wait_before=Wait(time_s=1 * DAY, time_unit="d"),
    )
    future = calc.compute(service_map(steps=tuple(shorter)))
    deltas = {d.label: d for d in calc.compare(current, future)}
    # 4 fewer working days: 327,600 → 226,800 s, −30.8 %.
    assert deltas["Lead time"].change == "−30.8 %" and deltas["Lead time"].better is True
    assert deltas["Lead time"].after == "9 days"
    assert (deltas["Process time"].change, deltas["Process time"].better) == ("no change", None)
    assert deltas["Process cycle efficiency"].change == "+0.7 points"
    assert deltas["Steps"].change == "no change"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"demand": 0}, "demand", "Customer demand must be more than zero."),
        ({"shift_s": 0}, "shift_s", "Shift length must be more than zero."),
        ({"breaks_s": 8 * H}, "breaks_s", "Breaks must be shorter than the shift"),
        ({"days_per_period": -1}, "days_per_period", "more than zero"),
        (
            {"variants": {"Left": 1, "Right": 2}},
            "variants",
            "add up to 3, but customer demand is 18,400",
        ),
    ],
)
def test_bad_map_input_names_the_field(changes, field, message):
    with pytest.raises(calc.InvalidInput) as caught:
        calc.compute(manufacturing_map(**changes))
    assert message in caught.value.errors[field]


@pytest.mark.parametrize(
    ("step", "field", "message"),
    [
        (Step("X", cycle_s=-5), "steps[0].cycle_s", "Process time cannot be negative."),
        (Step("X", uptime_pct=120), "steps[0].uptime_pct", "between 0 and 100"),
        (Step("X", uptime_pct=0), "steps[0].uptime_pct", "more than 0"),
        (Step("X", pct_ca=-1), "steps[0].pct_ca", "cannot be negative"),
        (Step("X", pct_ca=101), "steps[0].pct_ca", "between 0 and 100"),
        (Step("X", operators=0), "steps[0].operators", "more than zero"),
        (Step(" "), "steps[0].name", "Give the step a name."),
        (Step("X", wait_before=Wait(time_s=5, quantity=3)), "steps[0].wait_before", "not both"),
        (Step("X", wait_before=Wait(quantity=-3)), "steps[0].wait_before.quantity", "negative"),
    ],
)
def test_bad_step_input_names_the_field(step, field, message):
    with pytest.raises(calc.InvalidInput) as caught:
        calc.compute(MapInput(demand=10, steps=(step,)))
    assert message in caught.value.errors[field]


def test_units_are_entered_as_people_think_and_stored_in_seconds():
    assert calc.to_seconds("1.5", "h") == 5400
    assert calc.to_seconds(2, "d") == 172_800
    with pytest.raises(calc.InvalidInput, match="Enter a number"):
        calc.to_seconds("ten", "min", field_name="cycle_time")
    with pytest.raises(calc.InvalidInput) as caught:
        calc.to_seconds("-1", "min", field_name="cycle_time")
    assert caught.value.errors == {"cycle_time": "A time cannot be negative."}


def test_zero_available_time_is_refused_not_divided_by():
    with pytest.raises(calc.InvalidInput) as caught:
        calc.compute(MapInput(demand=10, shifts_per_day=0))
    assert "shifts_per_day" in caught.value.errors
