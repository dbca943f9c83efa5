"""Spreadsheets in and out: every download offered as CSV is also offered as an Excel workbook
(XLSX), and imports read CSV or XLSX into rows of text under the same limits.

Writing. :func:`xlsx_chunks` builds a workbook with openpyxl's write-only mode (each row goes
to a temporary file as it is added, strings inline, so memory does not grow with the rows) and
streams the finished file out of a spooled temporary file. A cell keeps its Python type: numbers
are numbers, dates are dates (shown as YYYY-MM-DD); text is always a text cell, never a formula,
and text starting with = + - or @ is stored with Excel's own quote prefix, as if typed with an
apostrophe, so editing the cell does not turn it into one either. The CSV downloads prefix such
text with an apostrophe (:func:`leanhub.http.csv_safe`); both keep a spreadsheet from running
what someone typed.

Reading. :func:`read_table` takes an uploaded file's bytes and name and gives its rows as lists
of strings, or raises :class:`SpreadsheetError` with a message for the person: not UTF-8, a NUL
byte, too large, too many rows or columns, an XLSX that is not a workbook or that unpacks to far
more than it weighs (a zip bomb). Rows are read one at a time and reading stops at the row limit,
so a huge sheet costs no more than the limit.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import itertools
import re
import secrets
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a spreadsheet runs as a formula when a cell starting so is typed or opened from CSV.
FORMULA_STARTS = ("=", "+", "-", "@")

# Characters XML 1.0 cannot hold (openpyxl refuses them): dropped from a cell's text.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Rows added to a workbook between two checks of the language, as the CSV downloads do.
XLSX_CHUNK_ROWS = 1000
# A finished workbook up to this size is streamed from memory, a bigger one from a file on disk.
XLSX_SPOOL_BYTES = 4 * 1024 * 1024
XLSX_BLOCK_BYTES = 64 * 1024


class Rounded(float):
    """A figure written to six significant digits: "12.3457" in a CSV file, the number 12.3457
    in a workbook (the csv module writes a float by its ``repr``)."""

    def __new__(cls, value: float) -> Rounded:
        return super().__new__(cls, f"{value:.6g}")

    def __repr__(self) -> str:
        return f"{float(self):.6g}"

    __str__ = __repr__


def _text_cell(sheet: Any, text: str) -> object:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl takes text starting with = for a formula
    cell.quotePrefix = True
    return cell


def xlsx_value(sheet: Any, value: object) -> object:
    """``value`` as a cell of the write-only ``sheet``: numbers, dates and empty cells as they
    are, lazily translated text as text, text that could be read as a formula as a text cell
    with the quote prefix, an aware moment as the local time of day."""
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = value if isinstance(value, str) else str(value)
    if ILLEGAL_CHARACTERS.search(text):
        text = ILLEGAL_CHARACTERS.sub("", text)
    if text.startswith(FORMULA_STARTS):
        return _text_cell(sheet, text)
    return text


def xlsx_chunks(
    header: Iterable[object],
    rows: Iterable[Iterable[object]],
    *,
    title: str = "",
    chunk_rows: int = XLSX_CHUNK_ROWS,
) -> Iterator[bytes]:
    """An XLSX workbook of one sheet, ``header`` then ``rows``, as blocks of bytes.

    The rows are read (and their cells worded) in the language active now, the request's,
    though a streamed response is read after the view has returned. The file is whole only
    when the last row is in (a workbook is a zip), so the first block comes then; memory
    stays flat meanwhile (see the module's docstring)."""
    language = translation.get_language()
    iterator = iter(rows)
    header = list(header)

    def blocks() -> Iterator[bytes]:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=(title or "Sheet")[:31])
        with translation.override(language):
            sheet.append([xlsx_value(sheet, str(cell)) for cell in header])
        while True:
            with translation.override(language):
                batch = list(itertools.islice(iterator, chunk_rows))
                for row in batch:
                    sheet.append([xlsx_value(sheet, cell) for cell in row])
            if len(batch) < chunk_rows:
                break
        with tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES) as out:
            book.save(out)
            out.seek(0)
            while block := out.read(XLSX_BLOCK_BYTES):
                yield block

    return blocks()


def cell_text(value: object) -> str:
    """A cell read from a workbook as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# --- Reading ------------------------------------------------------------------------------------


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message is for the person who sent it."""


@dataclass(frozen=True)
class Limits:
    """What an import reads at most: the file's size in bytes, its rows (the header aside) and
    its columns, and how much an XLSX may unpack to."""

    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 5000
    max_columns: int = 50
    max_unpacked_bytes: int = 100 * 1024 * 1024


