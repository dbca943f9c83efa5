"""A card can name the value-stream map step it improves; the map shows the card under that
step. The map page is the ideas app's, so kaizen serves the cards as a fragment it loads."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ideas.maps import actions as map_actions
from ideas.maps import queries
from ideas.models import Idea
from kaizen import actions
from kaizen.models import Card
from tests.channels_helpers import GroupListener
from tests.ideas.maps.conftest import add_steps, make_map

HTMX = {"HTTP_HX_REQUEST": "true"}


def _map(team, user, name="New claim"):
    m = make_map(team, user, name=name)
    (step,) = add_steps(m, 1)
    return m, step


def cards_url(m) -> str:
    return reverse("kaizen:map-cards", args=[m.pk])


@pytest.fixture
def step(team_a, lee):
    return _map(team_a, lee)[1]


@pytest.fixture
def linked_card(make_cards, col, step):
    (card,) = make_cards(1, col("Plan"))
    Card.objects.filter(pk=card.pk).update(vsm_step=step)
    card.refresh_from_db()
    return card


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
    # The map page asks kaizen for its steps' cards as it loads, with a link for no script...
    map_page = client.get(step.map.get_absolute_url()).content.decode()
    url = cards_url(step.map)
    assert f'data-hx-get="{url}" data-hx-trigger="load"' in map_page and f'href="{url}"' in map_page
    assert f'<div id="step-cards-{step.pk}"></div>' in map_page
    # ...and the card comes back in the box of the step it improves, swapped in by id.
    fragment = client.get(url, **HTMX).content.decode()
    assert f'<div id="step-cards-{step.pk}" data-hx-swap-oob="true">' in fragment
    assert f'Kaizen card: <a href="{reverse("kaizen:card", args=[card.pk])}">{card.title}</a>' in (
        fragment
    )


def test_a_step_of_another_teams_map_is_refused(lee, olu, team_b, make_cards, col):
    (card,) = make_cards(1, col("Plan"))
    _, other_step = _map(team_b, olu, name="Crime report")
    with pytest.raises(ValidationError, match="not working on this board"):
        actions.edit_card(
            card, expected_version=card.version, title=card.title, vsm_step=other_step, by=lee
        )
    assert Card.objects.get(pk=card.pk).vsm_step is None


# --- The cards fragment ---------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in_for_a_maps_cards(client, step, linked_card):
    response = client.get(cards_url(step.map), **HTMX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_maps_cards_are_404_to_people_who_may_not_see_the_map(client, cast, step, linked_card):
    for outsider in ("priya", "nobody"):
        client.force_login(cast[outsider])
        assert client.get(cards_url(step.map), **HTMX).status_code == 404
        assert client.get(cards_url(step.map)).status_code == 404


def test_anyone_who_may_read_the_map_sees_its_cards(client, cast, step, linked_card):
    # Wendy works in another team of the site: she reads New Claims' map and board.
    client.force_login(cast["wendy"])
    fragment = client.get(cards_url(step.map), **HTMX).content.decode()
    assert linked_card.get_absolute_url() in fragment and "<html" not in fragment


def test_the_cards_fragment_refuses_a_post(client, cast, step):
    client.force_login(cast["sam"])
    assert client.post(cards_url(step.map)).status_code == 405


def test_without_script_the_link_leads_to_a_page_of_the_maps_cards(client, cast, step, linked_card):
    client.force_login(cast["sam"])
    response = client.get(cards_url(step.map))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    assert f"<h2>{step.name}</h2>" in body and linked_card.get_absolute_url() in body
    assert f'href="{step.map.get_absolute_url()}"' in body  # back to the map
    assert "data-hx-swap-oob" not in body


def test_a_card_on_a_board_the_person_cannot_see_is_left_out(
    client, cast, step, linked_card, board_b
):
    hidden = actions.create_card(
        board_b, title="Not yours", column=board_b.columns.first(), by=cast["olu"]
    )
    Card.objects.filter(pk=hidden.pk).update(vsm_step=step)
    client.force_login(cast["sam"])
    fragment = client.get(cards_url(step.map), **HTMX).content.decode()
    assert linked_card.get_absolute_url() in fragment
    assert "Not yours" not in fragment and hidden.get_absolute_url() not in fragment


def test_a_map_without_cards_answers_nothing_to_swap(client, cast, step):
    client.force_login(cast["sam"])
    fragment = client.get(cards_url(step.map), **HTMX).content.decode()
    assert "step-cards" not in fragment
    page = client.get(cards_url(step.map)).content.decode()
    assert "No kaizen card improves a step of this map yet." in page


@pytest.mark.parametrize("n", [1, 30])
def test_a_maps_cards_query_count_is_flat_across_steps_and_cards(
    client, cast, team_a, lee, make_cards, col, n, django_assert_max_num_queries
):
    m = make_map(team_a, lee)
    steps = add_steps(m, n)
    for step, card in zip(steps, make_cards(n, col("Plan")), strict=True):
        Card.objects.filter(pk=card.pk).update(vsm_step=step)
    client.force_login(cast["sam"])
    with django_assert_max_num_queries(7):
        fragment = client.get(cards_url(m), **HTMX).content.decode()
    assert fragment.count("data-hx-swap-oob") == n
    with django_assert_max_num_queries(7):
        assert client.get(cards_url(m)).status_code == 200


# --- The map drawing's stars ----------------------------------------------------------------
# The drawing is the ideas app's, but kaizen hangs its cards on it (ideas.maps.links), so a card
# improving a step is a star on that step wherever the map is drawn.


def _star(title: str, url: str) -> str:
    """A star in the map's SVG: a link around a burst named after what it links to."""
    return f'<a href="{url}" tabindex="-1" aria-label="Kaizen: {title}">'


