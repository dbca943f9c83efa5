"""Every page that shows a measure's SPC reading reads it the same way (metrics.readings): the
measure page and its CSV, the dashboards' survey charts, the cycle page and the A3 give the same
figures, rules and engine version. And the measure list's warnings are fresh after every change
that alters a chart, without anyone opening the chart first."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kaizen import actions as kaizen_actions
from metrics import actions, pulses, readings, spc
from metrics.models import Annotation, Measure, MeasureTarget, Observation, Survey, SurveyResponse

STEADY = [40, 42, 41, 43, 42, 40, 41, 42, 43, 41, 42, 40, 41, 42]
FIRST = [40, 42, 41, 43, 42, 40, 41, 42, 43, 41, 42, 40]
LATER = [35, 36, 34, 35, 37, 36, 35, 34, 36, 35, 36]


def daily(measure: Measure, values, *, ghosts=(), last: date | None = None) -> list[date]:
    last = last or timezone.localdate()
    first = last - timedelta(days=len(values) - 1)
    days = [first + timedelta(days=i) for i in range(len(values))]
    Observation.objects.bulk_create(
        Observation(measure=measure, date=day, value=Decimal(str(v)), ghost=i in ghosts)
        for i, (day, v) in enumerate(zip(days, values, strict=True))
    )
    return days


def lines(result: spc.SPCResult) -> str:
    seg = result.latest_segment
    assert seg is not None and seg.lower_limit is not None and seg.upper_limit is not None
    return f"Mean {seg.mean:.2f}, process limits {seg.lower_limit:.2f} to {seg.upper_limit:.2f}."


@pytest.fixture
def charted(site_a1, team_a, lee, maya):
    """A survey's measure drawn by NHSRplotthedots (not the default), lower is better, with a
    ghosted outlier, a target over time, and limits recalculated by a PDCA cycle's marker."""
    survey = actions.create_survey(
        site_a1, kind="customer", title="Counter", question="How was it?", team=team_a, by=maya
    )
    measure = survey.measure
    assert measure is not None
    measure.rules = Measure.Rules.PLOTTHEDOTS
    measure.improvement = Measure.Improvement.DECREASE
    measure.save()
    days = daily(measure, [*FIRST, 90, *LATER], ghosts={12})
    MeasureTarget.objects.create(measure=measure, value=Decimal("38"), start=days[0])
    board = kaizen_actions.ensure_team_board(team_a)
    card = kaizen_actions.create_card(board, title="Greeter at the door", owners=[lee], by=lee)
    cycle = kaizen_actions.start_cycle(card, by=lee)
    actions.link_cycle_to_measure(
        cycle, measure=measure, change_date=days[12], recalculate=True, by=lee
    )
    return measure, card, cycle


