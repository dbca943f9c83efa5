"""The value-stream map JSON format (docs/vsm-format.md): export, and an all-or-nothing import
that names the JSON path of the first thing wrong with each bad field."""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext, ngettext

from ideas.maps import calc
from ideas.maps.models import ValueStreamMap, ValueStreamStep
from leanhub import audit, policy
from leanhub.models import Team, User

FORMAT = "leanhub-vsm"
VERSION = 1
MAX_BYTES = 1_000_000
MAX_STEPS = 500


class ImportRefused(ValueError):
    """The file cannot be imported; ``problems`` lists each as "$.path: message"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class _Duration(TypedDict):
    seconds: float | None
    unit: str


class _Wait(TypedDict):
    seconds: float | None
    unit: str
    quantity: float | None
    variants: dict[str, float]


def _duration(seconds: float | None, unit: str) -> _Duration:
    return {"seconds": seconds, "unit": unit}


def _wait(
    seconds: float | None, unit: str, quantity: float | None, variants: dict[str, float]
) -> _Wait:
    return {"seconds": seconds, "unit": unit, "quantity": quantity, "variants": dict(variants)}


def _dec(value: Decimal | float | str) -> str:
    # Two places, as stored, whether the value came from the database or was just assigned.
    return str(Decimal(value).quantize(Decimal("0.01")))


def export_map(m: ValueStreamMap, steps: Sequence[ValueStreamStep]) -> dict[str, object]:
    """Everything about a map except who made it and the ideas pinned to it (those belong to
    this installation). Numbers are JSON numbers; decimals are strings so none is rounded."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "map": {
            "name": m.name,
            "process": m.process,
            "customer": m.customer,
            "supplier": m.supplier,
            "state": m.state,
            "demand": _dec(m.demand),
            "demand_period": m.demand_period,
            "days_per_period": _dec(m.days_per_period),
            "shifts_per_day": _dec(m.shifts_per_day),
            "shift_length": _duration(m.shift_s, m.shift_unit),
            "breaks": _duration(m.breaks_s, m.breaks_unit),
            "day_convention": m.day_convention,
            "variants": [{"name": v["name"], "demand": v["demand"]} for v in m.variants],
            "information_flows": m.information_flows,
            "wait_after": _wait(
                m.end_wait_s, m.end_wait_unit, m.end_wait_quantity, m.end_wait_variants
            ),
        },
        "steps": [
            {
                "name": s.name,
                "performed_by": s.performed_by,
                "process_time": _duration(s.cycle_s, s.cycle_unit),
                "lead_time": _duration(s.lead_s, s.lead_unit),
                "changeover": _duration(s.changeover_s, s.changeover_unit),
                "uptime_pct": s.uptime_pct,
                "people": s.operators,
                "pct_complete_accurate": s.pct_ca,
                "batch_size": s.batch_size,
                "system_used": s.system_used,
                "rework": s.rework,
                "notes": s.notes,
                "wait_before": _wait(s.wait_s, s.wait_unit, s.wait_quantity, s.wait_variants),
            }
            for s in steps
        ],
    }


