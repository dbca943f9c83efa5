"""Reading a CSV of observations: every row checked, nothing imported unless all rows pass.
No ORM here: the caller passes the measures it may write to and the dates they already hold. The
messages are for the person importing, in their language."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, ngettext

REQUIRED = ("measure", "date", "value")
MAX_ROWS = 50_000
# Other columns are ignored, but a first line of thousands is not a header of figures.
MAX_COLUMNS = 100
# What a spreadsheet runs as a formula when the cell opens; such a note is refused, not stored.
FORMULA_STARTS = ("=", "+", "-", "@")
# A value quoted back in a message is cut to this many characters.
QUOTE_LIMIT = 40
# What Observation.value and Observation.note hold (a test keeps these in step with the model):
# a row that does not fit is refused, never rounded or cut short.
MAX_DIGITS = 14
DECIMAL_PLACES = 4
MAX_NOTE = 200


@dataclass(frozen=True)
class Row:
    line: int
    measure_id: int
    date: date
    value: Decimal
    note: str
    ghost: bool = False
    recalculate: bool = False
    # The target in force from this row's date (until a row of the measure gives another).
    target: Decimal | None = None


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


# What an optional yes/no column (ghost, recalculate) may hold; empty is no.
YES = ("1", "yes", "y", "true")
NO = ("", "0", "no", "n", "false")


def _flag(text: str, column: str, problems: list[str]) -> bool:
    answer = text.strip().casefold()
    if answer in YES:
        return True
    if answer not in NO:
        problems.append(
            gettext("the %(column)s column says “%(text)s”: write yes or no (or leave it empty)")
            % {"column": column, "text": _quoted(text.strip())}
        )
    return False


def measure_key(name: str) -> str:
    """How a file's measure name is matched to a measure: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def parse(
    text: str,
    *,
    measures: Iterable[tuple[str, int]],
    existing: set[tuple[int, date]],
    chart_types: Mapping[int, str] | None = None,
    target_starts: Mapping[int, Iterable[date]] | None = None,
) -> ParseResult:
    """Check every row of ``text`` (columns: measure, date as YYYY-MM-DD, value, optional note,
    optional ghost — shown, not counted — and recalculate — new limits from this row — as yes
    or no, and an optional target: the target in force from the row's date, until a later row
    of the measure gives another; empty leaves the target as it is).

    ``chart_types`` gives each measure's chart type (xmr, t or g; XmR when not given): only an
    XmR chart ghosts points or has a target, and a G chart's figures are whole numbers, 0 or
    more. ``target_starts`` gives the start dates of each measure's targets over time already
    set: a row's target may not start on or before one of them (it would be overruled, or
    overrule it, without saying so).

    ``measures`` holds the (name, id) of each measure the importer may write to; a name that two
    of them share (ignoring case and spacing) cannot say which one a row means, so such rows are
    errors. ``existing`` holds the (measure id, date) pairs already recorded. Returns the rows,
    or a per-row list of errors, numbered by line as a spreadsheet numbers its rows (the header
    is line 1 unless blank lines come before it). A value or note that would not fit the
    database is an error, never rounded or cut short; so is a note a spreadsheet would run as a
    formula. A file holding a NUL character, with more than :data:`MAX_COLUMNS` columns, or a
    value longer than the csv module's field limit is refused with one error saying so.
    """
    nul = text.find("\x00")
    if nul >= 0:
        # Not text: most often a spreadsheet saved in its own format. PostgreSQL cannot store it.
        message = gettext(
            "The file holds a NUL character (a zero byte), so it is not plain-text CSV: "
            "save it as CSV (UTF-8) and try again."
        )
        return ParseResult(errors=[(text.count("\n", 0, nul) + 1, message)])
    ids_by_key: dict[str, list[int]] = defaultdict(list)
    for name, pk in measures:
        ids_by_key[measure_key(name)].append(pk)

    result = ParseResult()
    # csv.reader, not DictReader: DictReader skips blank lines without counting them, and the
    # line numbers must match the rows a spreadsheet shows.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    lines = enumerate(reader, start=1)
    try:
        header_line, header = next(((n, f) for n, f in lines if _filled(f)), (1, []))
        if len(header) > MAX_COLUMNS:
            message = gettext(
                "The first line has %(n)s columns; a file of figures has at most %(max)s."
            ) % {"n": f"{len(header):,}", "max": MAX_COLUMNS}
            result.errors.append((header_line, message))
            return result
        headers = [h.strip().lower() for h in header]
        missing = [h for h in REQUIRED if h not in headers]
        if missing:
            message = gettext("Missing column(s): %(columns)s. The first line must name them.") % {
                "columns": ", ".join(missing)
            }
            result.errors.append((header_line, message))
            return result
        repeated = sorted({h for h in headers if h and headers.count(h) > 1})
        if repeated:
            message = gettext("Column(s) named twice: %(columns)s.") % {
                "columns": ", ".join(repeated)
            }
            result.errors.append((header_line, message))
            return result
        seen: dict[tuple[int, date], int] = {}
        checked = 0
        for line, fields in lines:
            if not _filled(fields):
                continue
            checked += 1
            if checked > MAX_ROWS:
                message = gettext("More than %(max)s rows: split the file.") % {
                    "max": f"{MAX_ROWS:,}"
                }
                result.errors.append((line, message))
                break
            problems: list[str] = []
            if _filled(fields[len(headers) :]):
                problems.append(
                    ngettext(
                        "%(values)s value for %(columns)s columns "
                        "(a number written with commas needs quotes)",
                        "%(values)s values for %(columns)s columns "
                        "(a number written with commas needs quotes)",
                        len(fields),
                    )
                    % {"values": len(fields), "columns": len(headers)}
                )
            raw = dict(zip(headers, fields, strict=False))
            name = raw.get("measure", "").strip()
            measure_id = _measure(name, ids_by_key, problems)
            day = _date(raw.get("date", ""), problems)
            value = _value(raw.get("value", ""), problems)
            note = raw.get("note", "").strip()
            if len(note) > MAX_NOTE:
                problems.append(
                    ngettext(
                        "the note is %(length)s character long; at most %(max)s fit",
                        "the note is %(length)s characters long; at most %(max)s fit",
                        len(note),
                    )
                    % {"length": len(note), "max": MAX_NOTE}
                )
            elif note.startswith(FORMULA_STARTS):
                problems.append(
                    gettext(
                        "the note starts with “%(char)s”, so a spreadsheet would run it as a "
                        "formula: begin it with a word, or put an apostrophe (') before it"
                    )
                    % {"char": note[0]}
                )
            ghost = _flag(raw.get("ghost", ""), "ghost", problems)
            recalculate = _flag(raw.get("recalculate", ""), "recalculate", problems)
            target = None
            if raw.get("target", "").strip():
                of_target: list[str] = []
                target = _value(raw["target"], of_target)
                problems += [gettext("the target %(problem)s") % {"problem": p} for p in of_target]
            if measure_id is not None:
                kind = (chart_types or {}).get(measure_id, "xmr")
                if kind != "xmr" and ghost:
                    problems.append(
                        gettext("“%(measure)s” is not an XmR chart, so it cannot ghost points")
                        % {"measure": _quoted(name)}
                    )
                if kind != "xmr" and target is not None:
                    problems.append(
                        gettext("“%(measure)s” is a chart of rare events, which has no target")
                        % {"measure": _quoted(name)}
                    )
                if kind == "g" and value is not None and (value < 0 or value != int(value)):
                    problems.append(
                        gettext(
                            "“%(measure)s” counts cases between events: the value must be a "
                            "whole number, 0 or more"
                        )
                        % {"measure": _quoted(name)}
                    )
                if target is not None and day is not None:
                    later = sorted(d for d in (target_starts or {}).get(measure_id, ()) if d >= day)
                    if later:
                        problems.append(
                            gettext(
                                "a target from %(start)s is already set for “%(measure)s”: "
                                "remove it on the measure's settings page first, or leave "
                                "this row's target empty"
                            )
                            % {"start": later[0], "measure": _quoted(name)}
                        )
            if measure_id is not None and day is not None:
                key = (measure_id, day)
                if key in existing:
                    problems.append(
                        gettext("%(date)s is already recorded for “%(measure)s”")
                        % {"date": day, "measure": _quoted(name)}
                    )
                elif key in seen:
                    problems.append(
                        gettext("%(date)s for “%(measure)s” repeats line %(line)s")
                        % {"date": day, "measure": _quoted(name), "line": seen[key]}
                    )
                else:
                    seen[key] = line
            if problems:
                message = "; ".join(problems)
                # Upper-case the first letter only: the rest quotes the file, names as written.
                result.errors.append((line, message[0].upper() + message[1:] + "."))
            # A part is None only when a problem was noted, so with none noted, none is None.
            elif (
                not result.errors
                and measure_id is not None
                and day is not None
                and value is not None
            ):
                result.rows.append(
                    Row(line, measure_id, day, value, note, ghost, recalculate, target)
                )
    except csv.Error as error:  # e.g. a quote never closed, swallowing the rest of the file
        if "field larger than field limit" in str(error):
            # Most often also an open quote, once the rest of the file is long enough.
            message = gettext(
                "The file stops being valid CSV here: a value runs on for more than %(n)s "
                "characters. Is a quote left open?"
            ) % {"n": f"{csv.field_size_limit():,}"}
        else:
            message = gettext(
                "The file stops being valid CSV here: is a quote left open? (%(error)s)"
            ) % {"error": error}
        result.errors.append((reader.line_num, message))
    if result.errors:
        result.rows.clear()
    elif not result.rows:
        result.errors.append((1, gettext("The file has no rows to import.")))
    return result


