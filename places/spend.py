"""Reading spend lines from a spreadsheet and summing them up for the place page.

No ORM here: the caller passes the organisations and themes by name and the figures by key, so
both halves can be tested on plain data. Every row is checked; a file with any bad row imports
nothing. Money stays ``Decimal`` to the penny; only display rounds.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

REQUIRED = ("organisation", "theme", "year", "amount")
OPTIONAL = ("outcome",)
MAX_ROWS = 20_000
MAX_COLUMNS = 50
MAX_NAME = 120
MAX_OUTCOME = 200
# What SpendLine.amount holds: 16 digits, 2 after the point.
MAX_AMOUNT = Decimal("99999999999999.99")
QUOTE_LIMIT = 40
FORMULA_STARTS = ("=", "+", "-", "@")
YEAR_RE = re.compile(r"^(?P<start>\d{4})(?:\s*[-/–]\s*(?P<end>\d{2}|\d{4}))?$")


def name_key(name: str) -> str:
    """How names in a file are matched: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def _quote(value: str) -> str:
    value = value.strip()
    return value if len(value) <= QUOTE_LIMIT else value[: QUOTE_LIMIT - 1] + "…"


@dataclass(frozen=True)
class Row:
    line: int
    organisation_id: int
    theme: str  # the theme's name as the place knows it, or as the file gives a new one
    year: int
    outcome: str
    amount: Decimal


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def rows_from_csv(data: bytes) -> Iterator[list[str]]:
    """The cells of a CSV file (UTF-8, with or without a byte-order mark)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            gettext("The file is not UTF-8 text: save it as CSV (UTF-8) and try again.")
        ) from error
    if "\x00" in text:
        raise ValueError(gettext("The file holds a NUL character, so it is not plain-text CSV."))
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as error:
        message = gettext("The CSV file cannot be read: %(error)s") % {"error": error}
        raise ValueError(message) from error


def rows_from_xlsx(data: bytes) -> Iterator[list[str]]:
    """The cells of the first sheet of an Excel workbook, as text."""
    from openpyxl import load_workbook  # imported here: only imports need it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValueError(
            gettext("The file is not an Excel workbook (.xlsx) that can be read.")
        ) from error
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield ["" if value is None else _cell_text(value) for value in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value)


def parse(
    cells: Iterable[list[str]],
    *,
    organisations: Mapping[str, int],
    themes: Mapping[str, str],
) -> ParseResult:
    """Check every row. ``organisations`` maps :func:`name_key` of each organisation name to its
    id; ``themes`` maps the key of each of the place's theme names to the name itself. A theme the
    place does not have yet is created by the import, and listed in ``new_themes`` for the
    preview. Lines are numbered as a spreadsheet numbers its rows (the header is line 1)."""
    result = ParseResult()
    header: list[str] | None = None
    seen: dict[tuple[int, str, int, str], int] = {}
    new_themes: dict[str, str] = {}
    line = 0
    try:
        for line, cells_in_row in enumerate(cells, start=1):
            if len(cells_in_row) > MAX_COLUMNS:
                result.errors = [
                    (line, gettext("The file has more than %(n)d columns.") % {"n": MAX_COLUMNS})
                ]
                return result
            if header is None:
                if not any(cell.strip() for cell in cells_in_row):
                    continue
                header = [name_key(cell) for cell in cells_in_row]
                missing = [column for column in REQUIRED if column not in header]
                if missing:
                    result.errors.append(
                        (
                            line,
                            gettext(
                                "The header must name the columns %(columns)s; missing: %(missing)s."
                            )
                            % {
                                "columns": ", ".join(REQUIRED + OPTIONAL),
                                "missing": ", ".join(missing),
                            },
                        )
                    )
                    return result
                continue
            if not any(cell.strip() for cell in cells_in_row):
                continue
            if len(result.rows) + len(result.errors) >= MAX_ROWS:
                result.errors.append(
                    (line, gettext("A file may hold at most %(n)d lines.") % {"n": MAX_ROWS})
                )
                return result
            record = dict(zip(header, (cell.strip() for cell in cells_in_row), strict=False))
            row = _check(line, record, organisations, themes, new_themes, result.errors)
            if row is None:
                continue
            key = (row.organisation_id, name_key(row.theme), row.year, name_key(row.outcome))
            if key in seen:
                result.errors.append(
                    (
                        line,
                        gettext(
                            "This line repeats line %(line)d (same organisation, theme, year and outcome)."
                        )
                        % {"line": seen[key]},
                    )
                )
                continue
            seen[key] = line
            result.rows.append(row)
    except ValueError as error:
        result.errors.append((line + 1, str(error)))
        return result
    if header is None:
        result.errors.append((1, gettext("The file is empty.")))
    elif not result.rows and not result.errors:
        result.errors.append((line, gettext("The file has a header but no lines of spend.")))
    if result.errors:
        result.rows = []
    result.new_themes = sorted(new_themes.values(), key=name_key)
    return result


def _check(
    line: int,
    record: Mapping[str, str],
    organisations: Mapping[str, int],
    themes: Mapping[str, str],
    new_themes: dict[str, str],
    errors: list[tuple[int, str]],
) -> Row | None:
    problems: list[str] = []
    org_name = record.get("organisation", "")
    organisation_id = organisations.get(name_key(org_name))
    if organisation_id is None:
        problems.append(
            gettext("No organisation is called “%(name)s”.") % {"name": _quote(org_name)}
            if org_name
            else gettext("The organisation is missing.")
        )
    theme_name = " ".join(record.get("theme", "").split())
    if not theme_name:
        problems.append(gettext("The theme is missing."))
    elif len(theme_name) > MAX_NAME:
        problems.append(
            gettext("The theme name is longer than %(n)d characters.") % {"n": MAX_NAME}
        )
    elif theme_name.startswith(FORMULA_STARTS):
        problems.append(gettext("The theme name starts like a spreadsheet formula."))
    else:
        known = themes.get(name_key(theme_name))
        if known is None:
            known = new_themes.setdefault(name_key(theme_name), theme_name)
        theme_name = known
    year = _year(record.get("year", ""), problems)
    amount = _amount(record.get("amount", ""), problems)
    outcome = " ".join(record.get("outcome", "").split())
    if len(outcome) > MAX_OUTCOME:
        problems.append(
            gettext("The outcome is longer than %(n)d characters.") % {"n": MAX_OUTCOME}
        )
    elif outcome.startswith(FORMULA_STARTS):
        problems.append(gettext("The outcome starts like a spreadsheet formula."))
    if problems:
        errors.extend((line, problem) for problem in problems)
        return None
    assert organisation_id is not None and year is not None and amount is not None
    return Row(line, organisation_id, theme_name, year, outcome, amount)


def _year(value: str, problems: list[str]) -> int | None:
    match = YEAR_RE.match(value.strip())
    if not match:
        problems.append(
            gettext("“%(value)s” is not a financial year: write 2024 or 2024-25.")
            % {"value": _quote(value)}
        )
        return None
    start = int(match["start"])
    end = match["end"]
    if end is not None and int(end[-2:]) != (start + 1) % 100:
        problems.append(
            gettext(
                "“%(value)s” is not one financial year: it should end the year after it starts."
            )
            % {"value": _quote(value)}
        )
        return None
    if not 1990 <= start <= 2100:
        problems.append(gettext("The year %(year)d is out of range.") % {"year": start})
        return None
    return start


def _amount(value: str, problems: list[str]) -> Decimal | None:
    cleaned = value.strip().replace(",", "").removeprefix("£").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        problems.append(
            gettext("“%(value)s” is not an amount of money.") % {"value": _quote(value)}
        )
        return None
    if not amount.is_finite():
        problems.append(
            gettext("“%(value)s” is not an amount of money.") % {"value": _quote(value)}
        )
        return None
    if amount < 0:
        problems.append(gettext("Spend cannot be negative."))
        return None
    if amount != amount.quantize(Decimal("0.01")):
        problems.append(
            gettext("Amounts are kept to the penny: %(value)s has more than two decimal places.")
            % {"value": _quote(value)}
        )
        return None
    if amount > MAX_AMOUNT:
        problems.append(gettext("The amount is too large to store."))
        return None
    return amount


# --- the summary for the place page ---


@dataclass(frozen=True)
class Share:
    key: int
    name: str
    amount: Decimal
    share: Decimal  # of the year's total, 0-1


@dataclass(frozen=True)
class Overlap:
    theme_id: int
    theme: str
    amount: Decimal
    agencies: list[Share]  # the agencies spending on this theme, largest first


@dataclass(frozen=True)
class YearTotal:
    year: int
    amount: Decimal
    change: Decimal | None  # against the year before, when there is one


@dataclass(frozen=True)
class Summary:
    year: int | None
    years: list[YearTotal]
    total: Decimal
    per_head: Decimal | None
    one_percent: Decimal
    by_agency: list[Share]
    by_theme: list[Share]
    overlaps: list[Overlap]
    matrix: dict[tuple[int, int], Decimal]  # (theme id, organisation id) -> amount


def summarise(
    sums: Iterable[tuple[int, int, int, Decimal]],
    *,
    organisations: Mapping[int, str],
    themes: Mapping[int, str],
    population: int | None,
    year: int | None = None,
) -> Summary:
    """``sums`` holds (year, organisation id, theme id, amount) totals. The summary is for
    ``year`` (the latest with spend when not given); year-on-year totals cover every year."""
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    cells: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for line_year, organisation_id, theme_id, amount in sums:
        by_year[line_year] += amount
        key = (theme_id, organisation_id)
        cells[line_year][key] = cells[line_year].get(key, Decimal(0)) + amount
    years: list[YearTotal] = []
    previous: Decimal | None = None
    for line_year in sorted(by_year):
        amount = by_year[line_year]
        years.append(YearTotal(line_year, amount, None if previous is None else amount - previous))
        previous = amount
    if year is None:
        year = max(by_year) if by_year else None
    matrix = cells.get(year, {}) if year is not None else {}
    total = sum(matrix.values(), Decimal(0))

    def shares(index: int, names: Mapping[int, str]) -> list[Share]:
        amounts: dict[int, Decimal] = defaultdict(Decimal)
        for key, amount in matrix.items():
            amounts[key[index]] += amount
        return sorted(
            (
                Share(key, names.get(key, "?"), amount, amount / total if total else Decimal(0))
                for key, amount in amounts.items()
            ),
            key=lambda share: (-share.amount, share.name),
        )

    by_theme = shares(0, themes)
    overlaps: list[Overlap] = []
    for theme in by_theme:
        agencies = sorted(
            (
                Share(
                    organisation_id,
                    organisations.get(organisation_id, "?"),
                    amount,
                    amount / theme.amount if theme.amount else Decimal(0),
                )
                for (theme_id, organisation_id), amount in matrix.items()
                if theme_id == theme.key and amount > 0
            ),
            key=lambda share: (-share.amount, share.name),
        )
        if len(agencies) >= 2:
            overlaps.append(Overlap(theme.key, theme.name, theme.amount, agencies))
    overlaps.sort(key=lambda overlap: (-len(overlap.agencies), -overlap.amount, overlap.theme))
    return Summary(
        year=year,
        years=years,
        total=total,
        per_head=total / population if population else None,
        one_percent=total / 100,
        by_agency=shares(1, organisations),
        by_theme=by_theme,
        overlaps=overlaps,
        matrix=matrix,
    )
