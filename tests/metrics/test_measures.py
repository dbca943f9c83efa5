"""Measures, observations, the SPC chart page and the all-or-nothing CSV import."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.templatetags.static import static
from django.urls import reverse

from leanhub.models import AuditEvent
from metrics import spc
from metrics.models import Annotation, Measure, Observation
from tests.spreadsheet_helpers import body_bytes, csv_rows, differences

WEEKLY = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52, 38, 37, 39, 36, 38, 37, 36, 38]


def test_a_lead_adds_a_measure_for_their_team(client, lee, team_a):
    client.force_login(lee)
    response = client.post(
        reverse("metrics:measure-new", args=["team", team_a.pk]),
        {"name": "Backlog", "unit": "claims", "improvement": "decrease", "frequency": "weekly"},
    )
    measure = Measure.objects.get()
    assert response.status_code == 302 and measure.team == team_a
    assert AuditEvent.objects.filter(verb="measure.created").exists()


def test_staff_may_not_add_measures(client, sam, team_a):
    client.force_login(sam)
    assert client.get(reverse("metrics:measure-new", args=["team", team_a.pk])).status_code == 403


def test_fixing_limits_on_fewer_than_twelve_points_is_refused_by_the_form(client, lee, team_a):
    client.force_login(lee)
    response = client.post(
        reverse("metrics:measure-new", args=["team", team_a.pk]),
        {"name": "Backlog", "unit": "claims", "improvement": "decrease", "frequency": "weekly",
         "fix_after_n_points": "5", "rules": "plotthedots"},
    )  # fmt: skip
    assert "at least 12" in response.content.decode()
    assert not Measure.objects.exists()


def test_recording_a_figure_twice_for_a_date_is_refused_with_a_field_error(client, lee, measure):
    client.force_login(lee)
    data = {"date": "2026-03-02", "value": "44.5", "note": "after huddle"}
    assert client.post(measure.get_absolute_url(), data).status_code == 302
    response = client.post(measure.get_absolute_url(), data)
    assert "already recorded" in response.content.decode()
    assert Observation.objects.count() == 1


def test_the_chart_page_draws_an_accessible_svg_with_the_data_as_a_table(
    client, sam, measure, make_observations
):
    measure.target = Decimal("45")
    measure.save()
    make_observations(measure, WEEKLY)
    Annotation.objects.create(measure=measure, date=date(2026, 3, 30), label="New triage")
    client.force_login(sam)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert '<svg viewBox="0 0 720 320" role="img"' in body
    assert '<title id="chart-title">' in body and '<desc id="chart-desc">' in body
    desc = body.split('<desc id="chart-desc">')[1].split("</desc>")[0]
    assert re.search(r"Mean \d+\.\d\d, process limits \d+\.\d\d to \d+\.\d\d\.", desc)
    assert "style=" not in body
    assert body.count('class="spc-mean"') == 2  # rebased at the annotation: two segments
    assert "New triage" in body
    assert "The data behind the chart" in body and body.count("<tr>") >= 21
    assert "The target will consistently be met" in body  # target 45 above the new upper limit


def test_a_measure_with_too_few_points_says_not_enough_data(client, sam, measure):
    Observation.objects.create(measure=measure, date=date(2026, 1, 1), value=Decimal("3"))
    client.force_login(sam)
    assert "Not enough data" in client.get(measure.get_absolute_url()).content.decode()


def test_the_chart_partial_is_served_to_htmx(client, sam, measure, make_observations):
    make_observations(measure, WEEKLY)
    client.force_login(sam)
    body = client.get(measure.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<div id="spc-chart">')


def test_an_outsider_gets_404_for_a_measure(client, olu, measure):
    client.force_login(olu)
    assert client.get(measure.get_absolute_url()).status_code == 404


def test_staff_see_but_may_not_record(client, sam, measure):
    client.force_login(sam)
    response = client.post(measure.get_absolute_url(), {"date": "2026-03-02", "value": "4"})
    assert response.status_code == 403


def test_observations_download_as_csv(client, sam, measure, make_observations):
    make_observations(measure, WEEKLY[:3])
    client.force_login(sam)
    response = client.get(measure.get_absolute_url(), {"format": "csv"})
    header, first = response.getvalue().decode().splitlines()[:2]
    assert header == (
        "date,value,note,ghosted,mean,lower process limit,upper process limit,target,signal,"
        "engine version"
    )
    # Three points: a run chart (no limits yet) under NHS England's rules, the version named.
    assert first.startswith("2026-01-05,50.0000,,,")
    assert first.endswith(
        f",40,not enough data,leanhub-spc {spc.ENGINE_VERSION} / nhse-sql-2.6"
    )  # the target in force on its date, too


def test_a_note_that_looks_like_a_formula_stays_text_in_the_measures_files(
    client, sam, measure, make_observations
):
    make_observations(measure, WEEKLY[:3])
    Observation.objects.filter(measure=measure, date=date(2026, 1, 12)).update(note="=1+2")
    client.force_login(sam)
    csv_file, workbook = (
        body_bytes(client.get(measure.get_absolute_url(), {"format": fmt}))
        for fmt in ("csv", "xlsx")
    )
    assert [row[:3] for row in csv_rows(csv_file)[1:]] == [
        ["2026-01-05", "50.0000", ""],
        ["2026-01-12", f"{Decimal(str(WEEKLY[1])):.4f}", "'=1+2"],
        ["2026-01-19", f"{Decimal(str(WEEKLY[2])):.4f}", ""],
    ]
    assert not differences(csv_file, workbook)


@pytest.mark.parametrize("n", [3, 60])
def test_chart_query_count_is_flat(client, sam, measure, make_observations, n,
                                   django_assert_max_num_queries):  # fmt: skip
    make_observations(measure, [50 + (i % 5) for i in range(n)])
    client.force_login(sam)
    with django_assert_max_num_queries(10):
        client.get(measure.get_absolute_url())


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv")


def test_a_clean_csv_imports_every_row(client, lee, team_a, measure):
    client.force_login(lee)
    csv = "measure,date,value,note\nMinutes per new claim,2026-01-05,51,\n" \
          "minutes per new claim,2026-01-12,49.5,after change\n"  # fmt: skip
    response = client.post(
        reverse("metrics:import", args=["team", team_a.pk]), {"file": _upload(csv)}
    )
    assert response.status_code == 302
    assert list(Observation.objects.values_list("value", flat=True)) == [
        Decimal("51"),
        Decimal("49.5"),
    ]


def test_a_csv_with_bad_rows_imports_nothing_and_reports_each_row(client, lee, team_a, measure):
    Observation.objects.create(measure=measure, date=date(2026, 1, 5), value=Decimal("50"))
    client.force_login(lee)
    csv = (
        "measure,date,value\n"
        "Minutes per new claim,2026-01-12,48\n"  # fine
        "Minutes per new claim,12/01/2026,48\n"  # bad date
        "Minutes per new claim,2026-01-19,forty\n"  # not a number
        "Handling time,2026-01-19,48\n"  # unknown measure
        "Minutes per new claim,2026-01-12,47\n"  # duplicate within the file
        "Minutes per new claim,2026-01-05,47\n"  # already recorded
        "Minutes per new claim,2026-01-26,\n"  # no value
        "Minutes per new claim,2026-02-02,1,200\n"  # too many columns
    )
    response = client.post(
        reverse("metrics:import", args=["team", team_a.pk]), {"file": _upload(csv)}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert Observation.objects.count() == 1
    for line, text in [
        (3, "“12/01/2026” is not a date (use YYYY-MM-DD)."),
        (4, "“forty” is not a number."),
        (5, "Unknown measure “Handling time”."),
        (6, "2026-01-12 for “Minutes per new claim” repeats line 2."),
        (7, "2026-01-05 is already recorded for “Minutes per new claim”."),
        (8, "No value given."),
        (9, "4 values for 3 columns (a number written with commas needs quotes)."),
    ]:
        assert f"<td>{line}</td><td>{text}</td>" in body
    assert "<td>2</td>" not in body
    assert "7 rows need fixing" in body


def test_a_csv_with_missing_columns_is_refused(client, lee, team_a, measure):
    client.force_login(lee)
    response = client.post(
        reverse("metrics:import", args=["team", team_a.pk]),
        {"file": _upload("when,how many\n1,2\n")},
    )
    assert "Missing column(s): measure, date, value" in response.content.decode()


def test_a_file_whose_first_line_is_data_is_refused_for_want_of_a_header(
    client, lee, team_a, measure
):
    client.force_login(lee)
    response = client.post(
        reverse("metrics:import", args=["team", team_a.pk]),
        {"file": _upload("Minutes per new claim,2026-01-12,48\n")},
    )
    assert response.status_code == 400
    assert "The first line must name them." in response.content.decode()
    assert not Observation.objects.exists()


def test_rows_naming_a_measure_whose_name_two_share_import_nothing(client, lee, team_a, measure):
    # Made before names had to differ, or by another route than the form.
    twin = Measure.objects.create(name="minutes per new claim ", unit="mins", team=team_a)
    client.force_login(lee)
    csv = "measure,date,value\nMinutes per new claim,2026-01-12,48\n"
    response = client.post(
        reverse("metrics:import", args=["team", team_a.pk]), {"file": _upload(csv)}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "<td>2</td><td>“Minutes per new claim” is the name of 2 measures here: "
        "rename one of them, then import again.</td>"
    ) in body
    assert not measure.observations.exists() and not twin.observations.exists()


def test_a_second_measure_of_the_same_name_in_a_scope_is_refused_by_the_form(
    client, lee, team_a, measure
):
    client.force_login(lee)
    response = client.post(
        reverse("metrics:measure-new", args=["team", team_a.pk]),
        {"name": " MINUTES per  new claim", "unit": "minutes", "improvement": "decrease",
         "frequency": "weekly"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is already a measure called “Minutes per new claim” here." in body
    assert 'value=" MINUTES per  new claim"' in body  # what was typed is kept
    assert Measure.objects.count() == 1


def test_the_same_name_is_free_in_another_scope_and_spacing_is_tidied(
    client, lee, maya, team_a, site_a1, measure
):
    client.force_login(maya)
    data = {"name": "  Minutes  per new claim ", "unit": "minutes", "improvement": "decrease",
            "frequency": "weekly"}  # fmt: skip
    response = client.post(reverse("metrics:measure-new", args=["site", site_a1.pk]), data)
    assert response.status_code == 302
    assert Measure.objects.get(site=site_a1).name == "Minutes per new claim"


def test_another_teams_measure_is_unknown_to_the_import(client, olu, team_b, measure):
    client.force_login(olu)
    csv = "measure,date,value\nMinutes per new claim,2026-01-12,48\n"
    response = client.post(
        reverse("metrics:import", args=["team", team_b.pk]), {"file": _upload(csv)}
    )
    assert "Unknown measure" in response.content.decode()
    assert not Observation.objects.exists()


def test_staff_may_not_import(client, sam, team_a):
    client.force_login(sam)
    assert client.get(reverse("metrics:import", args=["team", team_a.pk])).status_code == 403


def test_the_import_page_has_a_progress_indicator(client, lee, team_a):
    client.force_login(lee)
    body = client.get(reverse("metrics:import", args=["team", team_a.pk])).content.decode()
    assert '<progress id="import-progress"' in body and static("metrics/metrics.js") in body


@pytest.mark.parametrize("n", [1, 30])
def test_measure_list_query_count_is_flat(client, lee, team_a, n, django_assert_max_num_queries):
    from metrics.models import Measure

    Measure.objects.bulk_create(Measure(name=f"M{i}", unit="u", team=team_a) for i in range(n))
    client.force_login(lee)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("metrics:measures")).status_code == 200


def test_a_lead_marks_a_pdca_change_that_rebases_the_chart(client, lee, sam, team_a, measure):
    from ideas.models import Idea

    idea = Idea.objects.create(team=team_a, author=sam, title="Pre-fill", problem="p")
    client.force_login(lee)
    response = client.post(
        reverse("metrics:measure-annotate", args=[measure.pk]),
        {"date": "2026-03-02", "label": "PDCA cycle 1", "idea": idea.pk, "rebase": "on"},
    )
    assert response.status_code == 302
    annotation = Annotation.objects.get()
    assert annotation.idea == idea and annotation.rebase
    body = client.get(measure.get_absolute_url()).content.decode()
    assert f'<a href="{idea.get_absolute_url()}">PDCA cycle 1</a>' in body


def test_marking_a_change_refuses_get_and_staff(client, sam, lee, measure):
    url = reverse("metrics:measure-annotate", args=[measure.pk])
    client.force_login(lee)
    assert client.get(url).status_code == 405
    client.force_login(sam)
    assert client.post(url, {"date": "2026-03-02", "label": "x"}).status_code == 403