def kind_of(name: str) -> str:
    """``csv`` or ``xlsx`` from a file's name; refuses any other kind."""
    lowered = name.lower()
    if lowered.endswith(".csv") or lowered.endswith(".txt"):
        return "csv"
    if lowered.endswith(".xlsx"):
        return "xlsx"
    raise SpreadsheetError(
        gettext("Send a CSV file (.csv) or an Excel workbook (.xlsx); “%(name)s” is neither.")
        % {"name": name[:60]}
    )


def read_table(data: bytes, name: str, *, limits: Limits | None = None) -> list[list[str]]:
    """The rows of the file ``name`` (CSV or XLSX, by its ending) as lists of text, the header
    first, blank rows kept (so row numbers match what a spreadsheet shows) and trailing blank
    rows dropped. Raises :class:`SpreadsheetError` for a file too big, with too many rows or
    columns, empty, or not readable as its kind."""
    limits = limits or Limits()
    kind = kind_of(name)
    if not data:
        raise SpreadsheetError(gettext("The file is empty."))
    if len(data) > limits.max_bytes:
        raise SpreadsheetError(
            gettext("The file is %(size)s MB; at most %(max)s MB can be imported.")
            % {
                "size": f"{len(data) / 1024 / 1024:.1f}",
                "max": f"{limits.max_bytes / 1024 / 1024:g}",
            }
        )
    cells = _csv_rows(data) if kind == "csv" else _xlsx_rows(data, limits)
    rows: list[list[str]] = []
    filled = 0
    too_many = SpreadsheetError(
        gettext("The file has more than %(max)s rows: split it and import each part.")
        % {"max": f"{limits.max_rows:,}"}
    )
    for number, row in enumerate(cells, start=1):
        if len(row) > limits.max_columns and any(c.strip() for c in row[limits.max_columns :]):
            raise SpreadsheetError(
                gettext("Row %(row)s has more than %(max)s columns.")
                % {"row": number, "max": limits.max_columns}
            )
        rows.append(row[: limits.max_columns])
        filled += any(c.strip() for c in row)
        # The header and max_rows rows; blank rows count too past twice that, so a sheet of
        # a million formatted but empty rows is not read to its end.
        if filled > limits.max_rows + 1 or number > 2 * (limits.max_rows + 1):
            raise too_many
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise SpreadsheetError(gettext("The file is empty."))
    return rows


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            gettext("The file is not UTF-8 text: save it as CSV (UTF-8) and try again.")
        ) from error
    nul = text.find("\x00")
    if nul >= 0:
        raise SpreadsheetError(
            gettext(
                "Row %(row)s holds a NUL character (a zero byte), so the file is not plain-text "
                "CSV: save it as CSV (UTF-8) and try again."
            )
            % {"row": text.count("\n", 0, nul) + 1}
        )
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error as error:
        raise SpreadsheetError(
            gettext("The file stops being valid CSV at row %(row)s: is a quote left open?")
            % {"row": reader.line_num}
        ) from error