def test_a_cards_star_is_drawn_on_the_step_it_improves(client, cast, step, linked_card):
    star = _star(linked_card.title, linked_card.get_absolute_url())
    client.force_login(cast["sam"])
    page = client.get(step.map.get_absolute_url()).content.decode()
    assert star in page and f"<title>Kaizen: {linked_card.title}</title>" in page
    for name in ("svg", "print"):
        assert star in client.get(reverse(f"maps:{name}", args=[step.map.pk])).content.decode()
    assert star in queries.live_context(step.map.pk)["ws"].svg  # what every viewer is sent


def test_a_steps_pinned_ideas_are_drawn_before_its_cards(client, cast, team_a, step, linked_card):
    idea = Idea.objects.create(
        team=team_a,
        author=cast["sam"],
        title="Check ID at booking",
        problem="Claims bounce",
        shared_with_partners=True,  # named on the drawing only when partners may read it too
    )
    map_actions.link_idea_to_step(step, idea=idea, by=cast["sam"])
    client.force_login(cast["sam"])
    svg = client.get(reverse("maps:svg", args=[step.map.pk])).content.decode()
    idea_star = svg.index(_star(idea.title, idea.get_absolute_url()))
    assert idea_star < svg.index(_star(linked_card.title, linked_card.get_absolute_url()))


def test_a_map_edit_broadcasts_the_cards_stars(
    cast, step, linked_card, django_capture_on_commit_callbacks
):
    group = map_actions.map_group(step.map.pk)
    listener = GroupListener(group)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            map_actions.update_map(step.map, values={"demand": 920}, by=cast["sam"])
        (message,) = listener.drain(group)
    finally:
        listener.close()
    assert _star(linked_card.title, linked_card.get_absolute_url()) in message["html"]


@pytest.mark.parametrize("n", [1, 30])
def test_the_map_pages_query_count_is_flat_across_steps_and_their_cards(
    client, cast, team_a, lee, make_cards, col, n, django_assert_max_num_queries
):
    m = make_map(team_a, lee)
    steps = add_steps(m, n)
    cards = make_cards(2 * n, col("Plan"))
    for k, card in enumerate(cards):
        Card.objects.filter(pk=card.pk).update(vsm_step=steps[k % n])
    client.force_login(cast["sam"])
    with django_assert_max_num_queries(12):
        page = client.get(m.get_absolute_url()).content.decode()
    assert page.count('class="vsm-burst"') == 2 * n
    with django_assert_max_num_queries(12):
        assert client.get(m.get_absolute_url(), **HTMX).status_code == 200
    for name in ("svg", "print"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(f"maps:{name}", args=[m.pk])).status_code == 200
