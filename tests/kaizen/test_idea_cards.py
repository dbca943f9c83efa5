"""The kaizen cards working on an idea, and the button that puts an accepted idea on its team's
board: a fragment kaizen serves to the idea's page (which is the ideas app's, so it cannot read
cards itself)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ideas import actions as idea_actions
from ideas.models import Idea
from kaizen import actions
from kaizen.models import Card

HTMX = {"HTTP_HX_REQUEST": "true"}


def cards_url(idea: Idea) -> str:
    return reverse("kaizen:idea-cards", args=[idea.pk])


@pytest.fixture
def idea(cast, team_a) -> Idea:
    return Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the claim form", problem="Typing twice"
    )


@pytest.fixture
def card(idea, board_a, lee) -> Card:
    return actions.create_card(board_a, title="Trial pre-filled forms", idea=idea, by=lee)


def test_anonymous_people_are_sent_to_sign_in_for_an_ideas_cards(client, idea, card):
    response = client.get(cards_url(idea), **HTMX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_ideas_cards_are_404_to_people_who_may_not_see_the_idea(client, cast, idea, card):
    for outsider in ("priya", "pat", "nobody"):
        client.force_login(cast[outsider])
        assert client.get(cards_url(idea), **HTMX).status_code == 404
        assert client.get(cards_url(idea)).status_code == 404


def test_the_cards_fragment_refuses_a_post(client, cast, idea):
    client.force_login(cast["lee"])
    assert client.post(cards_url(idea)).status_code == 405


def test_anyone_who_may_see_the_idea_sees_its_cards_swapped_in_by_id(client, cast, idea, card):
    client.force_login(cast["wendy"])  # another team of the site: reads the idea and the board
    fragment = client.get(cards_url(idea), **HTMX).content.decode()
    assert fragment.startswith(f'<div id="idea-cards-{idea.pk}">')
    assert '<h2 id="h-work">Improvement work</h2>' in fragment and "<html" not in fragment
    assert f'<a href="{card.get_absolute_url()}">Trial pre-filled forms</a>' in fragment
    assert f"Trial pre-filled forms</a> — {card.column.name} on New Claims board</li>" in fragment


def test_a_card_on_a_board_the_person_cannot_see_is_left_out(client, cast, idea, card):
    # Shared with partners, the idea is seen by another organisation in the place; its card is
    # on New Claims' board, which they cannot open.
    Idea.objects.filter(pk=idea.pk).update(shared_with_partners=True)
    client.force_login(cast["priya"])
    fragment = client.get(cards_url(idea), **HTMX).content.decode()
    assert card.title not in fragment and card.get_absolute_url() not in fragment
    assert "Improvement work" not in fragment  # nothing to show: the box alone


def test_a_lead_is_offered_the_board_button_only_while_the_idea_is_accepted_without_a_card(
    client, cast, idea, lee
):
    button = reverse("kaizen:card-from-idea", args=[idea.pk])
    client.force_login(lee)
    assert button not in client.get(cards_url(idea), **HTMX).content.decode()  # still new
    idea_actions.change_status(idea, to=Idea.Status.ACCEPTED, note="Yes", by=lee)
    fragment = client.get(cards_url(idea), **HTMX).content.decode()
    assert f'<form method="post" action="{button}">' in fragment
    assert "Put it on the team's kaizen board" in fragment and "csrfmiddlewaretoken" in fragment
    client.force_login(cast["sam"])  # staff do not start work on an idea
    assert button not in client.get(cards_url(idea), **HTMX).content.decode()


def test_without_script_the_link_leads_to_a_page_of_the_ideas_cards(client, cast, idea, card):
    client.force_login(cast["sam"])
    response = client.get(cards_url(idea))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    assert card.get_absolute_url() in body and f'href="{idea.get_absolute_url()}"' in body
    other = Idea.objects.create(team=idea.team, author=cast["sam"], title="Other", problem="p")
    assert "No kaizen card works on this idea yet." in client.get(cards_url(other)).content.decode()


@pytest.mark.parametrize("n", [1, 20])
def test_an_ideas_cards_query_count_is_flat(
    client, cast, idea, make_cards, n, django_assert_max_num_queries
):
    cards = make_cards(n)
    Card.objects.filter(pk__in=[c.pk for c in cards]).update(idea=idea)
    client.force_login(cast["lee"])
    with django_assert_max_num_queries(7):
        fragment = client.get(cards_url(idea), **HTMX).content.decode()
    assert fragment.count('<li><a href="/kaizen/cards/') == n
    with django_assert_max_num_queries(7):
        assert client.get(cards_url(idea)).status_code == 200
