"""The CSV parser on its own: which rows pass, and what each problem row is told."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics import csvimport
from metrics.models import Observation

MEASURES = [("Minutes per new claim", 1), ("Footfall", 2)]
HEADER = "measure,date,value,note\n"


def _parse(body: str, *, measures=MEASURES, existing=frozenset(), header: str = HEADER):
    return csvimport.parse(header + body, measures=measures, existing=set(existing))


def test_clean_rows_come_back_with_their_measure_ids():
    result = _parse("Minutes per new claim,2026-01-05,51,after huddle\nFOOTFALL,2026-01-05,410,\n")
    assert result.ok and not result.errors
    assert [(r.line, r.measure_id, r.date, r.value, r.note) for r in result.rows] == [
        (2, 1, date(2026, 1, 5), Decimal("51"), "after huddle"),
        (3, 2, date(2026, 1, 5), Decimal("410"), ""),
    ]


def test_names_match_whatever_their_case_and_spacing():
    result = _parse("  minutes  PER new claim ,2026-01-05,51,\n")
    assert result.ok and result.rows[0].measure_id == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Minutes per new claim,12/01/2026,48,", "“12/01/2026” is not a date (use YYYY-MM-DD)."),
        ("Minutes per new claim,,48,", "No date given."),
        ("Minutes per new claim,2026-01-12,forty,", "“forty” is not a number."),
        ("Minutes per new claim,2026-01-12,NaN,", "“NaN” is not a number."),
        ("Minutes per new claim,2026-01-12,,", "No value given."),
        ("Minutes per new claim,2026-01-12", "No value given."),
        ("Minutes per new claim,2026-01-12,1.23456,", "“1.23456” has more than 4 decimal places."),
        ("Minutes per new claim,2026-01-12,12345678901,", "“12345678901” is too large."),
        ("Handling Time at the Desk,2026-01-12,48,", "Unknown measure “Handling Time at the Desk”."),
        (",2026-01-12,48,", "No measure given."),
        (
            "Minutes per new claim,2026-01-12,48,late,extra",
            "5 values for 4 columns (a number written with commas needs quotes).",
        ),
        ("Minutes per new claim,2026-01-12,48," + "x" * 201, "The note is 201 characters long; at most 200 fit."),
    ],
)  # fmt: skip
def test_each_problem_is_reported_on_its_line_and_nothing_passes(row, message):
    result = _parse(f"Footfall,2026-01-05,410,\n{row}\n")
    assert result.errors == [(3, message)]
    assert not result.rows and not result.ok


def test_a_number_with_an_unquoted_thousands_comma_is_not_silently_cut_short():
    result = _parse("Footfall,2026-01-05,1,234\n", header="measure,date,value\n")
    assert result.errors == [
        (2, "4 values for 3 columns (a number written with commas needs quotes).")
    ]
    assert _parse('Footfall,2026-01-05,"1,234"\n', header="measure,date,value\n").rows[
        0
    ].value == Decimal("1234")


def test_several_problems_on_one_row_are_reported_together_with_names_as_written():
    result = _parse("Handling Time,05/01/2026,lots,\n")
    assert result.errors == [
        (
            2,
            "Unknown measure “Handling Time”; “05/01/2026” is not a date (use YYYY-MM-DD); "
            "“lots” is not a number.",
        )
    ]


def test_dates_already_recorded_or_repeated_in_the_file_are_errors():
    result = _parse(
        "Footfall,2026-01-05,410,\nFootfall,2026-01-12,400,\nfootfall,2026-01-12,401,\n",
        existing={(2, date(2026, 1, 5))},
    )
    assert result.errors == [
        (2, "2026-01-05 is already recorded for “Footfall”."),
        (4, "2026-01-12 for “footfall” repeats line 3."),
    ]


def test_a_name_two_measures_share_is_an_error_on_every_row_naming_it():
    measures = [*MEASURES, ("footfall ", 3)]
    result = _parse(
        "Minutes per new claim,2026-01-05,51,\nFootfall,2026-01-05,410,\nFOOTFALL,2026-01-12,3,\n",
        measures=measures,
    )
    message = "is the name of 2 measures here: rename one of them, then import again."
    assert result.errors == [(3, f"“Footfall” {message}"), (4, f"“FOOTFALL” {message}")]
    assert not result.rows


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,how many\n1,2\n", "Missing column(s): measure, date, value."),
        ("Footfall,2026-01-05,410\n", "Missing column(s): measure, date, value."),
        ("measure,date\nFootfall,2026-01-05\n", "Missing column(s): value."),
        ("", "Missing column(s): measure, date, value."),
        ("measure,date,value,Value\nFootfall,2026-01-05,1,2\n", "Column(s) named twice: value."),
        ("measure,date,value\n", "The file has no rows to import."),
        ("measure,date,value\n,,\n\n", "The file has no rows to import."),
    ],
)
def test_a_file_without_the_right_header_or_any_rows_is_refused_on_line_1(text, message):
    result = csvimport.parse(text, measures=MEASURES, existing=set())
    assert len(result.errors) == 1
    line, said = result.errors[0]
    assert line == 1 and said.startswith(message)
    assert not result.ok


def test_blank_lines_a_byte_order_mark_and_header_case_are_tolerated():
    text = "\ufeffMeasure, Date ,VALUE\n\nFootfall,2026-01-05,410\n,,\nFootfall,2026-01-12,400\n"
    result = csvimport.parse(text, measures=MEASURES, existing=set())
    assert result.ok and [r.line for r in result.rows] == [3, 5]


def test_the_limits_are_those_of_the_observation_table():
    value = Observation._meta.get_field("value")
    assert (
        value.max_digits,
        value.decimal_places,
    ) == (csvimport.MAX_DIGITS, csvimport.DECIMAL_PLACES)
    assert Observation._meta.get_field("note").max_length == csvimport.MAX_NOTE


def test_the_largest_value_that_fits_is_accepted():
    result = _parse("Footfall,2026-01-05,-9999999999.9999,\nFootfall,2026-01-12,1.50000,\n")
    assert [r.value for r in result.rows] == [Decimal("-9999999999.9999"), Decimal("1.50000")]


def test_a_quote_left_open_is_reported_not_raised():
    text = 'measure,date,value\nFootfall,2026-01-05,410\nFootfall,"2026-01-12,400\n' + "x" * 200_000
    result = csvimport.parse(text, measures=MEASURES, existing=set())
    assert not result.rows
    [(line, message)] = result.errors
    assert line >= 3 and message.startswith("The file stops being valid CSV here")


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(csvimport, "MAX_ROWS", 2)
    result = _parse("Footfall,2026-01-05,1,\n\nFootfall,2026-01-12,2,\nFootfall,2026-01-19,3,\n")
    assert result.errors == [(5, "More than 2 rows: split the file.")] and not result.rows


# --- Bad files: a clear error per row or per file, never a crash, and nothing saved -------------

GOOD = "Minutes per new claim,2026-01-05,51,\n"

# (name, the file's bytes, the line reported, the start of the message shown)
BAD_FILES = [
    (
        "a NUL byte",
        (HEADER + GOOD + "Minutes per new claim,2026-01-12,4\x009,\n").encode(),
        3,
        "The file holds a NUL character (a zero byte), so it is not plain-text CSV",
    ),
    (
        "a spreadsheet's own format",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        1,
        "The file holds a NUL character (a zero byte), so it is not plain-text CSV: save it as",
    ),
    (
        "not UTF-8",
        (HEADER + "Minutes per new claim,2026-01-05,51,café\n").encode("latin-1"),
        None,
        "Save the file as CSV (UTF-8) and try again.",
    ),
    (
        "over 10 MB",
        (HEADER + GOOD).encode() + b" " * (10 * 1024 * 1024),
        None,
        "The file is over 10 MB: split it into smaller files.",
    ),
    (
        "a field larger than the csv module's limit",
        (HEADER + GOOD + "Minutes per new claim,2026-01-12,51," + "x" * 200_000 + "\n").encode(),
        3,
        "The file stops being valid CSV here: a value runs on for more than 131,072 characters.",
    ),
    (
        "thousands of columns",
        ("measure,date,value," + ",".join(f"c{i}" for i in range(5000)) + "\n" + GOOD).encode(),
        1,
        "The first line has 5,003 columns; a file of figures has at most 100.",
    ),
    (
        "thousands of values on a row",
        (HEADER + "Minutes per new claim,2026-01-05,51,x" + ",1" * 5000 + "\n").encode(),
        2,
        "5004 values for 4 columns (a number written with commas needs quotes).",
    ),
    (
        "a formula in a note",
        (HEADER + 'Minutes per new claim,2026-01-05,51,=HYPERLINK("http://x")\n').encode(),
        2,
        "The note starts with “=”, so a spreadsheet would run it as a formula",
    ),
    (
        "a formula as a value",
        (HEADER + "Minutes per new claim,2026-01-05,=1+2,\n").encode(),
        2,
        "“=1+2” is not a number.",
    ),
    (
        "a formula as a measure",
        (HEADER + "@SUM(A1),2026-01-05,5,\n").encode(),
        2,
        "Unknown measure “@SUM(A1)”.",
    ),
    (
        "a value with a vast exponent",
        (HEADER + "Minutes per new claim,2026-01-05,1e999999999,\n").encode(),
        2,
        "“1e999999999” is too large.",
    ),
    (
        "a long value quoted back short",
        (HEADER + "Minutes per new claim,2026-01-05," + "9" * 5000 + ",\n").encode(),
        2,
        "“" + "9" * 40 + "…” is too large.",
    ),
]


@pytest.mark.parametrize(
    ("content", "line", "message"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_the_import_page_refuses_a_bad_file_saying_why_and_saves_nothing(
    client, lee, team_a, measure, content, line, message
):
    client.force_login(lee)
    upload = SimpleUploadedFile("figures.csv", content, content_type="text/csv")
    response = client.post(reverse("metrics:import", args=["team", team_a.pk]), {"file": upload})
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    if line is None:  # refused by the form, as a whole
        assert message in body
    else:
        assert f"<td>{line}</td><td>{message}" in body
    assert not Observation.objects.exists()


def test_the_import_page_asks_for_a_file_when_none_is_sent(client, lee, team_a, measure):
    client.force_login(lee)
    response = client.post(reverse("metrics:import", args=["team", team_a.pk]))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


@pytest.mark.parametrize("char", ["=", "+", "-", "@"])
def test_a_note_a_spreadsheet_would_run_is_refused_and_an_apostrophe_lets_it_in(char):
    result = _parse(f"Footfall,2026-01-05,410,{char}cmd|' /C calc'!A0\n")
    [(line, message)] = result.errors
    assert line == 2 and message.startswith(f"The note starts with “{char}”")
    assert "put an apostrophe (') before it" in message
    assert _parse(f"Footfall,2026-01-05,410,'{char}1\n").rows[0].note == f"'{char}1"


def test_a_file_at_the_column_limit_imports():
    extra = ",".join(f"c{i}" for i in range(csvimport.MAX_COLUMNS - 3))
    result = _parse("Footfall,2026-01-05,410\n", header=f"measure,date,value,{extra}\n")
    assert result.ok