def test_every_page_reads_a_measure_the_same_way(client, lee, team_a, charted):
    measure, card, cycle = charted
    reading = readings.read(measure)
    result = reading.result
    figures = lines(result)
    version = f"leanhub-spc {spc.ENGINE_VERSION} / nhsrplotthedots-0.2"
    assert result.engine_version == version and len(result.segments) == 2
    assert result.points[12].ghost and result.assurance is not None
    # The test can fail: counting the ghost, or the default rules, give other figures.
    counted = spc.analyse(
        [f.value for f in reading.figures],
        [f.date for f in reading.figures],
        improvement="decrease",
        rebase_at=[reading.figures[12].date],
    )
    assert lines(counted) != figures
    assure = str(spc.ASSURANCE_LABELS[result.assurance])

    client.force_login(lee)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert figures in page and version in page and assure in page
    assert "Drawn by NHSRplotthedots 0.2" in page

    download = client.get(measure.get_absolute_url(), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(download.getvalue().decode("utf-8-sig"))))
    header, last = rows[0], rows[-1]
    seg = result.latest_segment
    assert seg is not None
    assert last[header.index("mean")] == f"{seg.mean:.6g}"
    assert last[header.index("upper process limit")] == f"{seg.upper_limit:.6g}"
    assert rows[13][header.index("ghosted")] == "yes"
    assert {r[header.index("engine version")] for r in rows[1:]} == {version}

    # The dashboard's charts, as its page loads them.
    dashboard = client.get(
        reverse("metrics:dashboard-charts", args=["team", team_a.pk]),
        headers={"HX-Request": "true"},
    )
    body = dashboard.content.decode()
    assert figures in body and version in body and assure in body
    assert "Rules: NHSRplotthedots 0.2" in body

    fragment = client.get(
        reverse("metrics:cycle-measure", args=[cycle.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert figures in fragment and version in fragment and assure in fragment
    a3 = client.get(
        reverse("metrics:cycle-measure-summary", args=[cycle.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert figures in a3 and version in a3 and assure in a3
    # And the A3's own page loads that very fragment.
    a3_page = client.get(reverse("kaizen:card-a3", args=[card.pk])).content.decode()
    assert reverse("metrics:cycle-measure-summary", args=[cycle.pk]) in a3_page


def test_a_baseline_longer_than_the_data_so_far_is_drawn_from_every_point_and_said(
    client, lee, measure
):
    measure.fix_after_n_points = 20
    measure.save()
    daily(measure, STEADY)
    client.force_login(lee)
    page = client.get(measure.get_absolute_url())
    assert page.status_code == 200
    assert "The baseline is the first 20 points, and there are only 14 so far" in (
        page.content.decode()
    )
    listing = client.get(reverse("metrics:measures")).content.decode()
    assert "The baseline is not complete yet" in listing


def test_figures_a_chart_type_cannot_draw_are_explained_not_a_failure(client, lee, measure):
    measure.chart_type = Measure.ChartType.G
    measure.save()
    daily(measure, [1, 2, 2.5])  # written before it was a G chart
    client.force_login(lee)
    page = client.get(measure.get_absolute_url())
    assert page.status_code == 200
    assert "This chart cannot be drawn from these figures" in page.content.decode()


# --- The measure list's warnings, fresh after every change ---------------------------------


def listed(client) -> str:
    return client.get(reverse("metrics:measures")).content.decode()


RUN_CHART = "Too few points for limits: a run chart"
SECTION = "A section has too few points for reliable limits"
BASELINE = "The baseline includes special cause variation"


def stale(measure: Measure) -> None:
    """A warning the chart does not give, stored: the next change must put it right."""
    Measure.objects.filter(pk=measure.pk).update(spc_warnings=["conflict"])


CONFLICT = "The latest point is both an improvement and a concern"


def test_recording_a_figure_refreshes_the_list(client, lee, measure):
    client.force_login(lee)
    assert RUN_CHART not in listed(client)
    client.post(measure.get_absolute_url(), {"date": "2026-03-02", "value": "40"})
    assert Observation.objects.filter(measure=measure).count() == 1
    assert RUN_CHART in listed(client)


def test_an_import_refreshes_the_list(client, lee, team_a, measure):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(lee)
    text = "measure,date,value\n" + "".join(
        f"{measure.name},2026-03-0{i + 1},{40 + i}\n" for i in range(5)
    )
    upload = SimpleUploadedFile("f.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("metrics:import", args=["team", team_a.pk]), {"file": upload})
    assert response.status_code == 302
    assert RUN_CHART in listed(client)


def test_a_change_of_settings_refreshes_the_list(client, lee, measure):
    daily(measure, STEADY)
    client.force_login(lee)
    assert RUN_CHART not in listed(client)
    data = {
        "name": measure.name,
        "unit": measure.unit,
        "improvement": measure.improvement,
        "frequency": measure.frequency,
        "rules": "nhse",
        "chart_type": "xmr",
        "screen_moving_ranges": "unknown",
        "minimum_points": "20",
    }
    assert client.post(reverse("metrics:measure-edit", args=[measure.pk]), data).status_code == 302
    assert RUN_CHART in listed(client)
    data["rules"] = "plotthedots"  # a switch of preset: the package draws from 2 points
    del data["minimum_points"]
    assert client.post(reverse("metrics:measure-edit", args=[measure.pk]), data).status_code == 302
    assert RUN_CHART not in listed(client)


def test_a_baseline_refreshes_the_list(client, lee, measure):
    base = [10, 12] * 5 + [10, 40]  # the 40 is special cause inside the first 12
    daily(measure, [*base, 11, 10, 12, 11])
    client.force_login(lee)
    assert BASELINE not in listed(client)
    data = {
        "name": measure.name,
        "unit": measure.unit,
        "improvement": measure.improvement,
        "frequency": measure.frequency,
        "rules": "nhse",
        "chart_type": "xmr",
        "screen_moving_ranges": "unknown",
        "fix_after_n_points": "12",
    }
    assert client.post(reverse("metrics:measure-edit", args=[measure.pk]), data).status_code == 302
    assert BASELINE in listed(client)


def test_ghosting_a_point_refreshes_the_list(client, lee, measure):
    daily(measure, STEADY[:13])
    client.force_login(lee)
    assert RUN_CHART not in listed(client)
    point = Observation.objects.filter(measure=measure).first()
    assert point is not None
    client.post(reverse("metrics:measure-ghost", args=[measure.pk, point.pk]), {"ghost": "1"})
    assert RUN_CHART in listed(client)  # 12 counted: under the SQL's 13
    client.post(reverse("metrics:measure-ghost", args=[measure.pk, point.pk]), {"ghost": "0"})
    assert RUN_CHART not in listed(client)


def test_a_change_of_target_refreshes_the_list(client, lee, measure):
    daily(measure, STEADY)
    client.force_login(lee)
    stale(measure)
    assert CONFLICT in listed(client)
    url = reverse("metrics:measure-target-add", args=[measure.pk])
    assert client.post(url, {"value": "30", "start": "2026-01-01"}).status_code == 302
    assert CONFLICT not in listed(client)
    stale(measure)
    target = MeasureTarget.objects.get(measure=measure)
    client.post(reverse("metrics:measure-target-remove", args=[measure.pk, target.pk]))
    assert CONFLICT not in listed(client)


def test_a_recalculation_marked_on_the_chart_refreshes_the_list(client, lee, measure):
    days = daily(measure, STEADY)
    client.force_login(lee)
    assert SECTION not in listed(client)
    response = client.post(
        reverse("metrics:measure-annotate", args=[measure.pk]),
        {"date": days[7].isoformat(), "label": "New form", "rebase": "on"},
    )
    assert response.status_code == 302
    assert SECTION in listed(client)  # two sections of 7: fewer than 12 each


def test_a_pdca_marker_that_recalculates_refreshes_the_list(client, lee, team_a, measure):
    days = daily(measure, STEADY)
    board = kaizen_actions.ensure_team_board(team_a)
    card = kaizen_actions.create_card(board, title="Pre-fill", owners=[lee], by=lee)
    cycle = kaizen_actions.start_cycle(card, by=lee)
    client.force_login(lee)
    url = reverse("metrics:cycle-measure", args=[cycle.pk])
    client.post(url, {"measure": measure.pk, "change_date": days[7].isoformat()})
    assert SECTION not in listed(client)  # marked, limits not recalculated
    client.post(url, {"measure": measure.pk, "change_date": days[7], "recalculate": "yes"})
    assert Annotation.objects.get(cycle=cycle).rebase
    assert SECTION in listed(client)
    client.post(url, {"measure": "", "change_date": ""})  # unlinked: the mark goes
    assert not Annotation.objects.filter(cycle=cycle).exists()
    assert SECTION not in listed(client)


def test_a_customers_answer_refreshes_the_list(client, maya, site_a1):
    survey = actions.create_survey(
        site_a1, kind="customer", title="Counter", question="How was it?", by=maya
    )
    client.post(survey.get_public_url(), {"score": "4"})
    client.force_login(maya)
    assert RUN_CHART in listed(client)


def test_a_pulse_week_closing_refreshes_the_list(client, maya, site_a1, team_a):
    pulse = actions.create_survey(
        site_a1, kind="staff", title="Pulse", question="How is work?", team=team_a, by=maya
    )
    assert pulse.measure is not None
    stale(pulse.measure)
    client.force_login(maya)
    assert CONFLICT in listed(client)
    today = timezone.localdate()
    last_week = pulses.week_start(today) - timedelta(days=5)
    at = timezone.make_aware(datetime.combine(last_week, time(12)))
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=pulse, score=4, voter=f"v{i}", created_at=at) for i in range(5)
    )
    assert pulses.close_weeks(surveys=[pulse.pk], today=today) == 1
    listing = listed(client)
    assert CONFLICT not in listing and RUN_CHART in listing
    assert Survey.objects.get(pk=pulse.pk).measure == pulse.measure


# --- Recalculations and targets over time: edited on the chart's page, shown on it --------------


def test_a_marked_change_is_switched_to_recalculate_and_back_and_taken_off(client, lee, measure):
    days = daily(measure, STEADY)
    mark = Annotation.objects.create(measure=measure, date=days[7], label="New form", rebase=False)
    client.force_login(lee)
    url = reverse("metrics:measure-mark", args=[measure.pk, mark.pk])
    body = client.get(measure.get_absolute_url()).content.decode()
    assert body.count('class="spc-mean"') == 1 and "Recalculate the limits from here" in body
    assert client.post(url, {"action": "recalculate"}).status_code == 302
    body = client.get(measure.get_absolute_url()).content.decode()
    assert body.count('class="spc-mean"') == 2 and "(limits recalculated from here)" in body
    assert SECTION in listed(client)
    client.post(url, {"action": "keep"})
    assert not Annotation.objects.get(pk=mark.pk).rebase
    assert SECTION not in listed(client)
    client.post(url, {"action": "recalculate"})
    client.post(url, {"action": "remove"})
    assert not Annotation.objects.filter(pk=mark.pk).exists()
    assert SECTION not in listed(client)
    assert client.get(url).status_code == 405


def test_staff_cannot_change_a_marked_change(client, sam, measure):
    mark = Annotation.objects.create(measure=measure, date=date(2026, 1, 5), label="x")
    client.force_login(sam)
    url = reverse("metrics:measure-mark", args=[measure.pk, mark.pk])
    assert client.post(url, {"action": "remove"}).status_code == 403
    assert Annotation.objects.filter(pk=mark.pk).exists()


def test_a_cycles_mark_is_not_taken_off_the_chart_but_on_its_cycle(client, lee, charted):
    measure, _card, cycle = charted
    mark = Annotation.objects.get(cycle=cycle)
    client.force_login(lee)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "Stop recalculating here" in body
    url = reverse("metrics:measure-mark", args=[measure.pk, mark.pk])
    response = client.post(url, {"action": "remove"}, follow=True)
    assert "unlink the measure on the cycle" in response.content.decode()
    assert Annotation.objects.filter(pk=mark.pk).exists()
    client.post(url, {"action": "keep"})  # the choice the cycle's form then shows
    assert not Annotation.objects.get(pk=mark.pk).rebase


def test_targets_over_time_are_said_in_words_on_the_chart_and_in_its_csv(client, lee, measure):
    days = daily(measure, STEADY)
    MeasureTarget.objects.create(measure=measure, value=Decimal("45"), end=days[6])
    MeasureTarget.objects.create(measure=measure, value=Decimal("39"), start=days[7])
    client.force_login(lee)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "Targets over time: 45 until" in body and "; 39 from" in body
    assert "Stepped dotted line: the target in force at each point." in body
    download = client.get(measure.get_absolute_url(), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.getvalue().decode("utf-8-sig"))))
    assert [r["target"] for r in rows] == ["45"] * 7 + ["39"] * 7


def test_no_page_works_a_chart_out_but_through_the_readings():
    """Only metrics.readings calls Measure.analyse (and only it, spc.analyse): a new page that
    works a measure's chart out on its own would miss its ghosts, targets or recalculations."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    allowed = {"metrics/readings.py", "metrics/models.py", "metrics/spc.py"}
    callers = set()
    for app in (
        "leanhub",
        "ideas",
        "kaizen",
        "metrics",
        "places",
        "signon",
        "api",
        "recognition",
        "library",
    ):
        for path in (root / app).rglob("*.py"):
            name = path.relative_to(root).as_posix()
            if name not in allowed and re.search(r"\banalyse\(", path.read_text()):
                callers.add(name)
    assert callers == set()
    assert "measure.analyse(" in (root / "metrics/readings.py").read_text()
