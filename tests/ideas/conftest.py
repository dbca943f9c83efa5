"""Fixtures for the ideas tests: an idea of team_a and a factory for many."""

from __future__ import annotations

import pytest

from ideas.maps.models import ValueStreamMap
from ideas.models import Idea
from tests.ideas.maps.conftest import add_steps, make_map


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def idea(cast, team_a) -> Idea:
    return Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the claim form", problem="Typing twice"
    )


@pytest.fixture
def make_ideas(cast):
    def make(n: int, *, team, author=None, **fields) -> list[Idea]:
        return Idea.objects.bulk_create(
            Idea(
                team=team,
                author=author or cast["sam"],
                title=f"Idea number {i}",
                problem="Something slows us down",
                **fields,
            )
            for i in range(n)
        )

    return make


@pytest.fixture
def vsm_map(team_a, lee) -> ValueStreamMap:
    """New Claims' current-state map of a new claim, with three steps."""
    m = make_map(team_a, lee)
    add_steps(m, 3)
    return m