def read_json(raw: bytes | str) -> object:
    if len(raw) > MAX_BYTES:
        message = gettext("the file is larger than %(size)s kB.") % {"size": MAX_BYTES // 1000}
        raise ImportRefused([f"$: {message}"])
    try:
        data: object = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as bad:
        message = gettext("not valid JSON (%(error)s).") % {"error": bad}
        raise ImportRefused([f"$: {message}"]) from None
    return data


class _Reader:
    """Walks the document, collecting every problem with its path instead of stopping at one."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: object, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, gettext("expected an object."))
            return {}
        return value

    def text(
        self, d: dict[str, Any], key: str, path: str, *, required: bool = False, limit: int = 200
    ) -> str:
        value = d.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", gettext("expected a string."))
            return ""
        if required and not value.strip():
            self.fail(f"{path}.{key}", gettext("is required."))
        if len(value) > limit:
            self.fail(
                f"{path}.{key}",
                ngettext(
                    "is longer than %(limit)s character.",
                    "is longer than %(limit)s characters.",
                    limit,
                )
                % {"limit": limit},
            )
        return value

    def choice(self, d: dict[str, Any], key: str, path: str, options: Collection[str]) -> str:
        value = d.get(key)
        if not isinstance(value, str) or value not in options:
            self.fail(
                f"{path}.{key}",
                gettext("must be one of %(options)s.") % {"options": ", ".join(options)},
            )
            return next(iter(options))
        return value

    def number(
        self,
        d: dict[str, Any],
        key: str,
        path: str,
        *,
        low: float | None = 0,
        high: float | None = None,
        positive: bool = False,
    ) -> float | None:
        value = d.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(f"{path}.{key}", gettext("expected a number or null."))
            return None
        if positive and value <= 0:
            self.fail(f"{path}.{key}", gettext("must be more than zero."))
        elif low is not None and value < low:
            self.fail(f"{path}.{key}", gettext("cannot be negative."))
        elif high is not None and value > high:
            self.fail(
                f"{path}.{key}",
                gettext("must be between %(low)s and %(high)s.") % {"low": low, "high": high},
            )
        return float(value)

    def decimal(self, d: dict[str, Any], key: str, path: str, places: int, digits: int) -> Decimal:
        value = d.get(key)
        try:
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise InvalidOperation
            number = Decimal(str(value))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.fail(
                f"{path}.{key}",
                gettext('expected a number (a string such as "460" or "12.5").'),
            )
            return Decimal(1)
        if number <= 0:
            self.fail(f"{path}.{key}", gettext("must be more than zero."))
        if number != number.quantize(Decimal(1).scaleb(-places)) or number >= Decimal(10) ** (
            digits - places
        ):
            self.fail(
                f"{path}.{key}",
                gettext("has too many digits (at most %(places)s after the point).")
                % {"places": places},
            )
        return number

    def duration(
        self, d: dict[str, Any], key: str, path: str, *, required: bool = False
    ) -> tuple[float | None, str]:
        if key not in d and not required:
            return None, "min"
        inner = self.obj(d.get(key), f"{path}.{key}")
        unit = self.choice(inner, "unit", f"{path}.{key}", calc.UNIT_SECONDS)
        seconds = self.number(inner, "seconds", f"{path}.{key}")
        if required and seconds is None:
            self.fail(f"{path}.{key}.seconds", gettext("is required."))
        return seconds, unit

    def variants_map(self, d: dict[str, Any], key: str, path: str) -> dict[str, float]:
        value = d.get(key) or {}
        if not isinstance(value, dict):
            self.fail(f"{path}.{key}", gettext("expected an object of name: quantity."))
            return {}
        out: dict[str, float] = {}
        for name, _qty in value.items():
            q = self.number(value, name, f"{path}.{key}")
            if q is not None:
                out[name] = q
        return out

    def wait(self, d: dict[str, Any], key: str, path: str) -> _Wait:
        if key not in d:
            return {"seconds": None, "unit": "h", "quantity": None, "variants": {}}
        inner = self.obj(d.get(key), f"{path}.{key}")
        p = f"{path}.{key}"
        return {
            "seconds": self.number(inner, "seconds", p),
            "unit": self.choice(inner, "unit", p, calc.UNIT_SECONDS),
            "quantity": self.number(inner, "quantity", p),
            "variants": self.variants_map(inner, "variants", p),
        }


# How the arithmetic's field names appear in the JSON, for naming the path of a bad value.
_PATHS = {
    "demand": "$.map.demand",
    "demand_period": "$.map.demand_period",
    "days_per_period": "$.map.days_per_period",
    "shifts_per_day": "$.map.shifts_per_day",
    "shift_s": "$.map.shift_length.seconds",
    "breaks_s": "$.map.breaks.seconds",
    "variants": "$.map.variants",
    "cycle_s": "process_time.seconds",
    "lead_s": "lead_time.seconds",
    "changeover_s": "changeover.seconds",
    "operators": "people",
    "pct_ca": "pct_complete_accurate",
    "time_s": "seconds",
}


def _json_path(name: str) -> str:
    if name in _PATHS:
        return _PATHS[name]
    parts = name.split(".")
    out = []
    for part in parts:
        out.append(_PATHS.get(part, part.replace("variant_quantities", "variants")))
    path = ".".join(out)
    if path.startswith("wait_after"):
        return f"$.map.{path}"
    return f"$.{path}"


def parse(data: object) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Check a document and turn it into model values; raise :class:`ImportRefused` listing
    every problem by JSON path."""
    r = _Reader()
    doc = r.obj(data, "$")
    if doc and doc.get("format") != FORMAT:
        r.fail("$.format", gettext('must be "%(format)s".') % {"format": FORMAT})
    if doc and doc.get("version") != VERSION:
        r.fail("$.version", gettext("must be %(version)s.") % {"version": VERSION})
    m = r.obj(doc.get("map"), "$.map") if doc else {}
    p = "$.map"
    shift_s, shift_unit = r.duration(m, "shift_length", p, required=True)
    breaks_s, breaks_unit = r.duration(m, "breaks", p, required=True)
    variants_raw = m.get("variants") or []
    variants = []
    if not isinstance(variants_raw, list):
        r.fail(f"{p}.variants", gettext("expected a list."))
    else:
        for i, v in enumerate(variants_raw):
            vd = r.obj(v, f"{p}.variants[{i}]")
            name = r.text(vd, "name", f"{p}.variants[{i}]", required=True)
            qty = r.number(vd, "demand", f"{p}.variants[{i}]")
            if qty is None and vd:
                r.fail(f"{p}.variants[{i}].demand", gettext("is required."))
            variants.append({"name": name, "demand": qty or 0})
    wait_after = r.wait(m, "wait_after", p)
    map_values = {
        "name": r.text(m, "name", p, required=True, limit=140),
        "process": r.text(m, "process", p, required=True),
        "customer": r.text(m, "customer", p, required=True, limit=140),
        "supplier": r.text(m, "supplier", p, limit=140),
        "state": r.choice(m, "state", p, ValueStreamMap.State.values),
        "demand": r.decimal(m, "demand", p, 2, 12),
        "demand_period": r.choice(m, "demand_period", p, ValueStreamMap.Period.values),
        "days_per_period": r.decimal(m, "days_per_period", p, 2, 5),
        "shifts_per_day": r.decimal(m, "shifts_per_day", p, 2, 4),
        "shift_s": shift_s,
        "shift_unit": shift_unit,
        "breaks_s": breaks_s,
        "breaks_unit": breaks_unit,
        "day_convention": r.choice(m, "day_convention", p, ValueStreamMap.DayConvention.values),
        "variants": variants,
        "information_flows": r.text(m, "information_flows", p, limit=5000),
        "end_wait_s": wait_after["seconds"],
        "end_wait_unit": wait_after["unit"],
        "end_wait_quantity": wait_after["quantity"],
        "end_wait_variants": wait_after["variants"],
    }
    steps_raw = doc.get("steps", []) if doc else []
    step_values: list[dict[str, Any]] = []
    if not isinstance(steps_raw, list):
        r.fail("$.steps", gettext("expected a list."))
        steps_raw = []
    if len(steps_raw) > MAX_STEPS:
        r.fail(
            "$.steps",
            ngettext("at most %(count)s step.", "at most %(count)s steps.", MAX_STEPS)
            % {"count": MAX_STEPS},
        )
        steps_raw = []
    for i, s in enumerate(steps_raw):
        sp = f"$.steps[{i}]"
        sd = r.obj(s, sp)
        cycle_s, cycle_unit = r.duration(sd, "process_time", sp)
        lead_s, lead_unit = r.duration(sd, "lead_time", sp)
        co_s, co_unit = r.duration(sd, "changeover", sp)
        w = r.wait(sd, "wait_before", sp)
        step_values.append(
            {
                "position": i,
                "name": r.text(sd, "name", sp, required=True, limit=120),
                "performed_by": r.text(sd, "performed_by", sp, limit=120),
                "cycle_s": cycle_s,
                "cycle_unit": cycle_unit,
                "lead_s": lead_s,
                "lead_unit": lead_unit,
                "changeover_s": co_s,
                "changeover_unit": co_unit,
                "uptime_pct": r.number(sd, "uptime_pct", sp, high=100),
                "operators": r.number(sd, "people", sp, positive=True),
                "pct_ca": r.number(sd, "pct_complete_accurate", sp, high=100),
                "batch_size": r.number(sd, "batch_size", sp, positive=True),
                "system_used": r.text(sd, "system_used", sp, limit=140),
                "rework": r.text(sd, "rework", sp, limit=200),
                "notes": r.text(sd, "notes", sp, limit=5000),
                "wait_s": w["seconds"],
                "wait_unit": w["unit"],
                "wait_quantity": w["quantity"],
                "wait_variants": w["variants"],
            }
        )
    if r.problems:
        raise ImportRefused(r.problems)
    # Structure is sound: now the same checks the page makes (variants add up, breaks < shift…).
    probe = ValueStreamMap(**map_values)
    try:
        calc.validate(probe.as_input([ValueStreamStep(**v) for v in step_values]))
    except calc.InvalidInput as bad:
        raise ImportRefused([f"{_json_path(k)}: {v}" for k, v in bad.errors.items()]) from None
    return map_values, step_values


@transaction.atomic
def import_map(data: object, *, team: Team, by: User, submission_token: str = "") -> ValueStreamMap:
    """Create the map in ``team`` from a document, or nothing at all. A repeated submission
    token returns the map the first submission imported."""
    policy.require(
        by,
        "work_in_team",
        team,
        reason=gettext("You can only import maps into your own teams."),
    )
    map_values, step_values = parse(data)
    if submission_token:
        existing = ValueStreamMap.objects.filter(
            created_by=by, submission_token=submission_token
        ).first()
        if existing:
            return existing
    m = ValueStreamMap.objects.create(
        team=team, created_by=by, submission_token=submission_token, **map_values
    )
    ValueStreamStep.objects.bulk_create([ValueStreamStep(map=m, **v) for v in step_values])
    audit.record(by, "vsm.imported", m, {"steps": len(step_values)})
    return m
