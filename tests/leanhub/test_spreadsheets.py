"""Every download offered as CSV answers as XLSX too, with the same cells: dates as date cells,
numbers as numbers, and text a spreadsheet would run as a formula kept as text."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

from django.urls import reverse
from openpyxl import load_workbook

from ideas.models import Idea
from leanhub.spreadsheets import XLSX_CONTENT_TYPE
from tests.spreadsheet_helpers import body_bytes, csv_rows, differences

ROOT = Path(__file__).resolve().parents[2]


def test_the_ideas_download_as_xlsx_holds_the_csv_rows_with_dates_numbers_and_no_formula(
    client, lee, team_a
):
    Idea.objects.create(
        team=team_a, author=lee, title="=HYPERLINK(\"http://x\")", problem="p",
        minutes_per_occurrence=5, occurrences_per_year=120, money_per_year=40,
    )  # fmt: skip
    client.force_login(lee)
    csv_data = body_bytes(client.get(reverse("ideas:export")))
    response = client.get(reverse("ideas:export"), {"format": "xlsx"})
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="ideas.xlsx"'
    data = body_bytes(response)
    assert not differences(csv_data, data)
    assert csv_rows(csv_data)[1][1] == '\'=HYPERLINK("http://x")'  # the CSV side's guard
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Number", "Title", "Status"]
    title = sheet.cell(row=2, column=2)
    assert title.value == '=HYPERLINK("http://x")' and title.data_type == "s"
    assert title.quotePrefix  # stays text when edited, as if typed with an apostrophe
    raised = sheet.cell(row=2, column=header.index("Raised on") + 1)
    assert isinstance(raised.value, datetime.datetime) and raised.is_date
    assert sheet.cell(row=2, column=header.index("Hours a year") + 1).value == 10
    assert sheet.cell(row=2, column=header.index("Money a year (£)") + 1).value == 40


def test_every_download_is_made_by_the_one_helper_that_also_makes_its_xlsx_twin():
    """No module writes a CSV response of its own: a new download made so would have no XLSX
    twin (the conformance walk compares every CSV download with its twin, as every person)."""
    allowed = {"leanhub/http.py", "leanhub/orgdata.py", "leanhub/spreadsheets.py"}
    own = set()
    for app in ("leanhub", "ideas", "kaizen", "metrics", "places", "signon", "recognition", "api"):
        for path in (ROOT / app).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            text = path.read_text()
            if name not in allowed and re.search(
                r"content_type=\"text/csv|csv\.writer\(|csv_chunks\(", text
            ):
                own.add(name)
    assert not own, f"{sorted(own)} make CSV downloads outside leanhub.http.download_response"
    templates = "".join(p.read_text() for p in (ROOT / "templates").rglob("*.html"))
    # Each "format=csv" link has its twin beside it (the ideas list links its export by name).
    assert templates.count("format=xlsx") >= templates.count("format=csv") > 0
