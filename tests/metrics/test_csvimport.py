"""The CSV parser on its own: which rows pass, and what each problem row is told."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

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
