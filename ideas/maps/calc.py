"""Value-stream map arithmetic: takt, capacity, lead time, process cycle efficiency, %C&A.

Pure Python, no ORM: the models, the drawing, the JSON summary and the tests all feed plain
dataclasses in and read :class:`Result` out. The words in labels, formulas and messages are
translated into the active language (Django's gettext), so Django's settings must be loaded.

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
* A step's effective cycle time, judged against takt, is process time ÷ people ÷ uptime (each
  where recorded). A changeover is paid once per batch: with a batch size, changeover ÷ batch is
  added per unit before dividing by uptime. Without one (the model has no every-part-every-
  interval either) the changeover is shown but left out of effective cycle time and capacity,
  and the step's formula says so: spreading a one-hour press changeover over a single part would
  make every press "slower than takt".
* Rolled %C&A is the product of the %C&A the steps record; steps without one are left out (and
  counted in the formula). When no step records one it is ``None``: "not recorded", never 100 %.
* Each step's times are shown in the unit they were typed in. The process-time total is shown in
  the unit most steps' process times were typed in (a tie goes to the larger unit, as a total is
  at least as large as its parts), with the reading of :func:`fmt_duration` beside it when that
  is in another unit: "188 s (3.1 min)". A time whose typed unit is not known is taken as typed
  in the largest unit it is a whole number of (:func:`best_unit`).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

UNIT_SECONDS: dict[str, int] = {"s": 1, "min": 60, "h": 3600, "d": 86400}
UNIT_LABELS: dict[str, StrPromise] = {
    "s": gettext_lazy("seconds"),
    "min": gettext_lazy("minutes"),
    "h": gettext_lazy("hours"),
    "d": gettext_lazy("days"),
}
PERIOD_LABELS: dict[str, StrPromise] = {
    "day": gettext_lazy("day"),
    "week": gettext_lazy("week"),
    "month": gettext_lazy("month"),
}
CALENDAR_DAY_S = 86400


class InvalidInput(ValueError):
    """Bad input. ``errors`` maps a field name (as the form and the JSON know it) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def to_seconds(value: object, unit: str, *, field_name: str = "time") -> float:
    """Turn a number typed in ``unit`` into seconds; refuse negatives, non-numbers and odd units."""
    if unit not in UNIT_SECONDS:
        raise InvalidInput(
            {field_name: gettext("Choose a unit: %(units)s.") % {"units": ", ".join(UNIT_SECONDS)}}
        )
    number = _number(value, field_name)
    if number < 0:
        raise InvalidInput({field_name: gettext("A time cannot be negative.")})
    return number * UNIT_SECONDS[unit]


def from_seconds(seconds: float, unit: str) -> float:
    return seconds / UNIT_SECONDS[unit]


def best_unit(seconds: float) -> str:
    """The largest unit in which the value is a whole-ish number, for showing a stored time."""
    for unit in ("d", "h", "min"):
        if seconds and seconds % UNIT_SECONDS[unit] == 0:
            return unit
    return "s"


def typed_unit(seconds: float, unit: str | None) -> str:
    """The unit a time was typed in; when that is not known, the largest unit in which the time
    is a whole number (:func:`best_unit`)."""
    return unit if unit is not None and unit in UNIT_SECONDS else best_unit(seconds)


