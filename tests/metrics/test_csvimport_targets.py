"""Targets over time, chart types and a check-only preview in the CSV import: a target column
gives the target from a row's date on; rows a chart type cannot take are refused per row, and
then nothing is imported."""

from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics import csvimport, readings
from metrics.models import Annotation, Measure, MeasureTarget, Observation

MEASURES = [("Minutes", 1), ("Days between falls", 2), ("Cases between infections", 3)]
TYPES = {1: "xmr", 2: "t", 3: "g"}
START = date(2026, 1, 5)
STEADY = [40, 42, 41, 43, 42, 40, 41, 42, 43, 41, 42, 40, 41, 42]


def parse(body: str, **kwargs):
    header = "measure,date,value,ghost,target\n"
    return csvimport.parse(
        header + body, measures=MEASURES, existing=set(), chart_types=TYPES, **kwargs
    )


def test_a_target_column_gives_each_row_its_target():
    result = parse("Minutes,2026-01-05,40,,45\nMinutes,2026-01-12,41,,\n")
    assert result.ok
    assert [r.target for r in result.rows] == [Decimal("45"), None]


def test_rows_a_chart_cannot_take_are_refused_each_with_its_reason():
    result = parse(
        "Minutes,2026-01-05,40,,forty\n"
        "Days between falls,2026-01-05,1,yes,\n"
        "Days between falls,2026-01-06,1,,10\n"
        "Cases between infections,2026-01-05,2.5,,\n"
        "Cases between infections,2026-01-06,-1,,\n"
        "Minutes,2026-01-12,40,,1.23456\n"
    )
    assert not result.rows
    assert result.errors == [
        (2, "The target “forty” is not a number."),
        (3, "“Days between falls” is not an XmR chart, so it cannot ghost points."),
        (4, "“Days between falls” is a chart of rare events, which has no target."),
        (5, "“Cases between infections” counts cases between events: the value must be a whole "
            "number, 0 or more."),
        (6, "“Cases between infections” counts cases between events: the value must be a whole "
            "number, 0 or more."),
        (7, "The target “1.23456” has more than 4 decimal places."),
    ]  # fmt: skip


def test_a_target_starting_on_or_before_one_already_set_is_refused():
    starts = {1: [date(2026, 3, 2)]}
    result = parse(
        "Minutes,2026-03-02,40,,45\nMinutes,2026-03-09,40,,\nMinutes,2026-03-16,40,,44\n",
        target_starts=starts,
    )
    assert result.errors == [
        (
            2,
            "A target from 2026-03-02 is already set for “Minutes”: remove it on the measure's "
            "settings page first, or leave this row's target empty.",
        )
    ]
    assert parse("Minutes,2026-03-16,40,,44\n", target_starts=starts).ok


def upload(rows: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile("f.csv", "\n".join(rows).encode(), content_type="text/csv")


def file_of(measure: Measure, targets: dict[int, str]) -> list[str]:
    rows = ["measure,date,value,target"]
    for i, v in enumerate(STEADY):
        rows.append(f"{measure.name},{START + timedelta(weeks=i)},{v},{targets.get(i, '')}")
    return rows


def test_an_imported_target_applies_from_its_date_until_the_next_and_ends_the_one_before(
    client, lee, team_a, measure
):
    earlier = MeasureTarget.objects.create(measure=measure, value=Decimal("50"), start=None)
    client.force_login(lee)
    # 45 from the first week (said again in the second: still the same target), 39 from week 7.
    rows = file_of(measure, {0: "45", 1: "45", 7: "39"})
    url = reverse("metrics:import", args=["team", team_a.pk])
    assert client.post(url, {"file": upload(rows)}).status_code == 302
    spans = list(MeasureTarget.objects.filter(measure=measure).order_by("start", "pk"))
    earlier.refresh_from_db()
    assert earlier.end == START - timedelta(days=1)  # in force until the import's first target
    assert [(t.value, t.start, t.end) for t in spans if t.pk != earlier.pk] == [
        (Decimal("45"), START, START + timedelta(weeks=7, days=-1)),
        (Decimal("39"), START + timedelta(weeks=7), None),
    ]
    result = readings.read(measure).result
    assert [p.target for p in result.points] == [45.0] * 7 + [39.0] * 7
    body = client.get(measure.get_absolute_url()).content.decode()
    assert 'class="spc-target-path"' in body


def test_one_bad_row_imports_nothing_not_even_the_targets(client, lee, team_a, measure):
    client.force_login(lee)
    rows = file_of(measure, {0: "45", 9: "lots"})
    response = client.post(
        reverse("metrics:import", args=["team", team_a.pk]), {"file": upload(rows)}
    )
    assert response.status_code == 400
    assert "The target “lots” is not a number." in html.unescape(response.content.decode())
    assert not Observation.objects.exists() and not MeasureTarget.objects.exists()


def test_check_only_shows_what_the_file_would_do_and_imports_nothing(client, lee, team_a, measure):
    client.force_login(lee)
    rows = ["measure,date,value,ghost,recalculate,target"]
    for i, v in enumerate(STEADY):
        rows.append(
            f"{measure.name},{START + timedelta(weeks=i)},{v},{'yes' if i == 2 else ''},"
            f"{'yes' if i == 7 else ''},{'45' if i == 0 else ''}"
        )
    url = reverse("metrics:import", args=["team", team_a.pk])
    response = client.post(url, {"file": upload(rows), "check": "1"})
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Every row passed: nothing is imported yet" in body
    assert '<td class="num">14</td>' in body and '<td class="num">1</td>' in body
    assert "45 from 5 Jan 2026" in body and "23 Feb 2026" in body  # the recalculation
    assert not Observation.objects.exists() and not MeasureTarget.objects.exists()
    assert not Annotation.objects.exists()
    assert client.post(url, {"file": upload(rows)}).status_code == 302
    assert Observation.objects.filter(measure=measure).count() == 14
    assert MeasureTarget.objects.get(measure=measure).value == 45
