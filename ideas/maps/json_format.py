"""The value-stream map JSON format (docs/vsm-format.md): export, and an all-or-nothing import
that names the JSON path of the first thing wrong with each bad field."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from ideas.maps import calc
from ideas.maps.models import ValueStreamMap, ValueStreamStep
from leanhub import audit, policy
from leanhub.models import Team, User

FORMAT = "leanhub-vsm"
VERSION = 1
MAX_BYTES = 2_000_000
MAX_STEPS = 500
# The format nests five deep (document, steps, a step, its wait, the wait's variants); anything
# far deeper is not a map, and is refused before it can exhaust the stack.
MAX_DEPTH = 20
# No number may exceed this: a little over the longest time the map page accepts (99,999,999.9999
# days in seconds), and small enough that no figure computed from it overflows.
MAX_NUMBER = 1e13
# The map page takes four decimal places; a smaller non-zero value would only be a divisor that
# turns a figure infinite.
SMALLEST = 0.0001
# A refusal lists this many problems at most: enough to fix a file, short enough to read.
MAX_PROBLEMS = 100
# Neither can be stored (PostgreSQL refuses NUL in text; an unpaired surrogate is not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


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


def _too_big() -> str:
    return _("$: the file is larger than %(mb)s MB.") % {"mb": f"{MAX_BYTES / 1_000_000:g}"}


def read_upload(upload: IO[bytes]) -> object:
    """The document in an uploaded file; refuse one over :data:`MAX_BYTES` by its declared size
    before reading it, and never read more than that."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportRefused([_too_big()])
    return read_json(upload.read(MAX_BYTES + 1))


def read_path(path: Path) -> object:
    """The document in the file at ``path``, refused like an upload when too big."""
    if path.stat().st_size > MAX_BYTES:
        raise ImportRefused([_too_big()])
    with path.open("rb") as file:
        return read_json(file.read(MAX_BYTES + 1))


def _parse_int(digits: str) -> int | float:
    # Python refuses to convert more than 4,300 digits (and converting fewer is slow); any integer
    # this long is out of range anyway, so it becomes infinity and is refused as too large.
    if len(digits) > 20:
        return -math.inf if digits.startswith("-") else math.inf
    return int(digits)


def read_json(raw: bytes | str) -> object:
    """Parse UTF-8 JSON text (a byte-order mark is allowed), or raise :class:`ImportRefused`
    saying why not: too big, not UTF-8, not JSON, or nested too deeply."""
    if len(raw) > MAX_BYTES:
        raise ImportRefused([_too_big()])
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as bad:
            message = _(
                "$: the file is not UTF-8 text (byte %(at)s cannot be read): "
                "save it as UTF-8 and try again."
            )
            raise ImportRefused([message % {"at": f"{bad.start + 1:,}"}]) from None
    raw = raw.removeprefix("\ufeff")
    try:
        return json.loads(raw, parse_int=_parse_int)
    except json.JSONDecodeError as bad:
        message = _("$: not valid JSON (%(error)s at line %(line)s, column %(column)s).")
        raise ImportRefused(
            [message % {"error": bad.msg, "line": bad.lineno, "column": bad.colno}]
        ) from None
    except RecursionError:
        # json's parser recurses once per level; the stack runs out long before a megabyte does.
        raise ImportRefused([_too_deep()]) from None


def _too_deep() -> str:
    return _("$: nested more than %(n)s levels deep; a map file nests at most 5.") % {
        "n": MAX_DEPTH
    }


def _printable(key: str) -> str:
    """A key as it may appear in a message: unstorable characters escaped, long keys cut."""
    key = _UNSTORABLE.sub(lambda c: f"\\u{ord(c.group()):04x}", key)
    return key if len(key) <= 60 else key[:60] + "…"


# Where a value sits, kept as (parent, key) links and spelt out only for a problem.
_Trail = tuple["_Trail", object] | None


def _spell(trail: _Trail) -> str:
    keys: list[object] = []
    while trail is not None:
        trail, key = trail
        keys.append(key)
    return "$" + "".join(
        f".{_printable(k)}" if isinstance(k, str) else f"[{k}]" for k in reversed(keys)
    )


def _scan(data: object) -> list[str]:
    """Problems no field check sees: nesting deeper than :data:`MAX_DEPTH`, and text (names of
    fields too) holding a character that cannot be stored. Walks with a stack, not recursion,
    and spells out a path only for a problem, so a large file is quick to check."""
    unstorable = _("holds a character that cannot be stored (NUL or an unpaired surrogate).")
    problems: list[str] = []
    stack: list[tuple[object, _Trail, int]] = [(data, None, 0)] if data else []
    while stack and len(problems) < MAX_PROBLEMS:
        value, trail, depth = stack.pop()
        if depth >= MAX_DEPTH:
            return [_too_deep()]
        if isinstance(value, dict):
            items: Iterable[tuple[object, object]] = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        for key, item in items:
            if isinstance(key, str) and _UNSTORABLE.search(key):
                path = _spell((trail, key))
                problems.append(
                    _("%(path)s: the name %(problem)s") % {"path": path, "problem": unstorable}
                )
            if isinstance(item, str):
                if _UNSTORABLE.search(item):
                    problems.append(f"{_spell((trail, key))}: {unstorable}")
            elif isinstance(item, dict | list):
                stack.append((item, (trail, key), depth + 1))
    return problems


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], _("… and %(n)s more problems.") % {"n": f"{more:,}"}]