def _quoted(text: str) -> str:
    """``text`` as a message quotes it: whole, or its start and an ellipsis when long."""
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"


def _filled(fields: list[str]) -> bool:
    return any(f.strip() for f in fields)


def _measure(name: str, ids_by_key: dict[str, list[int]], problems: list[str]) -> int | None:
    ids = ids_by_key.get(measure_key(name), [])
    if not name:
        problems.append(gettext("no measure given"))
    elif not ids:
        problems.append(gettext("unknown measure “%(measure)s”") % {"measure": _quoted(name)})
    elif len(ids) > 1:
        problems.append(
            ngettext(
                "“%(measure)s” is the name of %(count)s measure here: rename one of them, "
                "then import again",
                "“%(measure)s” is the name of %(count)s measures here: rename one of them, "
                "then import again",
                len(ids),
            )
            % {"measure": _quoted(name), "count": len(ids)}
        )
    return ids[0] if len(ids) == 1 else None


def _date(raw: str, problems: list[str]) -> date | None:
    text = raw.strip()
    if not text:
        problems.append(gettext("no date given"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(
            gettext("“%(text)s” is not a date (use YYYY-MM-DD)") % {"text": _quoted(text)}
        )
        return None


def _value(raw: str, problems: list[str]) -> Decimal | None:
    text = raw.strip()
    if not text:
        problems.append(gettext("no value given"))
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        problems.append(gettext("“%(text)s” is not a number") % {"text": _quoted(text)})
        return None
    # copy_abs, not abs(): abs() rounds to the context, which overflows on a vast exponent.
    if value.copy_abs() >= Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES):
        problems.append(gettext("“%(text)s” is too large") % {"text": _quoted(text)})
        return None
    if value != value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES)):
        problems.append(
            ngettext(
                "“%(text)s” has more than %(count)s decimal place",
                "“%(text)s” has more than %(count)s decimal places",
                DECIMAL_PLACES,
            )
            % {"text": _quoted(text), "count": DECIMAL_PLACES}
        )
        return None
    return value
