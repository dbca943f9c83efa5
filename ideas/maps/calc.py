"""Value-stream map arithmetic: takt, capacity, lead time, process cycle efficiency, %C&A.

Pure Python, no ORM: the models, the drawing, the JSON summary and the tests all feed plain
dataclasses in and read :class:`Result` out.

Conventions (stated on every map page, not hidden):

* Every duration is stored in seconds. A duration entered in days is stored as 24-hour days.
* Customer demand is per day, week or month; ``days_per_period`` says how many *working* days
  that period holds, so daily demand = demand ÷ working days in the period.
* Inventory or queue quantities become *days of demand* (quantity ÷ daily demand): working days.
* The lead-time day: under the ``working`` convention one day of lead time counts as the
  available working time of a day (shifts × (shift length − breaks)); under ``calendar`` it counts
  24 hours. Waits entered in days and inventory days are both counted with that day; waits
  entered in seconds, minutes or hours count as the clock time entered.
* A step's lead (elapsed) time defaults to its process time when not given.
* Changeover is paid once per batch; without a batch size every unit is its own batch.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

UNIT_SECONDS: dict[str, int] = {"s": 1, "min": 60, "h": 3600, "d": 86400}
UNIT_LABELS: dict[str, str] = {"s": "seconds", "min": "minutes", "h": "hours", "d": "days"}
PERIOD_LABELS: dict[str, str] = {"day": "day", "week": "week", "month": "month"}
CALENDAR_DAY_S = 86400


class InvalidInput(ValueError):
    """Bad input. ``errors`` maps a field name (as the form and the JSON know it) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def to_seconds(value: object, unit: str, *, field_name: str = "time") -> float:
    """Turn a number typed in ``unit`` into seconds; refuse negatives, non-numbers and odd units."""
    if unit not in UNIT_SECONDS:
        raise InvalidInput({field_name: f"Choose a unit: {', '.join(UNIT_SECONDS)}."})
    number = _number(value, field_name)
    if number < 0:
        raise InvalidInput({field_name: "A time cannot be negative."})
    return number * UNIT_SECONDS[unit]


def from_seconds(seconds: float, unit: str) -> float:
    return seconds / UNIT_SECONDS[unit]


def best_unit(seconds: float) -> str:
    """The largest unit in which the value is a whole-ish number, for showing a stored time."""
    for unit in ("d", "h", "min"):
        if seconds and seconds % UNIT_SECONDS[unit] == 0:
            return unit
    return "s"


