"""A card can name the value-stream map step it improves; the map shows the card as a burst."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaizen import actions
from kaizen.models import Card
from tests.ideas.vsm_conftest import add_steps, make_map


def _map(team, user, name="New claim"):
    m = make_map(team, user, name=name)
    (step,) = add_steps(m, 1)
    return m, step


@pytest.fixture
def step(team_a, lee):
    return _map(team_a, lee)[1]


def test_a_lead_links_a_card_to_a_step_and_the_map_shows_it(client, lee, make_cards, col, step):
    (card,) = make_cards(1, col("Plan"))
    client.force_login(lee)
    page = client.get(reverse("kaizen:card", args=[card.pk])).content.decode()
    assert f"New claim: {step.name}" in page  # offered in the edit form
    response = client.post(
        reverse("kaizen:card", args=[card.pk]),
        {"title": card.title, "version": card.version, "vsm_step": step.pk},
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.vsm_step == step

    page = client.get(reverse("kaizen:card", args=[card.pk])).content.decode()
    assert "Improves the step" in page and step.map.get_absolute_url() in page
    map_page = client.get(step.map.get_absolute_url()).content.decode()
    assert reverse("kaizen:card", args=[card.pk]) in map_page


def test_a_step_of_another_teams_map_is_refused(lee, olu, team_b, make_cards, col):
    (card,) = make_cards(1, col("Plan"))
    _, other_step = _map(team_b, olu, name="Crime report")
    with pytest.raises(ValidationError, match="not working on this board"):
        actions.edit_card(
            card, expected_version=card.version, title=card.title, vsm_step=other_step, by=lee
        )
    assert Card.objects.get(pk=card.pk).vsm_step is None
