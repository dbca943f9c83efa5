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
import io
import itertools
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

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


def _text_cell(sheet: object, text: str) -> object:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=None)  # type: ignore[arg-type]
    cell._value = text
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def xlsx_value(sheet: object, value: object) -> object:
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


def template_rows(header: Iterable[str], example: Iterable[object]) -> list[list[object]]:
    """A template file's cells: the columns, then one example row."""
    return [list(header), list(example)]


def is_lazy_text(value: object) -> bool:
    return isinstance(value, Promise)
