"""Reading a CSV of observations: every row checked, nothing imported unless all rows pass.
No ORM here: the caller passes the measures it may write to and the dates they already hold."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

REQUIRED = ("measure", "date", "value")
MAX_ROWS = 50_000


@dataclass(frozen=True)
class Row:
    line: int
    measure_id: int
    date: date
    value: Decimal
    note: str


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def parse(
    text: str,
    *,
    measures: dict[str, int],
    existing: set[tuple[int, date]],
) -> ParseResult:
    """Check every row of ``text`` (columns: measure, date as YYYY-MM-DD, value, optional note).

    ``measures`` maps lower-cased measure names to ids the importer may write to; ``existing``
    holds the (measure id, date) pairs already recorded. Returns the rows, or a per-row list of
    errors (line numbers as a spreadsheet shows them, the header being line 1).
    """
    result = ParseResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        result.errors.append((1, f"Missing column(s): {', '.join(missing)}."))
        return result
    reader.fieldnames = headers
    seen: dict[tuple[int, date], int] = {}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            result.errors.append((line, f"More than {MAX_ROWS:,} rows: split the file."))
            break
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        problems = []
        name = (raw.get("measure") or "").strip()
        measure_id = measures.get(name.lower())
        if measure_id is None:
            problems.append(f"unknown measure “{name}”" if name else "no measure given")
        try:
            day = date.fromisoformat((raw.get("date") or "").strip())
        except ValueError:
            day = None
            problems.append(f"“{raw.get('date') or ''}” is not a date (use YYYY-MM-DD)")
        try:
            value = Decimal((raw.get("value") or "").strip().replace(",", ""))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            value = None
            problems.append(f"“{raw.get('value') or ''}” is not a number")
        if measure_id is not None and day is not None:
            key = (measure_id, day)
            if key in existing:
                problems.append(f"{day} is already recorded for “{name}”")
            elif key in seen:
                problems.append(f"{day} for “{name}” repeats line {seen[key]}")
            else:
                seen[key] = line
        if problems:
            result.errors.append((line, "; ".join(problems).capitalize() + "."))
        elif not result.errors:
            result.rows.append(Row(line, measure_id, day, value, (raw.get("note") or "")[:200]))
    if result.errors:
        result.rows.clear()
    elif not result.rows:
        result.errors.append((1, "The file has no rows to import."))
    return result
