"""Reading downloads back in tests: a CSV file's rows, a workbook's rows (by openpyxl, as a
spreadsheet would open it), and the two compared cell by cell."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook

from leanhub.spreadsheets import FORMULA_STARTS, XLSX_CONTENT_TYPE


def body_bytes(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def is_xlsx(response: Any) -> bool:
    return response.get("Content-Type", "") == XLSX_CONTENT_TYPE


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_cells(data: bytes) -> list[list[Any]]:
    """The first sheet's values as openpyxl reads them (dates as datetimes, numbers as numbers),
    trailing empty cells of each row dropped."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        rows = []
        for values in book.worksheets[0].iter_rows(values_only=True):
            row = list(values)
            while row and row[-1] is None:
                row.pop()
            rows.append(row)
        return rows
    finally:
        book.close()


def xlsx_text(data: bytes) -> str:
    """Every cell of the workbook as text, one row a line: what a person would read in it."""
    return "\n".join(",".join("" if c is None else str(c) for c in row) for row in xlsx_cells(data))


def _same(text: str, value: Any) -> bool:
    if value is None:
        return text == ""
    if isinstance(value, datetime.datetime):
        return text in (value.date().isoformat(), value.isoformat(sep=" "))
    if isinstance(value, bool):
        return text == str(value)
    if isinstance(value, int | float):
        try:
            return Decimal(text) == Decimal(str(value)) or float(text) == float(value)
        except (InvalidOperation, ValueError):
            return False
    # The CSV file marks text a spreadsheet would run with an apostrophe; the workbook stores
    # the text itself as text.
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text == value


def differences(csv_data: bytes, xlsx_data: bytes) -> list[str]:
    """Where the workbook's cells say other than the CSV file's (empty: the same table)."""
    ours = csv_rows(csv_data)
    theirs = xlsx_cells(xlsx_data)
    found = []
    if len(ours) != len(theirs):
        found.append(f"{len(ours)} rows in the CSV file, {len(theirs)} in the workbook")
    for number, (row, values) in enumerate(zip(ours, theirs, strict=False), start=1):
        while row and row[-1] == "":
            row = row[:-1]
        if len(row) != len(values) or not all(map(_same, row, values)):
            found.append(f"row {number}: {row!r} against {values!r}")
    return found
