"""Outcomes: before/after means on a measure and the efficiency gain against 15–30 %."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from ideas.models import Idea
from metrics import gains, queries
from metrics.models import Outcome


@pytest.mark.parametrize(
    ("before", "after", "improvement", "percent", "band"),
    [
        ("50", "40", "decrease", "20.0", "within"),
        ("50", "40", "increase", "-20.0", "below"),
        ("40", "60", "increase", "50.0", "above"),
        ("50", "45", "decrease", "10.0", "below"),
        ("50", "42.5", "decrease", "15.0", "within"),
        ("50", "35", "decrease", "30.0", "within"),
    ],
)
def test_the_efficiency_gain_respects_the_improvement_direction(
    before, after, improvement, percent, band
):
    gain = gains.efficiency_gain(Decimal(before), Decimal(after), improvement)
    assert gain.gain_percent == Decimal(percent) and gain.band == band


@pytest.mark.parametrize(
    ("before", "after", "improvement"),
    [(None, Decimal("1"), "decrease"), (Decimal("0"), Decimal("5"), "decrease"),
     (Decimal("5"), Decimal("4"), "neutral")],
)  # fmt: skip
def test_no_gain_is_claimed_without_a_baseline_or_a_direction(before, after, improvement):
    assert gains.efficiency_gain(before, after, improvement).gain_percent is None


def test_a_lead_records_an_outcome_and_the_team_gain_is_computed(
    client, lee, team_a, sam, measure, make_observations
):
    make_observations(measure, [50] * 6 + [40] * 6, start=date(2026, 1, 5))
    idea = Idea.objects.create(team=team_a, author=sam, title="Pre-fill forms", problem="p")
    client.force_login(lee)
    response = client.post(
        reverse("metrics:outcome-new", args=[idea.pk]),
        {"measure": measure.pk, "baseline_start": "2026-01-01", "baseline_end": "2026-02-10",
         "after_start": "2026-02-16", "after_end": "2026-03-31"},
    )  # fmt: skip
    assert response.status_code == 302
    scope = queries.DashboardScope("team", team_a)
    period = queries.Period(date(2026, 1, 1), date(2026, 12, 31))
    [row] = queries.team_gains(scope, period)
    assert row["gain"] == Decimal("20.0") and row["band"] == "within"


def test_an_after_period_overlapping_the_baseline_is_refused(client, lee, team_a, sam, measure):
    idea = Idea.objects.create(team=team_a, author=sam, title="x", problem="p")
    client.force_login(lee)
    response = client.post(
        reverse("metrics:outcome-new", args=[idea.pk]),
        {"measure": measure.pk, "baseline_start": "2026-01-01", "baseline_end": "2026-02-10",
         "after_start": "2026-02-01", "after_end": "2026-03-31"},
    )  # fmt: skip
    assert "must start after the baseline ends" in response.content.decode()
    assert not Outcome.objects.exists()


def test_staff_may_not_record_outcomes(client, sam, team_a):
    idea = Idea.objects.create(team=team_a, author=sam, title="x", problem="p")
    client.force_login(sam)
    assert client.get(reverse("metrics:outcome-new", args=[idea.pk])).status_code == 403


def test_recording_a_figure_later_updates_the_stored_gain(
    lee, team_a, sam, measure, make_observations
):
    from metrics import actions

    make_observations(measure, [50] * 4, start=date(2026, 1, 5))
    idea = Idea.objects.create(team=team_a, author=sam, title="x", problem="p")
    outcome = actions.record_outcome(
        idea, measure=measure, by=lee,
        periods={"baseline_start": date(2026, 1, 1), "baseline_end": date(2026, 1, 31),
                 "after_start": date(2026, 2, 1), "after_end": date(2026, 2, 28)},
    )  # fmt: skip
    assert outcome.gain_percent is None  # nothing after yet
    actions.record_observation(measure, on=date(2026, 2, 9), value=Decimal("35"), by=lee)
    outcome.refresh_from_db()
    assert outcome.after_mean == Decimal("35") and outcome.gain_percent == Decimal("30.0")


def test_the_team_dashboard_offers_leads_to_record_outcomes_of_implemented_ideas(
    client, lee, sam, team_a
):
    idea = Idea.objects.create(
        team=team_a, author=sam, title="Done thing", problem="p", status=Idea.Status.IMPLEMENTED
    )
    client.force_login(lee)
    body = client.get(reverse("metrics:dashboard-scope", args=["team", team_a.pk])).content
    assert reverse("metrics:outcome-new", args=[idea.pk]) in body.decode()
    client.force_login(sam)
    body = client.get(reverse("metrics:dashboard-scope", args=["team", team_a.pk])).content
    assert reverse("metrics:outcome-new", args=[idea.pk]) not in body.decode()


def test_a_teams_outcome_can_be_measured_on_its_sites_measure(
    client, lee, team_a, site_a1, site_b1, sam, make_observations
):
    from metrics.models import Measure

    footfall = Measure.objects.create(
        name="Waiting time at the counter", unit="minutes", improvement="decrease", site=site_a1
    )
    elsewhere = Measure.objects.create(name="Elsewhere", unit="minutes", site=site_b1)
    make_observations(footfall, [20] * 4 + [15] * 4, start=date(2026, 1, 5))
    idea = Idea.objects.create(team=team_a, author=sam, title="Greeter", problem="p")
    client.force_login(lee)
    url = reverse("metrics:outcome-new", args=[idea.pk])
    form = client.get(url).content.decode()
    assert "Waiting time at the counter" in form and "Elsewhere" not in form
    periods = {"baseline_start": "2026-01-01", "baseline_end": "2026-01-31",
               "after_start": "2026-02-01", "after_end": "2026-02-28"}  # fmt: skip
    refused = client.post(url, {"measure": elsewhere.pk, **periods})
    assert refused.status_code == 200 and not Outcome.objects.exists()
    assert client.post(url, {"measure": footfall.pk, **periods}).status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.measure == footfall and outcome.gain_percent == Decimal("25.0")


def test_the_action_refuses_a_measure_the_team_is_not_part_of(lee, team_a, site_a2, sam):
    from django.core.exceptions import PermissionDenied

    from metrics import actions
    from metrics.models import Measure

    # Another site of the same organisation: the lead can see it, but it does not cover the team.
    theirs = Measure.objects.create(name="Theirs", unit="u", site=site_a2)
    idea = Idea.objects.create(team=team_a, author=sam, title="x", problem="p")
    with pytest.raises(PermissionDenied):
        actions.record_outcome(
            idea, measure=theirs, by=lee,
            periods={"baseline_start": date(2026, 1, 1), "baseline_end": date(2026, 1, 31),
                     "after_start": date(2026, 2, 1), "after_end": date(2026, 2, 28)},
        )  # fmt: skip
    assert not Outcome.objects.exists()