class _Reader:
    """Walks the document, collecting every problem with its path instead of stopping at one.
    It remembers which keys of each object it read, so :meth:`unknown` can name the rest."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.objects: list[tuple[dict, str]] = []
        self.read: dict[int, set[str]] = {}

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def get(self, d: dict[str, Any], key: str, default: object = None) -> object:
        """``d[key]`` (or ``default``), noting that the format has a field of that name."""
        self.read.setdefault(id(d), set()).add(key)
        return d.get(key, default)

    def unknown(self) -> None:
        """Name every field of an object that the format does not have (a typo, most often,
        whose value would otherwise be lost without a word)."""
        for d, path in self.objects:
            read = self.read.get(id(d), set())
            for key in d:
                if key not in read:
                    self.fail(
                        f"{path}.{_printable(str(key))}",
                        _("is not a field of the format (check the spelling)."),
                    )

    def obj(self, value: object, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, gettext("expected an object."))
            return {}
        self.objects.append((value, path))
        return value

    def text(
        self, d: dict[str, Any], key: str, path: str, *, required: bool = False, limit: int = 200
    ) -> str:
        value = self.get(d, key, "")
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
        value = self.get(d, key)
        # A list or object here is as wrong as a misspelt word, and cannot even be looked up.
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
        """A number within bounds, or None (not recorded). Every number is also at most
        :data:`MAX_NUMBER`, and none is non-zero yet below :data:`SMALLEST`."""
        value = self.get(d, key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{path}.{key}", gettext("expected a number or null."))
            return None
        if isinstance(value, float) and math.isnan(value):
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
        elif abs(value) > MAX_NUMBER:
            message = _("is too large (at most %(max)s).") % {"max": f"{MAX_NUMBER:,.0f}"}
            self.fail(f"{path}.{key}", message)
        elif 0 < abs(value) < SMALLEST:
            message = _("is too small: give 0 or at least %(min)s.") % {"min": SMALLEST}
            if positive:
                message = _("must be at least %(min)s.") % {"min": SMALLEST}
            self.fail(f"{path}.{key}", message)
        else:
            return float(value)
        return None

    def decimal(self, d: dict[str, Any], key: str, path: str, places: int, digits: int) -> Decimal:
        value = self.get(d, key)
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
        # Size first (without the context, which overflows): rounding a vast number is an error.
        if number.copy_abs() >= Decimal(10) ** (digits - places) or number != number.quantize(
            Decimal(1).scaleb(-places)
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
        inner = self.obj(self.get(d, key), f"{path}.{key}")
        unit = self.choice(inner, "unit", f"{path}.{key}", calc.UNIT_SECONDS)
        seconds = self.number(inner, "seconds", f"{path}.{key}")
        if required and seconds is None:
            self.fail(f"{path}.{key}.seconds", gettext("is required."))
        return seconds, unit

    def variants_map(self, d: dict[str, Any], key: str, path: str) -> dict[str, float]:
        value = self.get(d, key) or {}
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
        inner = self.obj(self.get(d, key), f"{path}.{key}")
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
    every problem by JSON path (at most :data:`MAX_PROBLEMS` of them): wrong types at any level,
    fields the format does not have, numbers out of range, nesting deeper than
    :data:`MAX_DEPTH` and text that cannot be stored among them."""
    scanned = _scan(data)
    if scanned:
        raise ImportRefused(_capped(scanned))
    r = _Reader()
    doc = r.obj(data, "$")
    if doc and r.get(doc, "format") != FORMAT:
        r.fail("$.format", gettext('must be "%(format)s".') % {"format": FORMAT})
    if doc and r.get(doc, "version") != VERSION:
        r.fail("$.version", gettext("must be %(version)s.") % {"version": VERSION})
    m = r.obj(r.get(doc, "map"), "$.map") if doc else {}
    p = "$.map"
    shift_s, shift_unit = r.duration(m, "shift_length", p, required=True)
    breaks_s, breaks_unit = r.duration(m, "breaks", p, required=True)
    variants_raw = r.get(m, "variants") or []
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
    steps_raw = r.get(doc, "steps", []) if doc else []
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
    r.unknown()
    if r.problems:
        raise ImportRefused(_capped(r.problems))
    # Structure is sound: now the same checks the page makes (variants add up, breaks < shift…).
    probe = ValueStreamMap(**map_values)
    try:
        calc.validate(probe.as_input([ValueStreamStep(**v) for v in step_values]))
    except calc.InvalidInput as bad:
        raise ImportRefused(
            _capped([f"{_json_path(k)}: {v}" for k, v in bad.errors.items()])
        ) from None
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
