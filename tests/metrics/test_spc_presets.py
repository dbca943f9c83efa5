"""Rule presets in the product: a measure's settings page, the organisation default, ghosting,
targets over time, imports, warnings on the chart and in the list, the PDCA marker's
recalculation, and the SPC page and list at scale."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaizen import actions as kaizen_actions
from metrics import chart, spc
from metrics.models import Annotation, Measure, MeasureTarget, Observation, OrganisationSPC

START = date(2026, 1, 5)
STEADY = [40, 42, 41, 43, 42, 40, 41, 42, 43, 41, 42, 40, 41, 42]


def weekly(measure: Measure, values, *, ghosts=()) -> None:
    Observation.objects.bulk_create(
        Observation(
            measure=measure,
            date=START + timedelta(weeks=i),
            value=Decimal(str(v)),
            ghost=i in ghosts,
        )
        for i, v in enumerate(values)
    )


def settings_post(measure: Measure, **changes) -> dict:
    data = {
        "name": measure.name,
        "unit": measure.unit,
        "improvement": measure.improvement,
        "frequency": measure.frequency,
        "rules": measure.rules,
        "chart_type": measure.chart_type,
        "screen_moving_ranges": "unknown",
    }
    data.update({k: str(v) for k, v in changes.items()})
    return data


def test_a_new_measure_starts_with_its_organisations_rules(client, lee, team_a, org_a):
    client.force_login(lee)
    url = reverse("metrics:measure-new", args=["team", team_a.pk])
    base = {"name": "Backlog", "unit": "claims", "improvement": "decrease", "frequency": "weekly"}
    client.post(url, base)
    assert Measure.objects.get(name="Backlog").rules == "nhse"  # nobody chose: NHS England's
    OrganisationSPC.objects.create(organisation=org_a, rules="plotthedots")
    assert 'value="plotthedots" selected' in client.get(url).content.decode()
    client.post(url, {**base, "name": "Calls"})
    assert Measure.objects.get(name="Calls").rules == "plotthedots"


def test_an_organisation_manager_sets_the_default_and_staff_may_not(client, dev, sam, org_a):
    url = reverse("metrics:organisation-spc", args=[org_a.pk])
    client.force_login(sam)
    assert client.get(url).status_code == 403
    client.force_login(dev)
    assert "NHS England Making Data Count (SQL v2.6)" in client.get(url).content.decode()
    assert client.post(url, {"rules": "plotthedots"}).status_code == 302
    assert OrganisationSPC.objects.get(organisation=org_a).rules == "plotthedots"
    assert client.post(url, {"rules": "nonsense"}).status_code == 400


def test_the_chart_names_its_rules_and_engine_version_and_when_they_changed(client, lee, measure):
    weekly(measure, STEADY)
    client.force_login(lee)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "Drawn by NHS England Making Data Count (SQL v2.6): shifts of 6, trends of 6" in body
    assert f"leanhub-spc {spc.ENGINE_VERSION} / nhse-sql-2.6" in body
    response = client.post(
        reverse("metrics:measure-edit", args=[measure.pk]),
        settings_post(measure, rules="plotthedots"),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.rules == "plotthedots" and measure.previous_rules == "nhse"
    assert Observation.objects.filter(measure=measure).count() == len(STEADY)  # data kept
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "Drawn by NHSRplotthedots 0.2" in body
    assert "The rules changed;" in body and "from “NHS England Making Data Count" in body
    assert (
        "nhsrplotthedots-0.2"
        in client.get(measure.get_absolute_url(), {"format": "csv"}).getvalue().decode()
    )


def test_bad_settings_are_refused_with_a_reason(client, lee, measure):
    weekly(measure, STEADY)
    client.force_login(lee)
    url = reverse("metrics:measure-edit", args=[measure.pk])
    response = client.post(url, settings_post(measure, shift_points=3))
    assert response.status_code == 400
    assert "A shift is 6, 7 or 8 points in a row (not 3)." in response.content.decode()
    response = client.post(url, settings_post(measure, fix_after_n_points=20))
    assert response.status_code == 400
    assert "longer than the data (14 points)" in response.content.decode()
    response = client.post(url, settings_post(measure, chart_type="g", fix_after_n_points=""))
    assert response.status_code == 200 or response.status_code == 302  # whole numbers: a G chart
    measure.refresh_from_db()
    assert measure.chart_type == "g" and measure.shift_points is None


def test_staff_cannot_change_a_measures_settings(client, sam, measure):
    client.force_login(sam)
    assert client.get(reverse("metrics:measure-edit", args=[measure.pk])).status_code == 403


def test_ghosting_a_point_leaves_it_out_of_the_limits_and_says_so(client, lee, measure):
    weekly(measure, [*STEADY, 90])
    outlier = Observation.objects.get(measure=measure, value=90)
    client.force_login(lee)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "outside the process limits" in body
    client.post(reverse("metrics:measure-ghost", args=[measure.pk, outlier.pk]), {"ghost": "1"})
    outlier.refresh_from_db()
    assert outlier.ghost
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "Ghosted: shown, not counted" in body
    assert 'class="spc-ghost"' in body
    assert "outside the process limits" not in body


def test_targets_over_time_give_the_latest_assurance(client, lee, measure):
    weekly(measure, STEADY)
    MeasureTarget.objects.create(
        measure=measure, value=Decimal("20"), end=START + timedelta(weeks=6)
    )
    MeasureTarget.objects.create(
        measure=measure, value=Decimal("60"), start=START + timedelta(weeks=7)
    )
    client.force_login(lee)
    body = client.get(measure.get_absolute_url()).content.decode()
    # Lower is better and 60 is above the upper limit: consistently met (with the 40 it is not).
    assert "The target will consistently be met" in body
    assert 'class="spc-target-path"' in body


def test_a_target_over_time_is_added_and_refused_when_it_ends_before_it_starts(
    client, lee, measure
):
    client.force_login(lee)
    url = reverse("metrics:measure-target-add", args=[measure.pk])
    bad = client.post(url, {"value": "30", "start": "2026-05-01", "end": "2026-04-01"})
    assert bad.status_code == 400 and not MeasureTarget.objects.exists()
    assert client.post(url, {"value": "30", "start": "2026-04-01"}).status_code == 302
    assert MeasureTarget.objects.get().value == 30


def test_warnings_show_on_the_chart_and_in_the_measure_list(client, lee, measure):
    weekly(measure, STEADY[:5])
    client.force_login(lee)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "Fewer than 13 points (not counting ghosted ones): shown as a run chart" in body
    listing = client.get(reverse("metrics:measures")).content.decode()
    assert "Too few points for limits: a run chart" in listing
    assert re.search(r'<td class="num">5</td>', listing)  # its points, counted for the page


def test_a_baseline_with_special_cause_and_a_conflict_are_warned_of(client, lee, measure):
    measure.fix_after_n_points = 12
    measure.improvement = Measure.Improvement.INCREASE
    measure.save()
    base = [10, 12] * 5 + [10, 40]  # the 40 is special cause inside the baseline
    weekly(measure, [*base, 7, 7.5, 8, 8.5, 9, 9.5])  # rising below the mean: a conflict
    client.force_login(lee)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "The baseline includes special cause variation." in body
    assert "both an improvement and a concern" in body
    listing = client.get(reverse("metrics:measures")).content.decode()
    assert "The baseline includes special cause variation" in listing


def test_a_t_chart_reads_the_days_between_events(client, lee, measure):
    measure.chart_type = Measure.ChartType.T
    measure.improvement = Measure.Improvement.INCREASE
    measure.save()
    day = START
    for gap in [0, 3, 10, 3, 10, 3, 10, 3, 10, 3, 10, 3, 10, 3, 10]:
        day += timedelta(days=gap)
        Observation.objects.create(measure=measure, date=day, value=1)
    client.force_login(lee)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "14 points." in body  # the first event starts the count
    assert "The target will" not in body  # T charts have no assurance icon


def test_an_import_can_ghost_rows_and_recalculate_limits(client, lee, team_a, measure):
    client.force_login(lee)
    rows = ["measure,date,value,ghost,recalculate"]
    for i, v in enumerate(STEADY):
        day = START + timedelta(weeks=i)
        rows.append(
            f"{measure.name},{day},{v},{'yes' if i == 3 else ''},{'yes' if i == 7 else 'no'}"
        )
    upload = SimpleUploadedFile("f.csv", "\n".join(rows).encode(), content_type="text/csv")
    response = client.post(reverse("metrics:import", args=["team", team_a.pk]), {"file": upload})
    assert response.status_code == 302
    assert Observation.objects.get(measure=measure, date=START + timedelta(weeks=3)).ghost
    assert Annotation.objects.get(measure=measure).rebase
    bad = "measure,date,value,ghost\n" + f"{measure.name},2027-01-01,3,maybe\n"
    upload = SimpleUploadedFile("g.csv", bad.encode(), content_type="text/csv")
    response = client.post(reverse("metrics:import", args=["team", team_a.pk]), {"file": upload})
    assert response.status_code == 400
    assert "write yes or no" in response.content.decode()


def test_the_pdca_marker_recalculates_limits_when_the_lead_chooses(client, lee, team_a, measure):
    weekly(measure, STEADY)
    board = kaizen_actions.ensure_team_board(team_a)
    card = kaizen_actions.create_card(board, title="Pre-fill", owners=[lee], by=lee)
    cycle = kaizen_actions.start_cycle(card, by=lee)
    client.force_login(lee)
    url = reverse("metrics:cycle-measure", args=[cycle.pk])
    day = str(START + timedelta(weeks=7))
    client.post(url, {"measure": measure.pk, "change_date": day})
    assert not Annotation.objects.get(cycle=cycle).rebase  # not unless chosen
    client.post(url, {"measure": measure.pk, "change_date": day, "recalculate": "yes"})
    assert Annotation.objects.get(cycle=cycle).rebase
    body = client.get(measure.get_absolute_url()).content.decode()
    assert body.count('class="spc-mean"') == 2
    client.post(url, {"measure": measure.pk, "change_date": day})  # left as it is
    assert Annotation.objects.get(cycle=cycle).rebase
    refused = client.post(url, {"measure": measure.pk, "recalculate": "yes"})
    assert refused.status_code == 400


def test_the_page_gives_its_two_forms_their_own_field_ids(client, lee, measure):
    client.force_login(lee)
    body = client.get(measure.get_absolute_url()).content.decode()
    ids = re.findall(r'id="([^"]+)"', body)
    assert "record_date" in ids and "mark_date" in ids
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("n", [50, 5000])
def test_a_chart_of_thousands_of_points_draws_a_bounded_number_of_marks(n):
    values = [50 + (i * 7919 % 13) / 2 + (40 if i % 997 == 0 else 0) for i in range(n)]
    dates = [START + timedelta(days=i) for i in range(n)]
    result = spc.analyse(values, dates, rules=spc.preset("nhse"), improvement="decrease")
    geometry = chart.geometry(result)
    assert geometry is not None
    special = [p for p in result.points if p.special_cause]
    assert special  # the jumps
    drawn = len(geometry.dots) + len(geometry.dot_paths)
    assert drawn <= chart.MAX_LABELLED + 10
    assert len(geometry.path) < 80_000
    # Every special-cause point is drawn: labelled, or a mark of its kind in the same pixel.
    drawn_at = {(d.css, round(d.x), round(d.y)) for d in geometry.dots}
    for path in geometry.dot_paths:
        for x, y in re.findall(r"M([\d.]+),([\d.]+)h0", path.d):
            drawn_at.add((path.css, round(float(x)), round(float(y))))
    by_index = {d.point.index: d for d in chart.geometry(result, frame=chart.SMALL).dots}
    assert by_index  # the small chart keeps every point
    full = {d.point.index: d for d in geometry.dots}
    for p in special:
        if p.index in full:
            continue
        d = chart.Dot(round(chart.FULL.left + (720 - 72) * p.index / (n - 1), 1), 0.0, "", p)
        assert any(css != "spc-common" and abs(x - d.x) <= 1 for css, x, _ in drawn_at)


def test_the_measure_list_costs_the_same_queries_however_many_observations(
    client, lee, team_a, django_assert_max_num_queries
):
    for k in range(3):
        m = Measure.objects.create(name=f"M{k}", unit="u", team=team_a)
        weekly(m, STEADY * (1 + 20 * k))
    client.force_login(lee)
    client.get(reverse("metrics:measures"))
    with django_assert_max_num_queries(12):
        body = client.get(reverse("metrics:measures")).content.decode()
    assert '<td class="num">574</td>' in body  # 14 × 41, counted for the page only