def _xlsx_rows(data: bytes, limits: Limits) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    not_a_workbook = gettext("The file is not an Excel workbook (.xlsx) that can be read.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SpreadsheetError(not_a_workbook) from error
    if unpacked > limits.max_unpacked_bytes:
        raise SpreadsheetError(
            gettext(
                "The workbook unpacks to more than %(max)s MB: save only the sheet to import, "
                "or save it as CSV."
            )
            % {"max": f"{limits.max_unpacked_bytes / 1024 / 1024:g}"}
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise SpreadsheetError(not_a_workbook) from error
    try:
        if not book.worksheets:
            raise SpreadsheetError(not_a_workbook)
        sheet = book.worksheets[0]
        try:
            for values in sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1):
                yield [cell_text(value) for value in values]
        except SpreadsheetError:
            raise
        except Exception as error:  # a damaged sheet inside a readable zip
            raise SpreadsheetError(not_a_workbook) from error
    finally:
        book.close()


def header_key(name: str) -> str:
    """How a column's name is matched: case, spacing and underscores do not count."""
    return " ".join(name.replace("_", " ").split()).casefold()


# How long a previewed import may wait for its confirmation.
PREVIEW_MAX_AGE = datetime.timedelta(hours=1)


def import_key(preview: str) -> str:
    """What one previewed file is known by when it is confirmed (its signed rows, see
    :func:`sign_table`): the same preview confirmed twice (a double click) has the same key; the
    same file previewed again has another."""
    return hashlib.sha256(preview.encode()).hexdigest()[:32] if preview else ""


class AlreadyImported(ValidationError):
    """The same previewed file was imported already (a confirmation sent twice): nothing was
    added again. ``count``: how many rows the first confirmation added."""

    refusal = _("These rows were imported already: nothing was added again.")

    def __init__(self, count: int) -> None:
        super().__init__(str(self.refusal))
        self.count = count


def sign_table(table: list[list[str]], *, purpose: str, user_id: int) -> str:
    """The rows of a previewed file, signed for its confirmation by the same person for the
    same ``purpose`` (e.g. ``ideas-import:<team id>``): held in the confirmation form, so nothing
    is stored between the preview and the confirmation. Each preview's token is its own (a
    random part is signed with the rows), so an import can tell the same preview confirmed
    twice from the same file previewed again."""
    from django.core import signing

    return signing.dumps(
        {"table": table, "user": user_id, "preview": secrets.token_hex(8)},
        salt=f"leanhub.import.{purpose}",
        compress=True,
    )


def unsign_table(token: str, *, purpose: str, user_id: int) -> list[list[str]]:
    """The rows :func:`sign_table` signed, if they were signed for this person and purpose in
    the last hour; otherwise :class:`SpreadsheetError` saying to send the file again."""
    from django.core import signing

    again = gettext("The preview has expired or was changed: send the file again.")
    try:
        data = signing.loads(token, salt=f"leanhub.import.{purpose}", max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature as error:
        raise SpreadsheetError(again) from error
    table = data.get("table") if isinstance(data, dict) else None
    if data.get("user") != user_id or not isinstance(table, list):
        raise SpreadsheetError(again)
    return [[str(cell) for cell in row] for row in table]


# --- Checking an import's rows -----------------------------------------------------------------

TEXT, DATE, DECIMAL, WHOLE, CHOICE, CHOICES = (
    "text",
    "date",
    "decimal",
    "whole",
    "choice",
    "choices",
)
# What a multiple-choice cell separates its choices with.
CHOICE_SEPARATORS = re.compile(r"\s*[;,]\s*")
QUOTE_LIMIT = 40


@dataclass(frozen=True)
class Column:
    """One column an import reads: its ``name`` in the file's header (matched by
    :func:`header_key`), what it holds for the page that documents it, and its kind.

    ``choices`` maps each accepted spelling (by :func:`header_key`: the stored value and the
    label a person reads) to the value stored. A number has at most ``max_digits`` digits,
    ``decimal_places`` after the point."""

    name: str
    help: object
    kind: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: dict[str, str] | None = None
    max_digits: int = 12
    decimal_places: int = 2
    example: str = ""


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or the whole row when ``column`` is empty)."""

    row: int
    column: str
    message: str


@dataclass
class Checked:
    """An import's rows after checking: each row's number and its values by column name (text,
    dates as ``datetime.date``, numbers as ``Decimal`` or ``int``, choices as stored values, a
    multiple choice as a list), and every problem found."""

    rows: list[tuple[int, dict[str, object]]]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _quoted(text: str) -> str:
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"


def check_table(table: list[list[str]], columns: Iterable[Column]) -> Checked:
    """Check every row of ``table`` (its header first, as :func:`read_table` gives it) against
    ``columns``: unknown, missing or repeated columns are refused by name at the header; then
    each cell is checked and every problem listed with its row and column. Blank rows are
    skipped (their numbers still count)."""
    by_key = {header_key(c.name): c for c in columns}
    errors: list[RowError] = []
    rows: list[tuple[int, dict[str, object]]] = []
    header_at = next((n for n, row in enumerate(table) if any(c.strip() for c in row)), None)
    if header_at is None:
        return Checked([], [RowError(1, "", gettext("The file is empty."))])
    header = [header_key(cell) for cell in table[header_at]]
    line = header_at + 1
    unknown = [name for name in header if name and name not in by_key]
    if unknown:
        errors.append(
            RowError(
                line,
                "",
                gettext("Unknown column(s): %(unknown)s. The columns are: %(known)s.")
                % {
                    "unknown": ", ".join(_quoted(u) for u in unknown),
                    "known": ", ".join(c.name for c in by_key.values()),
                },
            )
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        errors.append(
            RowError(
                line,
                "",
                gettext("Column(s) named twice: %(columns)s.") % {"columns": ", ".join(repeated)},
            )
        )
    missing = [c.name for key, c in by_key.items() if c.required and key not in header]
    if missing:
        errors.append(
            RowError(
                line,
                "",
                gettext("Missing column(s): %(columns)s. The first row must name them.")
                % {"columns": ", ".join(missing)},
            )
        )
    if errors:
        return Checked([], errors)
    for number, cells in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            errors.append(
                RowError(
                    number,
                    "",
                    gettext("The row has more values than the header has columns."),
                )
            )
            continue
        values: dict[str, object] = {}
        for key, text in zip(header, cells, strict=False):
            if not key:
                continue
            column = by_key[key]
            value, problem = _cell(column, text.strip())
            if problem:
                errors.append(RowError(number, column.name, problem))
            else:
                values[column.name] = value
        for column in by_key.values():
            if (
                column.required
                and not values.get(column.name)
                and not any(e.row == number and e.column == column.name for e in errors)
            ):
                errors.append(RowError(number, column.name, gettext("This column is required.")))
        rows.append((number, values))
    if not rows and not errors:
        errors.append(RowError(line, "", gettext("The file has no rows to import.")))
    return Checked(rows, errors)


def _cell(column: Column, text: str) -> tuple[object, str]:
    """The value of one cell, or the problem with it."""
    if not text:
        return ([] if column.kind == CHOICES else None), ""
    if column.kind == TEXT:
        if column.max_length and len(text) > column.max_length:
            return None, gettext("%(length)s characters; at most %(max)s fit.") % {
                "length": f"{len(text):,}",
                "max": f"{column.max_length:,}",
            }
        if text.startswith(FORMULA_STARTS):
            return None, gettext(
                "Starts with “%(char)s”, so a spreadsheet would run it as a formula: begin it "
                "with a word, or put an apostrophe (') before it."
            ) % {"char": text[0]}
        return text, ""
    if column.kind == DATE:
        day = _date(text)
        if day is None:
            return None, gettext("“%(text)s” is not a date: write YYYY-MM-DD or DD/MM/YYYY.") % {
                "text": _quoted(text)
            }
        return day, ""
    if column.kind in (DECIMAL, WHOLE):
        return _number(column, text)
    choices = column.choices or {}
    picked = CHOICE_SEPARATORS.split(text) if column.kind == CHOICES else [text]
    values, unknown = [], []
    for item in filter(None, picked):
        value = choices.get(header_key(item))
        if value is None:
            unknown.append(item)
        elif value not in values:
            values.append(value)
    if unknown:
        return None, gettext("“%(text)s” is not one of: %(choices)s.") % {
            "text": _quoted(", ".join(unknown)),
            "choices": ", ".join(sorted(set(choices.values()))),
        }
    return (values if column.kind == CHOICES else values[0]), ""


# A date written day first, as in the United Kingdom: 31/03/2026 (or 31-03-2026, 31.03.2026).
DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def _date(text: str) -> datetime.date | None:
    """The day ``text`` names, written YYYY-MM-DD (a workbook's date cell reads so, perhaps with
    a time after it) or day first, DD/MM/YYYY; None if it names none."""
    try:
        return datetime.date.fromisoformat(text[:10] if len(text) > 10 else text)
    except ValueError:
        pass
    match = DAY_FIRST.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _number(column: Column, text: str) -> tuple[object, str]:
    try:
        value = Decimal(text.replace(",", ""))
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite():
        return None, gettext("“%(text)s” is not a number.") % {"text": _quoted(text)}
    if value < 0:
        return None, gettext("“%(text)s” is below zero.") % {"text": _quoted(text)}
    places = 0 if column.kind == WHOLE else column.decimal_places
    if value != value.quantize(Decimal(1).scaleb(-places)):
        if column.kind == WHOLE:
            return None, gettext("“%(text)s” is not a whole number.") % {"text": _quoted(text)}
        return None, gettext("“%(text)s” has more than %(n)s decimal places.") % {
            "text": _quoted(text),
            "n": places,
        }
    if value.copy_abs() >= Decimal(10) ** (column.max_digits - places):
        return None, gettext("“%(text)s” is too large.") % {"text": _quoted(text)}
    return (int(value) if column.kind == WHOLE else value), ""


def choice_spellings(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Each (value, label) of a model's choices, accepted by either (see :class:`Column`)."""
    spellings: dict[str, str] = {}
    for value, label in choices:
        spellings[header_key(value)] = value
        spellings[header_key(str(label))] = value
    return spellings
