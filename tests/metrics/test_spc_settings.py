"""A measure's SPC settings: bad ones are refused with a reason, whichever rules draw the chart
and whether the measure is new or has figures; a switch of rules keeps the data and the chart
lists each change with its date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format

from metrics.models import Measure, Observation, RulesChange

STEADY = [40, 42, 41, 43, 42, 40, 41, 42, 43, 41, 42, 40, 41, 42]


def weekly(measure: Measure, values) -> None:
    Observation.objects.bulk_create(
        Observation(measure=measure, date=date(2026, 1, 5) + timedelta(weeks=i), value=Decimal(v))
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


@pytest.mark.parametrize("rules", ["nhse", "plotthedots"])
@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("shift_points", 3, "A shift is 6, 7 or 8 points in a row (not 3)."),
        ("trend_points", 5, "A trend is 6, 7 or 8 points in a row (not 5)."),
        ("shift_points", 9, "A shift is 6, 7 or 8 points in a row (not 9)."),
        (
            "fix_after_n_points",
            20,
            "The baseline of 20 points is longer than the data (14 points).",
        ),
        ("minimum_points", 1, "Limits need at least 2 points."),
    ],
)
def test_bad_settings_are_refused_with_a_reason_under_either_rules(
    client, lee, measure, rules, field, value, reason
):
    Measure.objects.filter(pk=measure.pk).update(rules=rules)
    measure.refresh_from_db()
    weekly(measure, STEADY)
    client.force_login(lee)
    response = client.post(
        reverse("metrics:measure-edit", args=[measure.pk]), settings_post(measure, **{field: value})
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    measure.refresh_from_db()
    assert getattr(measure, field) is None  # nothing saved


def test_a_baseline_of_the_data_exactly_is_accepted(client, lee, measure):
    weekly(measure, STEADY)
    client.force_login(lee)
    url = reverse("metrics:measure-edit", args=[measure.pk])
    assert client.post(url, settings_post(measure, fix_after_n_points=14)).status_code == 302
    measure.refresh_from_db()
    assert measure.fix_after_n_points == 14


def test_ghosted_points_do_not_count_towards_the_baseline(client, lee, measure):
    weekly(measure, STEADY)
    Observation.objects.filter(measure=measure, date=date(2026, 1, 5)).update(ghost=True)
    client.force_login(lee)
    url = reverse("metrics:measure-edit", args=[measure.pk])
    response = client.post(url, settings_post(measure, fix_after_n_points=14))
    assert response.status_code == 400
    assert "longer than the data (13 points)" in response.content.decode()


def test_a_new_measure_with_a_shift_of_3_is_refused(client, lee, team_a):
    client.force_login(lee)
    url = reverse("metrics:measure-new", args=["team", team_a.pk])
    base = {"name": "Backlog", "unit": "claims", "improvement": "decrease", "frequency": "weekly"}
    for rules in ("nhse", "plotthedots"):
        response = client.post(url, {**base, "rules": rules, "shift_points": "3"})
        assert response.status_code == 200  # the form again, with its reason
        assert "A shift is 6, 7 or 8 points in a row (not 3)." in response.content.decode()
    assert not Measure.objects.filter(name="Backlog").exists()


def test_each_change_of_rules_is_listed_on_the_chart_with_its_date(client, lee, measure):
    weekly(measure, STEADY)
    client.force_login(lee)
    url = reverse("metrics:measure-edit", args=[measure.pk])
    assert client.post(url, settings_post(measure, rules="plotthedots")).status_code == 302
    measure.refresh_from_db()
    assert client.post(url, settings_post(measure, shift_points=8)).status_code == 302
    measure.refresh_from_db()
    # Saving again without a change records nothing.
    assert client.post(url, settings_post(measure, shift_points=8)).status_code == 302
    changes = list(RulesChange.objects.filter(measure=measure))
    assert len(changes) == 2
    assert changes[0].before["rules"] == "nhse" and changes[0].after["rules"] == "plotthedots"
    assert changes[1].before["shift"] == 7 and changes[1].after["shift"] == 8
    assert changes[1].after["engine"].endswith("nhsrplotthedots-0.2")
    assert changes[0].changed_by == lee
    assert Observation.objects.filter(measure=measure).count() == len(STEADY)  # data kept
    body = client.get(measure.get_absolute_url()).content.decode()
    when = "On " + dateformat.format(timezone.localdate(), get_format("DATE_FORMAT")) + ", from"
    assert body.count(when) == 2
    assert (
        "from “NHS England Making Data Count (SQL v2.6): shifts of 6, trends of 6" in body
        and "to “NHSRplotthedots 0.2: shifts of 7, trends of 7, moving-range screening on”" in body
        and "to “NHSRplotthedots 0.2: shifts of 8, trends of 7, moving-range screening on”" in body
    )
    assert "Drawn by NHSRplotthedots 0.2: shifts of 8" in body


def test_the_organisations_export_holds_targets_over_time_and_changes_of_rules(
    client, lee, measure, org_a
):
    import csv
    import io
    import zipfile

    from leanhub import orgdata
    from metrics.models import MeasureTarget

    weekly(measure, STEADY)
    MeasureTarget.objects.create(measure=measure, value=Decimal("38"), start=date(2026, 3, 2))
    client.force_login(lee)
    url = reverse("metrics:measure-edit", args=[measure.pk])
    assert client.post(url, settings_post(measure, rules="plotthedots")).status_code == 302
    archive = zipfile.ZipFile(orgdata.build_zip(org_a))

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode())))

    assert [r["start"] for r in rows("metrics/measuretarget.csv")] == ["2026-03-02"]
    (change,) = rows("metrics/ruleschange.csv")
    assert "plotthedots" in change["after"] and "nhse" in change["before"]
