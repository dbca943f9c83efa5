"""The idea page shows its neighbours further along the thread: the kaizen cards working on it."""

from __future__ import annotations

from django.urls import reverse

from ideas import actions
from ideas.models import Idea


def test_a_lead_puts_an_accepted_idea_on_the_board_from_the_idea_page(client, cast, idea):
    actions.change_status(idea, to=Idea.Status.ACCEPTED, note="Yes", by=cast["lee"])
    client.force_login(cast["lee"])
    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert reverse("kaizen:card-from-idea", args=[idea.pk]) in page

    response = client.post(reverse("kaizen:card-from-idea", args=[idea.pk]))
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Idea.Status.IN_PROGRESS
    card = idea.cards.get()

    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert card.get_absolute_url() in page
    assert reverse("kaizen:card-from-idea", args=[idea.pk]) not in page  # one card, one button


def test_staff_are_not_offered_the_board_button(client, cast, idea):
    actions.change_status(idea, to=Idea.Status.ACCEPTED, note="Yes", by=cast["lee"])
    client.force_login(cast["sam"])
    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert reverse("kaizen:card-from-idea", args=[idea.pk]) not in page