def _number(value: object, field_name: str) -> float:
    if isinstance(value, bool):
        raise InvalidInput({field_name: "Enter a number."})
    try:
        number = float(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput({field_name: "Enter a number."}) from None
    if not math.isfinite(number):
        raise InvalidInput({field_name: "Enter a finite number."})
    return number


# --- Input ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wait:
    """A wait before a step (or after the last): a time, or a queue/inventory quantity."""

    time_s: float | None = None
    time_unit: str = "h"
    quantity: float | None = None
    # Optional split of the quantity by variant name; when given, it is the quantity.
    variant_quantities: dict[str, float] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return self.time_s is None and self.quantity is None and not self.variant_quantities


@dataclass(frozen=True)
class Step:
    name: str
    cycle_s: float | None = None  # process (touch) time per unit
    lead_s: float | None = None  # elapsed time of the step; defaults to cycle time
    lead_unit: str = "min"
    changeover_s: float | None = None
    uptime_pct: float | None = None
    operators: float | None = None
    pct_ca: float | None = None  # % complete and accurate of what the step passes on
    batch_size: float | None = None
    performed_by: str = ""
    wait_before: Wait = field(default_factory=Wait)


@dataclass(frozen=True)
class MapInput:
    demand: float
    demand_period: str = "day"
    days_per_period: float = 1
    shifts_per_day: float = 1
    shift_s: float = 8 * 3600
    breaks_s: float = 0
    day_convention: str = "working"
    variants: dict[str, float] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    wait_after: Wait = field(default_factory=Wait)


# --- Output --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One computed number with the formula that produced it, written out for people."""

    key: str
    label: str
    value: float | None
    display: str
    formula: str


@dataclass(frozen=True)
class WaitResult:
    label: str
    seconds: float  # counted in the lead time
    days_of_demand: float | None
    per_variant_days: dict[str, float]
    formula: str
    is_empty: bool
    quantity: float | None = None


@dataclass(frozen=True)
class StepResult:
    index: int
    name: str
    process_s: float
    lead_s: float
    effective_ct_s: float | None
    capacity_per_day: float | None
    is_bottleneck: bool
    is_constraint: bool
    pct_ca: float | None
    wait_before: WaitResult
    formula: str


@dataclass(frozen=True)
class Result:
    available_per_shift_s: float
    available_per_day_s: float
    daily_demand: float
    takt_s: float
    day_length_s: float
    lead_time_s: float
    process_time_s: float
    pce: float
    rolled_ca: float
    step_count: int
    handoffs: int
    steps: tuple[StepResult, ...]
    wait_after: WaitResult
    figures: tuple[Figure, ...]

    @property
    def lead_time_days(self) -> float:
        return self.lead_time_s / self.day_length_s

    @property
    def bottlenecks(self) -> list[StepResult]:
        return [s for s in self.steps if s.is_bottleneck]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def summary(self) -> dict:
        """The figures as plain JSON-ready data (for ``vsm_summary --json`` and comparisons)."""
        return {
            "available_per_shift_s": _round(self.available_per_shift_s),
            "available_per_day_s": _round(self.available_per_day_s),
            "daily_demand": _round(self.daily_demand),
            "takt_s": _round(self.takt_s),
            "day_length_s": _round(self.day_length_s),
            "lead_time_s": _round(self.lead_time_s),
            "lead_time_days": _round(self.lead_time_days),
            "process_time_s": _round(self.process_time_s),
            "pce_pct": _round(self.pce * 100),
            "rolled_ca_pct": _round(self.rolled_ca * 100),
            "steps": self.step_count,
            "handoffs": self.handoffs,
            "bottlenecks": [s.name for s in self.bottlenecks],
            "figures": {
                f.key: {"value": _round(f.value), "formula": f.formula} for f in self.figures
            },
            "per_step": [
                {
                    "name": s.name,
                    "wait_before_s": _round(s.wait_before.seconds),
                    "process_s": _round(s.process_s),
                    "lead_s": _round(s.lead_s),
                    "effective_ct_s": _round(s.effective_ct_s),
                    "capacity_per_day": _round(s.capacity_per_day),
                    "bottleneck": s.is_bottleneck,
                }
                for s in self.steps
            ],
            "wait_after_s": _round(self.wait_after.seconds),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# --- Formatting ----------------------------------------------------------------------------------


def fmt_num(value: float, places: int = 1) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.{places}f}"


def fmt_duration(seconds: float) -> str:
    """A duration as a person reads it: 45 s, 12.5 min, 3.2 h, 4.1 d (24-hour days)."""
    if seconds < 120:
        return f"{fmt_num(seconds)} s"
    if seconds < 2 * 3600:
        return f"{fmt_num(seconds / 60)} min"
    if seconds < 2 * CALENDAR_DAY_S:
        return f"{fmt_num(seconds / 3600)} h"
    return f"{fmt_num(seconds / CALENDAR_DAY_S)} d"


def fmt_takt(seconds: float) -> str:
    """Takt reads best in seconds (it is compared with cycle times), with minutes alongside."""
    if seconds < 120:
        return f"{fmt_num(seconds)} s"
    return f"{fmt_num(seconds)} s ({fmt_duration(seconds)})"


def fmt_lead(seconds: float, day_length_s: float, *, working: bool) -> str:
    """A lead-time amount in the map's own days when it is long; a few hours as clock time."""
    if seconds >= day_length_s / 4:
        return f"{fmt_num(seconds / day_length_s, 2)} {'working days' if working else 'days'}"
    return fmt_duration(seconds)


def fmt_days(seconds: float, day_length_s: float) -> str:
    return f"{fmt_num(seconds / day_length_s, 2)} days"


def fmt_pct(fraction: float) -> str:
    # Office processes often run well under 1 % efficient; keep that visible, not "0.0 %".
    pct = fraction * 100
    return f"{fmt_num(pct, 1 if pct >= 1 or pct == 0 else 3 if pct < 0.1 else 2)} %"


# --- Computation ---------------------------------------------------------------------------------


def validate(m: MapInput) -> None:
    """Raise :class:`InvalidInput` naming every bad field (``steps[2].uptime_pct`` and so on)."""
    errors: dict[str, str] = {}

    def check(
        name: str,
        value: float | None,
        *,
        low: float = 0,
        high: float | None = None,
        positive: bool = False,
        what: str = "This",
    ) -> None:
        if value is None:
            return
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            errors[name] = f"{what} must be a number."
        elif positive and value <= 0:
            errors[name] = f"{what} must be more than zero."
        elif value < low:
            errors[name] = f"{what} cannot be negative."
        elif high is not None and value > high:
            errors[name] = f"{what} must be between {fmt_num(low)} and {fmt_num(high)}."

    check("demand", m.demand, positive=True, what="Customer demand")
    if m.demand_period not in PERIOD_LABELS:
        errors["demand_period"] = "Choose day, week or month."
    check("days_per_period", m.days_per_period, positive=True, what="Working days in the period")
    check("shifts_per_day", m.shifts_per_day, positive=True, what="Shifts per day")
    check("shift_s", m.shift_s, positive=True, what="Shift length")
    check("breaks_s", m.breaks_s, what="Breaks")
    if m.day_convention not in ("working", "calendar"):
        errors["day_convention"] = "Choose working or calendar days."
    if "shift_s" not in errors and "breaks_s" not in errors and m.breaks_s >= m.shift_s:
        errors["breaks_s"] = "Breaks must be shorter than the shift: no time would be left to work."
    for name, qty in m.variants.items():
        check(f"variants.{name}", qty, what=f"Demand for {name}")
    if m.variants and not errors and abs(sum(m.variants.values()) - m.demand) > 1e-6:
        errors["variants"] = (
            f"The variants add up to {fmt_num(sum(m.variants.values()))}, "
            f"but customer demand is {fmt_num(m.demand)}: make them match."
        )

    def check_wait(prefix: str, w: Wait) -> None:
        check(f"{prefix}.time_s", w.time_s, what="A wait")
        check(f"{prefix}.quantity", w.quantity, what="A queue quantity")
        for name, qty in w.variant_quantities.items():
            check(f"{prefix}.variant_quantities.{name}", qty, what=f"The queue of {name}")
            if name not in m.variants:
                errors[f"{prefix}.variant_quantities.{name}"] = (
                    f"{name} is not one of the map's variants."
                )
        if w.time_s is not None and (w.quantity is not None or w.variant_quantities):
            errors[prefix] = "Give the wait either as a time or as a quantity, not both."
        if w.time_unit not in UNIT_SECONDS:
            errors[f"{prefix}.time_unit"] = "Choose s, min, h or d."

    for i, s in enumerate(m.steps):
        p = f"steps[{i}]"
        if not s.name.strip():
            errors[f"{p}.name"] = "Give the step a name."
        check(f"{p}.cycle_s", s.cycle_s, what="Process time")
        check(f"{p}.lead_s", s.lead_s, what="Lead time")
        check(f"{p}.changeover_s", s.changeover_s, what="Changeover time")
        check(f"{p}.uptime_pct", s.uptime_pct, high=100, what="Uptime %")
        if s.uptime_pct == 0:
            errors[f"{p}.uptime_pct"] = "Uptime % must be more than 0: the step would never run."
        check(f"{p}.pct_ca", s.pct_ca, high=100, what="% complete and accurate")
        check(f"{p}.operators", s.operators, positive=True, what="People")
        check(f"{p}.batch_size", s.batch_size, positive=True, what="Batch size")
        check_wait(f"{p}.wait_before", s.wait_before)
    check_wait("wait_after", m.wait_after)
    if errors:
        raise InvalidInput(errors)


def compute(m: MapInput) -> Result:
    """Every figure of the map, each with its formula. Validates first."""
    validate(m)
    per_shift = m.shift_s - m.breaks_s
    per_day = per_shift * m.shifts_per_day
    daily_demand = m.demand / m.days_per_period
    takt = per_day / daily_demand
    day_length = per_day if m.day_convention == "working" else CALENDAR_DAY_S
    daily_variant = {k: v / m.days_per_period for k, v in m.variants.items()}
    day_word = "working day" if m.day_convention == "working" else "calendar day (24 h)"

    def wait_result(label: str, w: Wait) -> WaitResult:
        if w.variant_quantities or w.quantity is not None:
            qty = sum(w.variant_quantities.values()) if w.variant_quantities else w.quantity
            days = qty / daily_demand
            per_variant = {
                k: q / daily_variant[k]
                for k, q in w.variant_quantities.items()
                if daily_variant.get(k)
            }
            formula = (
                f"{label}: {fmt_num(qty)} in the queue ÷ daily demand {fmt_num(daily_demand, 2)} "
                f"= {fmt_num(days, 2)} days of demand × {fmt_duration(day_length)} a {day_word}"
            )
            return WaitResult(label, days * day_length, days, per_variant, formula, False, qty)
        if w.time_s is not None:
            if w.time_unit == "d":
                days = w.time_s / CALENDAR_DAY_S
                seconds = days * day_length
                formula = (
                    f"{label}: {fmt_num(days, 2)} days × {fmt_duration(day_length)} a {day_word}"
                )
            else:
                seconds = w.time_s
                formula = f"{label}: {fmt_duration(seconds)} as entered"
            return WaitResult(label, seconds, None, {}, formula, False)
        return WaitResult(label, 0.0, None, {}, f"{label}: none recorded", True)

    step_results: list[StepResult] = []
    for i, s in enumerate(m.steps):
        process = s.cycle_s or 0.0
        if s.lead_s is None:
            lead = process
        elif s.lead_unit == "d":
            lead = s.lead_s / CALENDAR_DAY_S * day_length
        else:
            lead = s.lead_s
        effective = None
        capacity = None
        parts = []
        if s.cycle_s is not None and (s.cycle_s > 0 or s.changeover_s):
            people = s.operators or 1
            batch = s.batch_size or 1
            uptime = (s.uptime_pct if s.uptime_pct is not None else 100) / 100
            effective = (s.cycle_s / people + (s.changeover_s or 0) / batch) / uptime
            parts.append(f"process time {fmt_duration(s.cycle_s)} ÷ {fmt_num(people)} people")
            if s.changeover_s:
                parts.append(
                    f"+ changeover {fmt_duration(s.changeover_s)} ÷ batch {fmt_num(batch)}"
                )
            parts.append(f"÷ uptime {fmt_num(uptime * 100)} %")
            capacity = per_day / effective if effective > 0 else None
        is_bottleneck = effective is not None and effective > takt + 1e-9
        if effective is None:
            formula = f"{s.name}: no process time recorded, so no capacity"
        else:
            formula = (
                f"{s.name}: effective cycle time = ({' '.join(parts)}) = {fmt_duration(effective)}; "
                f"capacity = {fmt_duration(per_day)} ÷ {fmt_duration(effective)} = "
                f"{fmt_num(capacity or 0)} a day; "
                + ("slower than takt" if is_bottleneck else "within takt")
                + f" ({fmt_duration(takt)})"
            )
        step_results.append(
            StepResult(
                index=i,
                name=s.name,
                process_s=process,
                lead_s=lead,
                effective_ct_s=effective,
                capacity_per_day=capacity,
                is_bottleneck=is_bottleneck,
                is_constraint=False,
                pct_ca=s.pct_ca,
                wait_before=wait_result(f"Wait before {s.name}", s.wait_before),
                formula=formula,
            )
        )
    timed = [r for r in step_results if r.effective_ct_s is not None]
    if timed:
        slowest = max(timed, key=lambda r: r.effective_ct_s)
        step_results[slowest.index] = replace(slowest, is_constraint=True)
    wait_after = wait_result("Wait after the last step", m.wait_after)

    waits = sum(r.wait_before.seconds for r in step_results) + wait_after.seconds
    step_leads = sum(r.lead_s for r in step_results)
    lead_time = waits + step_leads
    process_time = sum(r.process_s for r in step_results)
    pce = process_time / lead_time if lead_time else 0.0
    rolled = 1.0
    ca_terms = []
    for s in m.steps:
        if s.pct_ca is not None:
            rolled *= s.pct_ca / 100
            ca_terms.append(f"{fmt_num(s.pct_ca)} %")
    handoffs = _handoffs(m.steps)
    performers_known = all(s.performed_by.strip() for s in m.steps)

    def lead(seconds: float) -> str:
        return fmt_lead(seconds, day_length, working=m.day_convention == "working")

    figures = (
        Figure(
            "available_per_shift",
            "Available time per shift",
            per_shift,
            fmt_duration(per_shift),
            f"Shift length {fmt_duration(m.shift_s)} − breaks {fmt_duration(m.breaks_s)} "
            f"= {fmt_duration(per_shift)}",
        ),
        Figure(
            "available_per_day",
            "Available time per day",
            per_day,
            fmt_duration(per_day),
            f"{fmt_duration(per_shift)} a shift × {fmt_num(m.shifts_per_day)} "
            f"shift{'' if m.shifts_per_day == 1 else 's'} "
            f"= {fmt_duration(per_day)}",
        ),
        Figure(
            "daily_demand",
            "Customer demand per day",
            daily_demand,
            fmt_num(daily_demand, 2),
            f"{fmt_num(m.demand)} a {m.demand_period} ÷ {fmt_num(m.days_per_period)} working days "
            f"= {fmt_num(daily_demand, 2)} a day",
        ),
        Figure(
            "takt",
            "Takt time",
            takt,
            fmt_takt(takt),
            f"Available time {fmt_duration(per_day)} a day ÷ demand {fmt_num(daily_demand, 2)} a day "
            f"= {fmt_takt(takt)} per unit",
        ),
        Figure(
            "lead_time",
            "Total lead time",
            lead_time,
            lead(lead_time),
            f"All waits {lead(waits)} + step lead times {lead(step_leads)} "
            f"= {lead(lead_time)}; a lead-time day is a {day_word} of "
            f"{fmt_duration(day_length)}",
        ),
        Figure(
            "process_time",
            "Total process time",
            process_time,
            fmt_duration(process_time),
            "Sum of the steps' process times = "
            + (" + ".join(fmt_duration(r.process_s) for r in step_results) or "0")
            + f" = {fmt_duration(process_time)}",
        ),
        Figure(
            "pce",
            "Process cycle efficiency (activity ratio)",
            pce,
            fmt_pct(pce),
            f"Process time {fmt_num(process_time)} s ÷ lead time {fmt_num(lead_time)} s "
            f"({lead(lead_time)}) = {fmt_pct(pce)}",
        ),
        Figure(
            "rolled_ca",
            "Rolled % complete and accurate",
            rolled,
            fmt_pct(rolled),
            (
                "Product of the steps' %C&A = " + " × ".join(ca_terms) + f" = {fmt_pct(rolled)}"
                if ca_terms
                else "No step has a %C&A recorded, so 100 %"
            ),
        ),
        Figure(
            "steps",
            "Steps",
            float(len(m.steps)),
            str(len(m.steps)),
            f"{len(m.steps)} process step{'' if len(m.steps) == 1 else 's'}",
        ),
        Figure(
            "handoffs",
            "Hand-offs",
            float(handoffs),
            str(handoffs),
            (
                "Moves between steps done by different people or teams"
                if performers_known
                else "Moves between steps (a move counts unless both steps name the same performer)"
            )
            + f" = {handoffs}",
        ),
    )
    return Result(
        available_per_shift_s=per_shift,
        available_per_day_s=per_day,
        daily_demand=daily_demand,
        takt_s=takt,
        day_length_s=day_length,
        lead_time_s=lead_time,
        process_time_s=process_time,
        pce=pce,
        rolled_ca=rolled,
        step_count=len(m.steps),
        handoffs=handoffs,
        steps=tuple(step_results),
        wait_after=wait_after,
        figures=figures,
    )


def _handoffs(steps: tuple[Step, ...]) -> int:
    count = 0
    for a, b in itertools.pairwise(steps):
        same = (
            a.performed_by.strip()
            and a.performed_by.strip().lower() == b.performed_by.strip().lower()
        )
        count += 0 if same else 1
    return count


# --- Comparison ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delta:
    label: str
    before: str
    after: str
    change: str
    better: bool | None


def compare(current: Result, future: Result) -> list[Delta]:
    """Side-by-side deltas, current → future. Relative change for times, points for ratios."""

    def rel(label: str, a: float, b: float, show) -> Delta:
        if a == b:
            change = "no change"
        elif a:
            pct = (b - a) / a * 100
            change = f"{'−' if pct < 0 else '+'}{fmt_num(abs(pct), 1)} %"
        else:
            change = "—"
        return Delta(label, show(a), show(b), change, None if a == b else b < a)

    def pts(label: str, a: float, b: float, higher_is_better: bool = True) -> Delta:
        diff = (b - a) * 100
        change = (
            "no change" if a == b else f"{'−' if diff < 0 else '+'}{fmt_num(abs(diff), 1)} points"
        )
        better = None if a == b else (b > a) == higher_is_better
        return Delta(label, fmt_pct(a), fmt_pct(b), change, better)

    def count(label: str, a: int, b: int) -> Delta:
        diff = b - a
        return Delta(
            label,
            str(a),
            str(b),
            "no change" if a == b else f"{'−' if diff < 0 else '+'}{abs(diff)}",
            None if a == b else b < a,
        )

    return [
        rel(
            "Lead time",
            current.lead_time_s,
            future.lead_time_s,
            lambda s: fmt_days(s, current.day_length_s),
        ),
        rel(
            "Process time",
            current.process_time_s,
            future.process_time_s,
            fmt_duration,
        ),
        pts("Process cycle efficiency", current.pce, future.pce),
        count("Steps", current.step_count, future.step_count),
        count("Hand-offs", current.handoffs, future.handoffs),
        pts("Rolled %C&A", current.rolled_ca, future.rolled_ca),
    ]
