"""A PDCA cycle's baseline and target linked to a metrics measure: the plan names the measure and
the day the change went live, the measure's SPC chart is marked on that day, and the cycle page
and A3 show where the measure stands."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaizen import actions
from metrics.models import Annotation, Measure, Observation


@pytest.fixture
def cycle(make_cards, col, lee):
    (card,) = make_cards(1, col("Plan"), prefix="Pre-fill the claim form")
    return actions.start_cycle(card, by=lee)


@pytest.fixture
def minutes(team_a, lee) -> Measure:
    measure = Measure.objects.create(
        team=team_a, name="Minutes per new claim", unit="minutes", improvement="decrease"
    )
    start = date(2026, 1, 5)
    values = [40, 41, 39, 42, 40, 38, 41, 40, 39, 41, 40, 42, 30, 29, 31, 30, 28, 29, 30, 31]
    Observation.objects.bulk_create(
        Observation(measure=measure, date=start + timedelta(weeks=i), value=Decimal(v))
        for i, v in enumerate(values)
    )
    return measure


def _plan(client, cycle, **extra):
    data = {"problem": "Claims take too long", "baseline": "40 minutes", "target": "30 minutes"}
    data.update({k: v for k, v in extra.items() if v is not None})
    return client.post(reverse("kaizen:cycle-plan", args=[cycle.pk]), data)


def test_the_plan_links_a_measure_and_marks_the_change_on_its_chart(client, lee, cycle, minutes):
    client.force_login(lee)
    response = _plan(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.measure == minutes and cycle.change_date == date(2026, 3, 30)
    mark = Annotation.objects.get(cycle=cycle)
    assert mark.measure == minutes and mark.date == date(2026, 3, 30)
    assert "Pre-fill the claim form" in mark.label and "cycle 1" in mark.label
    assert not mark.rebase
    chart = client.get(minutes.get_absolute_url()).content.decode()
    assert "Pre-fill the claim form" in chart


def test_moving_the_date_moves_the_mark_keeping_a_rebase_and_clearing_it_removes_it(
    client, lee, cycle, minutes
):
    client.force_login(lee)
    _plan(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    Annotation.objects.filter(cycle=cycle).update(rebase=True)  # chosen on the chart
    _plan(client, cycle, measure=minutes.pk, change_date="2026-03-23")
    mark = Annotation.objects.get(cycle=cycle)
    assert mark.date == date(2026, 3, 23) and mark.rebase
    _plan(client, cycle, measure=minutes.pk)
    assert not Annotation.objects.filter(cycle=cycle).exists()
    assert Annotation.objects.filter(measure=minutes).count() == 0


def test_a_change_date_needs_a_measure(client, lee, cycle):
    client.force_login(lee)
    response = _plan(client, cycle, change_date="2026-03-30")
    assert response.status_code == 400
    assert "Choose the measure whose chart should show the change" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.change_date is None


def test_another_teams_measure_cannot_be_linked(client, lee, olu, cycle, team_b):
    theirs = Measure.objects.create(team=team_b, name="Crimes recorded", unit="reports")
    client.force_login(lee)
    response = _plan(client, cycle, measure=theirs.pk, change_date="2026-03-30")
    assert response.status_code == 400
    assert not Annotation.objects.exists()
    with pytest.raises(ValidationError):
        actions.update_cycle(cycle, measure=theirs, by=lee)


def test_a_site_measure_of_the_cards_team_can_be_linked(client, lee, cycle, site_a1):
    waiting = Measure.objects.create(site=site_a1, name="Minutes waiting", unit="minutes")
    client.force_login(lee)
    assert _plan(client, cycle, measure=waiting.pk).status_code == 302
    cycle.refresh_from_db()
    assert cycle.measure == waiting


def test_the_cycle_page_and_a3_show_where_the_measure_stands(client, lee, cycle, minutes):
    client.force_login(lee)
    _plan(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    page = client.get(reverse("kaizen:cycle", args=[cycle.pk])).content.decode()
    assert "Minutes per new claim" in page
    assert "Special cause variation: improvement (lower)" in page
    assert "latest 31 minutes" in page
    a3 = client.get(reverse("kaizen:card-a3", args=[cycle.card_id])).content.decode()
    assert "Special cause variation: improvement (lower)" in a3


def test_a_measure_without_enough_points_says_so(client, lee, cycle, team_a):
    new = Measure.objects.create(team=team_a, name="Letters sent", unit="letters")
    client.force_login(lee)
    _plan(client, cycle, measure=new.pk)
    page = client.get(reverse("kaizen:cycle", args=[cycle.pk])).content.decode()
    assert "Not enough data" in page


def test_the_plan_form_shows_the_saved_date_so_saving_again_keeps_it(client, lee, cycle, minutes):
    client.force_login(lee)
    _plan(client, cycle, measure=minutes.pk, change_date="2026-03-30")
    page = client.get(reverse("kaizen:cycle", args=[cycle.pk])).content.decode()
    # A date input only understands ISO dates; "30/03/2026" would show empty and be lost.
    assert 'type="date" name="change_date" value="2026-03-30"' in page
