"""Fixtures for the ideas app's tests. Value-stream map fixtures are named vsm_*."""

from __future__ import annotations

import pytest

from ideas.vsm_models import ValueStreamMap
from tests.ideas.vsm_conftest import add_steps, make_map


@pytest.fixture
def vsm_map(team_a, lee) -> ValueStreamMap:
    """New Claims' current-state map of a new claim, with three steps."""
    m = make_map(team_a, lee)
    add_steps(m, 3)
    return m
