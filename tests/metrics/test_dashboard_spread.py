"""Managers see which good ideas have spread: adoptions by other teams of the ideas that came
from their scope, with the rows behind the figure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ideas.actions import adopt_idea
from ideas.models import Idea
from metrics import queries


@pytest.fixture
def spread(team_a, team_a_coaches, team_b, sam, wendy, olu):
    idea = Idea.objects.create(
        team=team_a,
        author=sam,
        title="Text customers the documents to bring",
        problem="People come back twice",
        status=Idea.Status.IMPLEMENTED,
        shared_with_partners=True,
    )
    quiet = Idea.objects.create(
        team=team_a, author=sam, title="Label the trays", problem="Mix-ups",
        status=Idea.Status.IMPLEMENTED,
    )  # fmt: skip
    adopt_idea(idea, team=team_a_coaches, by=wendy)
    adopt_idea(idea, team=team_b, by=olu)
    return idea, quiet


def test_the_site_dashboard_counts_adoptions_by_other_teams(client, maya, site_a1, spread):
    idea, _ = spread
    scope = queries.DashboardScope("site", site_a1)
    figures = queries.spread_figures(scope, queries.default_period())
    assert (figures["copies"], figures["ideas"], figures["teams"]) == (2, 1, 2)
    assert figures["most"][0]["adopted_from"] == idea.pk and figures["most"][0]["copies"] == 2
    client.force_login(maya)
    page = client.get(reverse("metrics:dashboard-scope", args=["site", site_a1.pk])).content
    page = page.decode()
    assert "Good ideas spreading" in page
    assert "adopted by 2 teams" in page


def test_the_police_teams_own_dashboard_does_not_count_the_copy_it_made(team_b, spread):
    scope = queries.DashboardScope("team", team_b)
    assert queries.spread_figures(scope, queries.default_period())["copies"] == 0


def test_the_rows_behind_the_figure_list_each_adoption(client, maya, site_a1, spread):
    client.force_login(maya)
    rows = reverse("metrics:rows", args=["site", site_a1.pk, "spread"])
    page = client.get(rows).content.decode()
    assert page.count("Text customers the documents to bring") >= 2
    assert "Work Coaches" in page and "Crime Recording" in page
    csv = client.get(rows, {"format": "csv"}).getvalue().decode().splitlines()
    assert csv[0] == "Idea,From team,Adopted by,Adopted on,Status there"
    assert len(csv) == 3
