"""The value-stream arithmetic, checked against worked examples done by hand."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

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
    fields: dict[str, Any] = {
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
    fields: dict[str, Any] = {
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
    assert r.rolled_ca is None  # no step records a %C&A: "not recorded", not 100 %


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


# --- The textbook map ----------------------------------------------------------------------------


def learning_to_see_map(**changes) -> MapInput:
    """ACME Stamping's current state, from Mike Rother and John Shook, *Learning to See* (Lean
    Enterprise Institute, 1999), as the book draws it:

    * Demand: 18,400 brackets a month (12,000 left-hand "L", 6,400 right-hand "R") over 20 working
      days = 920 a day. Two 8-hour shifts with two 10-minute breaks each: 28,800 − 1,200 =
      27,600 s a shift, 55,200 s a day. Takt = 55,200 ÷ 920 = 60 s.
    * Stamping: C/T 1 s, C/O 1 hour, uptime 85 % (EPE 2 weeks, which the map model has no field
      for). Coils wait 5 days in front of it.
    * S.Weld #1: C/T 39 s, C/O 10 min, uptime 100 %, 1 operator; 4,600 L + 2,400 R in front.
    * S.Weld #2: C/T 46 s, C/O 10 min, uptime 80 %, 1 operator; 1,100 L + 600 R in front.
    * Assembly #1: C/T 62 s, C/O 0, uptime 100 %, 1 operator; 1,600 L + 850 R in front.
    * Assembly #2: C/T 40 s, C/O 0, uptime 100 %, 1 operator; 1,200 L + 640 R in front.
    * Shipping staging: 2,700 L + 1,440 R. The book's timeline: 23.6 days, 188 s processing.

    No batch size is given for any step (the book gives the press an EPE, not a batch), and no
    step records a % complete and accurate. Times are typed in the units the book writes them.
    """
    fields: dict[str, Any] = {
        "demand": 18_400,
        "demand_period": "month",
        "days_per_period": 20,
        "shifts_per_day": 2,
        "shift_s": 8 * H,
        "breaks_s": 20 * MIN,
        "variants": {"L": 12_000, "R": 6_400},  # 600 and 320 a day
        "steps": (
            Step(
                "Stamping",
                cycle_s=1,
                cycle_unit="s",
                changeover_s=1 * H,
                uptime_pct=85,
                wait_before=Wait(time_s=5 * DAY, time_unit="d"),
            ),
            Step(
                "S.Weld #1",
                cycle_s=39,
                cycle_unit="s",
                changeover_s=10 * MIN,
                uptime_pct=100,
                operators=1,
                wait_before=Wait(variant_quantities={"L": 4600, "R": 2400}),
            ),
            Step(
                "S.Weld #2",
                cycle_s=46,
                cycle_unit="s",
                changeover_s=10 * MIN,
                uptime_pct=80,
                operators=1,
                wait_before=Wait(variant_quantities={"L": 1100, "R": 600}),
            ),
            Step(
                "Assembly #1",
                cycle_s=62,
                cycle_unit="s",
                changeover_s=0,
                uptime_pct=100,
                operators=1,
                wait_before=Wait(variant_quantities={"L": 1600, "R": 850}),
            ),
            Step(
                "Assembly #2",
                cycle_s=40,
                cycle_unit="s",
                changeover_s=0,
                uptime_pct=100,
                operators=1,
                wait_before=Wait(variant_quantities={"L": 1200, "R": 640}),
            ),
        ),
        "wait_after": Wait(variant_quantities={"L": 2700, "R": 1440}),
    }
    fields.update(changes)
    return MapInput(**fields)


def test_the_textbook_map_flags_only_the_step_whose_cycle_time_is_over_takt():
    r = calc.compute(learning_to_see_map())
    assert r.takt_s == 60
    stamping, weld1, weld2, assembly1, assembly2 = r.steps
    # Worked by hand: effective cycle time = C/T ÷ operators ÷ uptime; a changeover with no
    # batch size is not spread over one unit.
    # Stamping: 1 s ÷ 1 ÷ 0.85 = 1.18 s. (Charging the whole hour to every unit made it
    # (1 + 3,600) ÷ 0.85 = 4,236 s, seventy times takt.)
    assert stamping.effective_ct_s == pytest.approx(1 / 0.85)
    # S.Weld #1: 39 s ÷ 1 ÷ 1.00 = 39 s (not 39 + 600 = 639 s).
    assert weld1.effective_ct_s == pytest.approx(39)
    # S.Weld #2: 46 s ÷ 1 ÷ 0.80 = 57.5 s: close to takt, but within it (not 646 ÷ 0.8 = 807.5 s).
    assert weld2.effective_ct_s == pytest.approx(57.5)
    # Assembly #1: 62 s ÷ 1 ÷ 1.00 = 62 s > 60 s: the one step slower than takt.
    assert assembly1.effective_ct_s == pytest.approx(62)
    # Assembly #2: 40 s ÷ 1 ÷ 1.00 = 40 s.
    assert assembly2.effective_ct_s == pytest.approx(40)
    assert [s.name for s in r.bottlenecks] == ["Assembly #1"]
    assert [s.is_constraint for s in r.steps] == [False, False, False, True, False]
    # Capacity a day = 55,200 s ÷ effective cycle time: 46,920 for the press, 960 for S.Weld #2.
    assert stamping.capacity_per_day == pytest.approx(55_200 * 0.85)
    assert weld2.capacity_per_day == pytest.approx(960)
    assert "within takt" in weld2.formula and "slower than takt" in assembly1.formula


def test_a_changeover_without_a_batch_size_is_shown_and_said_to_be_left_out():
    stamping, weld1, weld2, assembly1, _ = calc.compute(learning_to_see_map()).steps
    assert stamping.changeover_left_out_s == 1 * H
    assert weld1.changeover_left_out_s == weld2.changeover_left_out_s == 10 * MIN
    assert assembly1.changeover_left_out_s is None  # a changeover of 0 leaves nothing out
    assert stamping.formula == (
        "Stamping: effective cycle time = (process time 1 s ÷ 1 people ÷ uptime 85 %) = 1.2 s; "
        "capacity = 15.3 h ÷ 1.2 s = 46,920 a day; within takt (60 s); "
        "changeover 1 h left out of capacity until a batch size is given"
    )


def test_with_a_batch_size_the_changeover_is_paid_once_per_batch():
    steps = list(learning_to_see_map().steps)
    steps[2] = replace(steps[2], batch_size=100)
    r = calc.compute(learning_to_see_map(steps=tuple(steps)))
    weld2 = r.steps[2]
    # (46 s + 600 s ÷ 100) ÷ 0.80 = 52 ÷ 0.8 = 65 s > 60 s takt.
    assert weld2.effective_ct_s == pytest.approx(65)
    assert weld2.changeover_left_out_s is None
    assert "+ changeover 10 min ÷ batch 100" in weld2.formula
    assert [s.name for s in r.bottlenecks] == ["S.Weld #2", "Assembly #1"]


def test_a_changeover_on_a_step_without_a_process_time_is_still_said_to_be_left_out():
    r = calc.compute(MapInput(demand=10, steps=(Step("Setup", changeover_s=30 * MIN),)))
    (setup,) = r.steps
    assert setup.effective_ct_s is None and not setup.is_bottleneck
    assert setup.changeover_left_out_s == 30 * MIN
    assert "left out of capacity until a batch size is given" in setup.formula


def test_the_textbook_lead_time_and_processing_time():
    r = calc.compute(learning_to_see_map())
    # Waits in days of demand (920 a day): 5 (coils, typed in days) + 7,000 ÷ 920 + 1,700 ÷ 920
    # + 2,450 ÷ 920 + 1,840 ÷ 920 + 4,140 ÷ 920 = 5 + 17,130 ÷ 920 = 23.62 working days.
    # The book rounds each queue first: 5 + 7.6 + 1.8 + 2.7 + 2 + 4.5 = 23.6 days.
    waits_days = 5 + 17_130 / 920
    assert r.lead_time_s == pytest.approx(waits_days * 55_200 + 188)
    assert r.figure("lead_time").display == "23.62 working days"
    assert r.process_time_s == 188  # 1 + 39 + 46 + 62 + 40


def test_a_map_read_in_seconds_totals_in_seconds():
    r = calc.compute(learning_to_see_map())
    # 188 s; the minutes beside it, as 188 ÷ 60 = 3.1 min.
    assert r.process_unit == "s"
    assert r.figure("process_time").display == "188 s (3.1 min)"
    assert r.figure("process_time").formula == (
        "Sum of the steps' process times = 1 s + 39 s + 46 s + 62 s + 40 s = 188 s (3.1 min)"
    )
    assert r.summary()["process_time_unit"] == "s"


def test_the_total_takes_the_unit_most_steps_were_typed_in():
    def total(*typed: tuple[float, str | None]) -> str:
        steps = tuple(
            Step(f"S{i}", cycle_s=seconds, cycle_unit=unit)
            for i, (seconds, unit) in enumerate(typed)
        )
        return calc.compute(MapInput(demand=10, steps=steps)).figure("process_time").display

    # 10 + 45 + 20 + 15 min = 90 min: under two hours reads in minutes anyway.
    assert total((600, "min"), (2700, "min"), (1200, "min"), (900, "min")) == "90 min"
    # 3 × 60 min = 180 min = 3 h.
    assert total((3600, "min"), (3600, "min"), (3600, "min")) == "180 min (3 h)"
    # Two steps in seconds, one in minutes: seconds. 30 + 50 + 120 = 200 s = 3.3 min.
    assert total((30, "s"), (50, "s"), (120, "min")) == "200 s (3.3 min)"
    # A tie goes to the larger unit: a total is at least as large as its parts. 150 s = 2.5 min.
    assert total((30, "s"), (120, "min")) == "2.5 min"
    # The other unit beside it only when it says something more: under two minutes, nothing.
    assert total((20, "s"), (25, "s")) == "45 s"
    # A total of less than one of the steps' unit has the smaller unit beside it.
    assert total((15, "min"), (15, "min")) == "0.5 min (30 s)"
    # Without the typed unit, each time is read in the largest unit it is a whole number of.
    assert total((30, None), (90, None), (62, None)) == "182 s (3.0 min)"
    # Steps without a process time do not vote.
    assert total((600, "min"), (0, "s"), (None, "s")) == "10 min"


def test_rolled_complete_and_accurate_is_not_recorded_when_no_step_records_it():
    r = calc.compute(learning_to_see_map())
    assert r.rolled_ca is None
    figure = r.figure("rolled_ca")
    assert figure.value is None and figure.display == "not recorded"
    assert figure.formula == "No step has a %C&A recorded, so there is nothing to multiply"
    summary = r.summary()
    assert summary["rolled_ca_pct"] is None
    assert summary["figures"]["rolled_ca"]["value"] is None


def test_rolled_complete_and_accurate_names_the_steps_it_leaves_out():
    steps = list(service_map().steps)
    steps[2] = replace(steps[2], pct_ca=None)
    r = calc.compute(service_map(steps=tuple(steps)))
    assert r.rolled_ca == pytest.approx(0.9 * 0.8 * 0.95)
    assert r.figure("rolled_ca").formula == (
        "Product of the steps' %C&A = 90 % × 80 % × 95 % = 68.4 %; "
        "1 step has no %C&A recorded and is left out"
    )


def test_the_comparison_says_not_recorded_and_keeps_the_current_unit():
    current = calc.compute(learning_to_see_map())
    steps = list(learning_to_see_map().steps)
    steps[3] = replace(steps[3], cycle_s=58, pct_ca=99)
    future = calc.compute(learning_to_see_map(steps=tuple(steps)))
    deltas = {d.label: d for d in calc.compare(current, future)}
    assert (deltas["Rolled %C&A"].before, deltas["Rolled %C&A"].after) == ("not recorded", "99 %")
    assert deltas["Rolled %C&A"].change == "—" and deltas["Rolled %C&A"].better is None
    # 188 s → 184 s, both in seconds as the current state is typed.
    assert (deltas["Process time"].before, deltas["Process time"].after) == (
        "188 s (3.1 min)",
        "184 s (3.1 min)",
    )


def test_the_steps_lead_times_in_the_lead_time_formula_read_in_seconds_too():
    r = calc.compute(learning_to_see_map())
    # No step gives a lead time, so each is its process time: 188 s in all.
    assert "+ step lead times 188 s (3.1 min) = 23.62 working days" in (
        r.figure("lead_time").formula
    )