def _number(value: object, field_name: str) -> float:
    if isinstance(value, bool):
        raise InvalidInput({field_name: gettext("Enter a number.")})
    try:
        number = float(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput({field_name: gettext("Enter a number.")}) from None
    if not math.isfinite(number):
        raise InvalidInput({field_name: gettext("Enter a finite number.")})
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
    cycle_unit: str | None = None  # the unit it was typed in, when known
    lead_s: float | None = None  # elapsed time of the step; defaults to cycle time
    lead_unit: str = "min"
    changeover_s: float | None = None
    changeover_unit: str | None = None
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
    # The unit its process time was typed in (None when it has none).
    process_unit: str | None = None
    # A changeover recorded without a batch size: shown, but not in effective cycle time or
    # capacity (None when there is none, or it is paid per batch).
    changeover_left_out_s: float | None = None


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
    rolled_ca: float | None  # None when no step records a %C&A
    step_count: int
    handoffs: int
    steps: tuple[StepResult, ...]
    wait_after: WaitResult
    figures: tuple[Figure, ...]
    process_unit: str = "s"  # the unit the process-time total is shown in

    @property
    def lead_time_days(self) -> float:
        return self.lead_time_s / self.day_length_s

    @property
    def bottlenecks(self) -> list[StepResult]:
        return [s for s in self.steps if s.is_bottleneck]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def summary(self) -> dict[str, object]:
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
            "process_time_unit": self.process_unit,
            "pce_pct": _round(self.pce * 100),
            "rolled_ca_pct": None if self.rolled_ca is None else _round(self.rolled_ca * 100),
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
                    "process_unit": s.process_unit,
                    "lead_s": _round(s.lead_s),
                    "effective_ct_s": _round(s.effective_ct_s),
                    "capacity_per_day": _round(s.capacity_per_day),
                    "changeover_left_out_s": _round(s.changeover_left_out_s),
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
    # The units' symbols (SI's own, for seconds, minutes, hours and days) are the same in every
    # language: nothing to translate in the function a map page calls most.
    if seconds < 120:
        return f"{fmt_num(seconds)} s"
    if seconds < 2 * 3600:
        return f"{fmt_num(seconds / 60)} min"
    if seconds < 2 * CALENDAR_DAY_S:
        return f"{fmt_num(seconds / 3600)} h"
    return f"{fmt_num(seconds / CALENDAR_DAY_S)} d"


def fmt_in(seconds: float, unit: str) -> str:
    """A time in ``unit``, as it was typed: up to two decimals, no trailing zeros (1 s, 0.25 min,
    1.5 h); a small fraction keeps two significant figures rather than reading as zero."""
    value = seconds / UNIT_SECONDS[unit]
    if 0 < value < 0.005:
        return f"{value:.2g} {unit}"
    return f"{f'{value:,.2f}'.rstrip('0').rstrip('.')} {unit}"


def fmt_typed(seconds: float, unit: str | None) -> str:
    """A step's time in the unit it was typed in (see :func:`typed_unit`)."""
    return fmt_in(seconds, typed_unit(seconds, unit))


def fmt_total(seconds: float, unit: str) -> str:
    """A total in the unit its parts were typed in, with the reading of :func:`fmt_duration`
    beside it when that is in another unit: "188 s (3.1 min)", "180 min (3 h)", "45 s",
    "110 min" (under two hours reads in minutes anyway)."""
    main = fmt_in(seconds, unit)
    reading = fmt_duration(seconds)
    if not seconds or reading.rsplit(" ", 1)[1] == unit:
        return main
    return f"{main} ({reading})"


def fmt_rolled_ca(rolled: float | None) -> str:
    """Rolled %C&A for people: a percentage, or "not recorded" when no step records one."""
    return gettext("not recorded") if rolled is None else fmt_pct(rolled)


def fmt_takt(seconds: float) -> str:
    """Takt reads best in seconds (it is compared with cycle times), with minutes alongside."""
    if seconds < 120:
        return f"{fmt_num(seconds)} s"
    return f"{fmt_num(seconds)} s ({fmt_duration(seconds)})"


def fmt_lead(seconds: float, day_length_s: float, *, working: bool) -> str:
    """A lead-time amount in the map's own days when it is long; a few hours as clock time."""
    return lead_formatter(day_length_s, working=working)(seconds)


def lead_formatter(day_length_s: float, *, working: bool) -> Callable[[float], str]:
    """:func:`fmt_lead` for many amounts of one map, its words translated once."""
    days = gettext("%(number)s working days") if working else gettext("%(number)s days")

    def fmt(seconds: float) -> str:
        if seconds >= day_length_s / 4:
            return days % {"number": fmt_num(seconds / day_length_s, 2)}
        return fmt_duration(seconds)

    return fmt


def fmt_days(seconds: float, day_length_s: float) -> str:
    return gettext("%(number)s days") % {"number": fmt_num(seconds / day_length_s, 2)}


def fmt_pct(fraction: float) -> str:
    # Office processes often run well under 1 % efficient; keep that visible, not "0.0 %".
    pct = fraction * 100
    return f"{fmt_num(pct, 1 if pct >= 1 or pct == 0 else 3 if pct < 0.1 else 2)} %"


def _plural_count(value: float) -> int:
    """The count to choose a plural form by for a quantity that may be a fraction: the quantity
    itself when whole; a fraction takes the plural form, as in "1.5 shifts"."""
    return int(value) if value == int(value) else 2


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
        what: str,
        variant: str = "",
    ) -> None:
        """Record what is wrong with ``value``, if anything. ``what`` names the value (marked
        with gettext_noop) and is translated only for a message: a long map makes hundreds of
        checks, and most pass. ``variant`` fills its ``%(variant)s``."""
        if value is None:
            return
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            problem = gettext_noop("%(what)s must be a number.")
        elif positive and value <= 0:
            problem = gettext_noop("%(what)s must be more than zero.")
        elif value < low:
            problem = gettext_noop("%(what)s cannot be negative.")
        elif high is not None and value > high:
            problem = gettext_noop("%(what)s must be between %(low)s and %(high)s.")
        else:
            return
        named = gettext(what) % {"variant": variant} if variant else gettext(what)
        errors[name] = gettext(problem) % {
            "what": named,
            "low": fmt_num(low),
            "high": "" if high is None else fmt_num(high),
        }

    check("demand", m.demand, positive=True, what=gettext_noop("Customer demand"))
    if m.demand_period not in PERIOD_LABELS:
        errors["demand_period"] = gettext("Choose day, week or month.")
    check(
        "days_per_period",
        m.days_per_period,
        positive=True,
        what=gettext_noop("Working days in the period"),
    )
    check("shifts_per_day", m.shifts_per_day, positive=True, what=gettext_noop("Shifts per day"))
    check("shift_s", m.shift_s, positive=True, what=gettext_noop("Shift length"))
    check("breaks_s", m.breaks_s, what=gettext_noop("Breaks"))
    if m.day_convention not in ("working", "calendar"):
        errors["day_convention"] = gettext("Choose working or calendar days.")
    if "shift_s" not in errors and "breaks_s" not in errors and m.breaks_s >= m.shift_s:
        errors["breaks_s"] = gettext(
            "Breaks must be shorter than the shift: no time would be left to work."
        )
    for name, qty in m.variants.items():
        check(f"variants.{name}", qty, what=gettext_noop("Demand for %(variant)s"), variant=name)
    if m.variants and not errors and abs(sum(m.variants.values()) - m.demand) > 1e-6:
        errors["variants"] = gettext(
            "The variants add up to %(total)s, but customer demand is %(demand)s: make them match."
        ) % {"total": fmt_num(sum(m.variants.values())), "demand": fmt_num(m.demand)}

    def check_wait(prefix: str, w: Wait) -> None:
        check(f"{prefix}.time_s", w.time_s, what=gettext_noop("A wait"))
        check(f"{prefix}.quantity", w.quantity, what=gettext_noop("A queue quantity"))
        for name, qty in w.variant_quantities.items():
            check(
                f"{prefix}.variant_quantities.{name}",
                qty,
                what=gettext_noop("The queue of %(variant)s"),
                variant=name,
            )
            if name not in m.variants:
                errors[f"{prefix}.variant_quantities.{name}"] = gettext(
                    "%(variant)s is not one of the map's variants."
                ) % {"variant": name}
        if w.time_s is not None and (w.quantity is not None or w.variant_quantities):
            errors[prefix] = gettext("Give the wait either as a time or as a quantity, not both.")
        if w.time_unit not in UNIT_SECONDS:
            errors[f"{prefix}.time_unit"] = gettext("Choose s, min, h or d.")

    for i, s in enumerate(m.steps):
        p = f"steps[{i}]"
        if not s.name.strip():
            errors[f"{p}.name"] = gettext("Give the step a name.")
        check(f"{p}.cycle_s", s.cycle_s, what=gettext_noop("Process time"))
        check(f"{p}.lead_s", s.lead_s, what=gettext_noop("Lead time"))
        check(f"{p}.changeover_s", s.changeover_s, what=gettext_noop("Changeover time"))
        check(f"{p}.uptime_pct", s.uptime_pct, high=100, what=gettext_noop("Uptime %"))
        if s.uptime_pct == 0:
            errors[f"{p}.uptime_pct"] = gettext(
                "Uptime % must be more than 0: the step would never run."
            )
        # A percent sign, not a placeholder:
        # xgettext:no-python-format
        check(f"{p}.pct_ca", s.pct_ca, high=100, what=gettext_noop("% complete and accurate"))
        check(f"{p}.operators", s.operators, positive=True, what=gettext_noop("People"))
        check(f"{p}.batch_size", s.batch_size, positive=True, what=gettext_noop("Batch size"))
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
    day_word = (
        gettext("working day") if m.day_convention == "working" else gettext("calendar day (24 h)")
    )
    # The words of the per-step formulas, translated once here rather than once per step: a long
    # map has hundreds of them to write, and each lookup costs more than the arithmetic.
    queue_formula = gettext(
        "%(label)s: %(quantity)s in the queue ÷ daily demand %(demand)s "
        "= %(days)s days of demand × %(day_length)s a %(day)s"
    )
    days_formula = gettext("%(label)s: %(days)s days × %(day_length)s a %(day)s")
    as_entered_formula = gettext("%(label)s: %(duration)s as entered")
    none_recorded_formula = gettext("%(label)s: none recorded")
    wait_before_label = gettext("Wait before %(step)s")
    process_part = gettext("process time %(time)s ÷ %(people)s people")
    changeover_part = gettext("+ changeover %(time)s ÷ batch %(batch)s")
    uptime_part = gettext("÷ uptime %(uptime)s %%")
    left_out_part = gettext("changeover %(time)s left out of capacity until a batch size is given")
    no_capacity_formula = gettext("%(step)s: no process time recorded, so no capacity")
    capacity_formula = gettext(
        "%(step)s: effective cycle time = (%(parts)s) = %(effective)s; "
        "capacity = %(available)s ÷ %(effective)s = %(capacity)s a day; "
        "%(verdict)s (%(takt)s)"
    )
    slower_than_takt, within_takt = gettext("slower than takt"), gettext("within takt")

    def wait_result(label: str, w: Wait) -> WaitResult:
        qty = sum(w.variant_quantities.values()) if w.variant_quantities else w.quantity
        if qty is not None:
            days = qty / daily_demand
            per_variant = {
                k: q / daily_variant[k]
                for k, q in w.variant_quantities.items()
                if daily_variant.get(k)
            }
            formula = queue_formula % {
                "label": label,
                "quantity": fmt_num(qty),
                "demand": fmt_num(daily_demand, 2),
                "days": fmt_num(days, 2),
                "day_length": fmt_duration(day_length),
                "day": day_word,
            }
            return WaitResult(label, days * day_length, days, per_variant, formula, False, qty)
        if w.time_s is not None:
            if w.time_unit == "d":
                days = w.time_s / CALENDAR_DAY_S
                seconds = days * day_length
                formula = days_formula % {
                    "label": label,
                    "days": fmt_num(days, 2),
                    "day_length": fmt_duration(day_length),
                    "day": day_word,
                }
            else:
                seconds = w.time_s
                formula = as_entered_formula % {
                    "label": label,
                    "duration": fmt_duration(seconds),
                }
            return WaitResult(label, seconds, None, {}, formula, False)
        none_recorded = none_recorded_formula % {"label": label}
        return WaitResult(label, 0.0, None, {}, none_recorded, True)

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
        changeover = s.changeover_s or 0.0
        # Changeover ÷ batch per unit only when there is a batch to share it: without one,
        # charging the whole changeover to every unit is what no practitioner does.
        per_batch = changeover > 0 and s.batch_size is not None
        left_out = changeover if changeover > 0 and not per_batch else None
        if s.cycle_s is not None and (s.cycle_s > 0 or per_batch):
            people = s.operators or 1
            uptime = (s.uptime_pct if s.uptime_pct is not None else 100) / 100
            per_unit = s.cycle_s / people
            parts.append(
                process_part
                % {"time": fmt_typed(s.cycle_s, s.cycle_unit), "people": fmt_num(people)}
            )
            if per_batch and s.batch_size is not None:
                per_unit += changeover / s.batch_size
                parts.append(
                    changeover_part
                    % {
                        "time": fmt_typed(changeover, s.changeover_unit),
                        "batch": fmt_num(s.batch_size),
                    }
                )
            effective = per_unit / uptime
            parts.append(uptime_part % {"uptime": fmt_num(uptime * 100)})
            capacity = per_day / effective if effective > 0 else None
        is_bottleneck = effective is not None and effective > takt + 1e-9
        if effective is None:
            formula = no_capacity_formula % {"step": s.name}
        else:
            formula = capacity_formula % {
                "step": s.name,
                "parts": " ".join(parts),
                "effective": fmt_duration(effective),
                "available": fmt_duration(per_day),
                "capacity": fmt_num(capacity or 0),
                "verdict": slower_than_takt if is_bottleneck else within_takt,
                "takt": fmt_duration(takt),
            }
        if left_out is not None:
            formula += "; " + left_out_part % {"time": fmt_typed(left_out, s.changeover_unit)}
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
                wait_before=wait_result(wait_before_label % {"step": s.name}, s.wait_before),
                formula=formula,
                process_unit=None if s.cycle_s is None else typed_unit(s.cycle_s, s.cycle_unit),
                changeover_left_out_s=left_out,
            )
        )
    timed = [(r.effective_ct_s, r) for r in step_results if r.effective_ct_s is not None]
    if timed:
        _, slowest = max(timed, key=lambda pair: pair[0])
        step_results[slowest.index] = replace(slowest, is_constraint=True)
    wait_after = wait_result(gettext("Wait after the last step"), m.wait_after)

    waits = sum(r.wait_before.seconds for r in step_results) + wait_after.seconds
    step_leads = sum(r.lead_s for r in step_results)
    lead_time = waits + step_leads
    process_time = sum(r.process_s for r in step_results)
    pce = process_time / lead_time if lead_time else 0.0
    # Steps without a process time (or with none to speak of) have no say in the total's unit.
    process_unit = _most_typed(
        r.process_unit for r in step_results if r.process_unit and r.process_s > 0
    )
    # The steps' lead times likewise: typed, or their process time's when not given.
    step_lead_unit = _most_typed(
        (s.lead_unit if s.lead_s is not None else r.process_unit)
        for s, r in zip(m.steps, step_results, strict=True)
        if r.lead_s > 0
    )
    product = 1.0
    ca_terms = []
    for s in m.steps:
        if s.pct_ca is not None:
            product *= s.pct_ca / 100
            ca_terms.append(f"{fmt_num(s.pct_ca)} %")
    rolled = product if ca_terms else None
    unrecorded_ca = len(m.steps) - len(ca_terms)
    handoffs = _handoffs(m.steps)
    performers_known = all(s.performed_by.strip() for s in m.steps)

    as_lead = lead_formatter(day_length, working=m.day_convention == "working")

    figures = (
        Figure(
            "available_per_shift",
            gettext("Available time per shift"),
            per_shift,
            fmt_duration(per_shift),
            gettext("Shift length %(shift)s − breaks %(breaks)s = %(available)s")
            % {
                "shift": fmt_duration(m.shift_s),
                "breaks": fmt_duration(m.breaks_s),
                "available": fmt_duration(per_shift),
            },
        ),
        Figure(
            "available_per_day",
            gettext("Available time per day"),
            per_day,
            fmt_duration(per_day),
            ngettext(
                "%(per_shift)s a shift × %(shifts)s shift = %(per_day)s",
                "%(per_shift)s a shift × %(shifts)s shifts = %(per_day)s",
                _plural_count(m.shifts_per_day),
            )
            % {
                "per_shift": fmt_duration(per_shift),
                "shifts": fmt_num(m.shifts_per_day),
                "per_day": fmt_duration(per_day),
            },
        ),
        Figure(
            "daily_demand",
            gettext("Customer demand per day"),
            daily_demand,
            fmt_num(daily_demand, 2),
            gettext("%(demand)s a %(period)s ÷ %(days)s working days = %(daily_demand)s a day")
            % {
                "demand": fmt_num(m.demand),
                "period": PERIOD_LABELS.get(m.demand_period, m.demand_period),
                "days": fmt_num(m.days_per_period),
                "daily_demand": fmt_num(daily_demand, 2),
            },
        ),
        Figure(
            "takt",
            gettext("Takt time"),
            takt,
            fmt_takt(takt),
            gettext(
                "Available time %(available)s a day ÷ demand %(demand)s a day = %(takt)s per unit"
            )
            % {
                "available": fmt_duration(per_day),
                "demand": fmt_num(daily_demand, 2),
                "takt": fmt_takt(takt),
            },
        ),
        Figure(
            "lead_time",
            gettext("Total lead time"),
            lead_time,
            as_lead(lead_time),
            gettext(
                "All waits %(waits)s + step lead times %(steps)s = %(lead_time)s; "
                "a lead-time day is a %(day)s of %(day_length)s"
            )
            % {
                "waits": as_lead(waits),
                "steps": (
                    # A few seconds or minutes read in the unit typed; days (typed, or long
                    # enough) in the map's lead-time days.
                    fmt_total(step_leads, step_lead_unit)
                    if step_lead_unit != "d" and step_leads < day_length / 4
                    else as_lead(step_leads)
                ),
                "lead_time": as_lead(lead_time),
                "day": day_word,
                "day_length": fmt_duration(day_length),
            },
        ),
        Figure(
            "process_time",
            gettext("Total process time"),
            process_time,
            fmt_total(process_time, process_unit),
            gettext("Sum of the steps' process times = %(terms)s = %(total)s")
            % {
                "terms": " + ".join(fmt_typed(r.process_s, r.process_unit) for r in step_results)
                or "0",
                "total": fmt_total(process_time, process_unit),
            },
        ),
        Figure(
            "pce",
            gettext("Process cycle efficiency (activity ratio)"),
            pce,
            fmt_pct(pce),
            gettext("Process time %(process)s s ÷ lead time %(lead)s s (%(lead_time)s) = %(pce)s")
            % {
                "process": fmt_num(process_time),
                "lead": fmt_num(lead_time),
                "lead_time": as_lead(lead_time),
                "pce": fmt_pct(pce),
            },
        ),
        Figure(
            "rolled_ca",
            # A percent sign, not a placeholder:
            # xgettext:no-python-format
            gettext("Rolled % complete and accurate"),
            rolled,
            fmt_rolled_ca(rolled),
            _rolled_ca_formula(rolled, ca_terms, unrecorded_ca),
        ),
        Figure(
            "steps",
            gettext("Steps"),
            float(len(m.steps)),
            str(len(m.steps)),
            ngettext("%(count)s process step", "%(count)s process steps", len(m.steps))
            % {"count": len(m.steps)},
        ),
        Figure(
            "handoffs",
            gettext("Hand-offs"),
            float(handoffs),
            str(handoffs),
            (
                gettext("Moves between steps done by different people or teams = %(count)s")
                if performers_known
                else gettext(
                    "Moves between steps (a move counts unless both steps name the same "
                    "performer) = %(count)s"
                )
            )
            % {"count": handoffs},
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
        process_unit=process_unit,
    )


def _most_typed(units: Iterable[str | None]) -> str:
    """The unit most of ``units`` are; a tie goes to the larger unit, as a total is at least as
    large as its parts. Seconds when there are none."""
    votes = Counter(unit for unit in units if unit in UNIT_SECONDS)
    return max(votes, key=lambda unit: (votes[unit], UNIT_SECONDS[unit])) if votes else "s"


def _rolled_ca_formula(rolled: float | None, terms: list[str], unrecorded: int) -> str:
    """How rolled %C&A is worked out, naming how many steps it leaves out for want of one."""
    if rolled is None:
        # A percent sign, not a placeholder:
        # xgettext:no-python-format
        return gettext("No step has a %C&A recorded, so there is nothing to multiply")
    formula = gettext("Product of the steps' %%C&A = %(terms)s = %(rolled)s") % {
        "terms": " × ".join(terms),
        "rolled": fmt_pct(rolled),
    }
    if unrecorded:
        formula += "; " + ngettext(
            "%(count)s step has no %%C&A recorded and is left out",
            "%(count)s steps have no %%C&A recorded and are left out",
            unrecorded,
        ) % {"count": unrecorded}
    return formula


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
    no_change = gettext("no change")

    def rel(label: str, a: float, b: float, show: Callable[[float], str]) -> Delta:
        if a == b:
            change = no_change
        elif a:
            pct = (b - a) / a * 100
            change = f"{'−' if pct < 0 else '+'}{fmt_num(abs(pct), 1)} %"
        else:
            change = "—"
        return Delta(label, show(a), show(b), change, None if a == b else b < a)

    def pts(label: str, a: float | None, b: float | None, higher_is_better: bool = True) -> Delta:
        if a is None or b is None:
            # Nothing to measure a change against: say what is recorded, judge nothing.
            return Delta(
                label,
                fmt_rolled_ca(a),
                fmt_rolled_ca(b),
                no_change if a is None and b is None else "—",
                None,
            )
        diff = (b - a) * 100
        change = (
            no_change
            if a == b
            else gettext("%(sign)s%(number)s points")
            % {"sign": "−" if diff < 0 else "+", "number": fmt_num(abs(diff), 1)}
        )
        better = None if a == b else (b > a) == higher_is_better
        return Delta(label, fmt_pct(a), fmt_pct(b), change, better)

    def count(label: str, a: int, b: int) -> Delta:
        diff = b - a
        return Delta(
            label,
            str(a),
            str(b),
            no_change if a == b else f"{'−' if diff < 0 else '+'}{abs(diff)}",
            None if a == b else b < a,
        )

    return [
        rel(
            gettext("Lead time"),
            current.lead_time_s,
            future.lead_time_s,
            lambda s: fmt_days(s, current.day_length_s),
        ),
        rel(
            gettext("Process time"),
            current.process_time_s,
            future.process_time_s,
            # Both in the current state's unit, so the two read against each other.
            lambda s: fmt_total(s, current.process_unit),
        ),
        pts(gettext("Process cycle efficiency"), current.pce, future.pce),
        count(gettext("Steps"), current.step_count, future.step_count),
        count(gettext("Hand-offs"), current.handoffs, future.handoffs),
        pts(gettext("Rolled %C&A"), current.rolled_ca, future.rolled_ca),
    ]
