"""Making Data Count screens out unusually large moving ranges by default; a measure can turn
that off, and its chart then uses every moving range."""

from __future__ import annotations

import re

from django.urls import reverse

from metrics.models import Measure

# A steady series with one big one-off jump: screened, the jump's moving ranges are left out.
VALUES = [40, 41, 39, 40, 42, 40, 39, 41, 80, 40, 41, 39, 40, 42, 40, 41]


def _limits(client, measure) -> tuple[float, float]:
    segment = client.get(measure.get_absolute_url()).context["result"].segments[0]
    return segment.lower_limit, segment.upper_limit


def test_the_measure_form_offers_the_switch_ticked(client, lee, team_a):
    client.force_login(lee)
    page = client.get(reverse("metrics:measure-new", args=["team", team_a.pk])).content.decode()
    (tag,) = re.findall(r'<input[^>]*name="screen_moving_ranges"[^>]*>', page)
    assert "checked" in tag


def test_turning_screening_off_widens_the_limits(client, lee, team_a, make_observations):
    client.force_login(lee)
    fields = {"unit": "minutes", "improvement": "decrease", "frequency": "weekly"}
    url = reverse("metrics:measure-new", args=["team", team_a.pk])
    client.post(url, {**fields, "name": "Screened", "screen_moving_ranges": "on"})
    client.post(url, {**fields, "name": "Every range"})
    screened = Measure.objects.get(name="Screened")
    every = Measure.objects.get(name="Every range")
    assert screened.screen_moving_ranges and not every.screen_moving_ranges
    make_observations(screened, VALUES)
    make_observations(every, VALUES)
    low_s, high_s = _limits(client, screened)
    low_e, high_e = _limits(client, every)
    assert high_e > high_s and low_e < low_s
