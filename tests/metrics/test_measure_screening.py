"""Screening out unusually large moving ranges follows the measure's rules unless the measure
says otherwise (NHSRplotthedots screens, NHS England's SQL does not); a measure can turn it on
or off, and its chart then uses the moving ranges that choice leaves."""

from __future__ import annotations

import re

from django.urls import reverse

from metrics.models import Measure

# A steady series with one big one-off jump: screened, the jump's moving ranges are left out.
VALUES = [40, 41, 39, 40, 42, 40, 39, 41, 80, 40, 41, 39, 40, 42, 40, 41]


def _limits(client, measure) -> tuple[float, float]:
    segment = client.get(measure.get_absolute_url()).context["result"].segments[0]
    return segment.lower_limit, segment.upper_limit


def test_the_measure_form_offers_the_rules_default_or_a_choice(client, lee, team_a):
    client.force_login(lee)
    page = client.get(reverse("metrics:measure-new", args=["team", team_a.pk])).content.decode()
    (select,) = re.findall(r'<select[^>]*name="screen_moving_ranges".*?</select>', page, re.S)
    assert re.search(r'<option value="unknown" selected>', select)
    assert 'value="true"' in select and 'value="false"' in select


def test_turning_screening_off_widens_the_limits(client, lee, team_a, make_observations):
    client.force_login(lee)
    fields = {"unit": "minutes", "improvement": "decrease", "frequency": "weekly"}
    url = reverse("metrics:measure-new", args=["team", team_a.pk])
    client.post(url, {**fields, "name": "Screened", "screen_moving_ranges": "true"})
    client.post(url, {**fields, "name": "Every range", "screen_moving_ranges": "false"})
    client.post(url, {**fields, "name": "By the rules"})
    screened = Measure.objects.get(name="Screened")
    every = Measure.objects.get(name="Every range")
    assert screened.screen_moving_ranges is True and every.screen_moving_ranges is False
    assert Measure.objects.get(name="By the rules").screen_moving_ranges is None
    make_observations(screened, VALUES)
    make_observations(every, VALUES)
    low_s, high_s = _limits(client, screened)
    low_e, high_e = _limits(client, every)
    assert high_e > high_s and low_e < low_s
