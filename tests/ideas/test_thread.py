"""The idea page shows its neighbours further along the thread: the kaizen cards working on it
and what it achieved. Those are the rows of the apps above ideas, so the page loads them as
fragments those apps serve (tested in full in tests/kaizen/test_idea_cards.py and
tests/metrics/test_improvement_fragments.py)."""

from __future__ import annotations

from django.urls import reverse

from ideas import actions
from ideas.models import Idea

HTMX = {"HTTP_HX_REQUEST": "true"}


def _cards_of(client, idea: Idea) -> str:
    """The idea page's "improvement work", as the page loads it from kaizen (checking the page
    asks for it, with a link for browsers without script)."""
    url = reverse("kaizen:idea-cards", args=[idea.pk])
    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert f'data-hx-get="{url}" data-hx-trigger="load"' in page and f'href="{url}"' in page
    return client.get(url, **HTMX).content.decode()


def test_a_lead_puts_an_accepted_idea_on_the_board_from_the_idea_page(client, cast, idea):
    actions.change_status(idea, to=Idea.Status.ACCEPTED, note="Yes", by=cast["lee"])
    client.force_login(cast["lee"])
    page = _cards_of(client, idea)
    assert reverse("kaizen:card-from-idea", args=[idea.pk]) in page

    response = client.post(reverse("kaizen:card-from-idea", args=[idea.pk]))
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Idea.Status.IN_PROGRESS
    card = idea.cards.get()

    page = _cards_of(client, idea)
    assert card.get_absolute_url() in page
    assert reverse("kaizen:card-from-idea", args=[idea.pk]) not in page  # one card, one button


def test_staff_are_not_offered_the_board_button(client, cast, idea):
    actions.change_status(idea, to=Idea.Status.ACCEPTED, note="Yes", by=cast["lee"])
    client.force_login(cast["sam"])
    page = _cards_of(client, idea)
    assert reverse("kaizen:card-from-idea", args=[idea.pk]) not in page


def _raise_about_step(client, team, step_id):
    import uuid

    return client.post(
        reverse("ideas:new"),
        {
            "title": "Check the ID documents at the first appointment",
            "problem": "Claims wait days for documents we could see on day one.",
            "team": team.pk,
            "kind": "improvement",
            "token": str(uuid.uuid4()),
            "step": str(step_id),
        },
    )


def test_an_idea_raised_from_a_map_step_is_pinned_to_that_step(client, cast, vsm_map, team_a):
    step = vsm_map.steps.order_by("position").first()
    client.force_login(cast["sam"])
    map_page = client.get(vsm_map.get_absolute_url()).content.decode()
    assert f"{reverse('ideas:new')}?step={step.pk}" in map_page

    form = client.get(reverse("ideas:new") + f"?step={step.pk}").content.decode()
    assert f'name="step" value="{step.pk}"' in form
    assert _raise_about_step(client, team_a, step.pk).status_code == 302

    idea = Idea.objects.get(title__startswith="Check the ID")
    assert list(step.bursts.values_list("idea_id", flat=True)) == [idea.pk]


def test_an_idea_about_a_step_of_a_map_one_cannot_edit_is_raised_unpinned(
    client, cast, vsm_map, team_a_coaches, wendy
):
    step = vsm_map.steps.order_by("position").first()
    client.force_login(wendy)  # same organisation, another team: may see the map, not edit it
    assert _raise_about_step(client, team_a_coaches, step.pk).status_code == 302
    assert Idea.objects.filter(title__startswith="Check the ID").exists()
    assert not step.bursts.exists()


def test_the_idea_page_shows_the_savings_claimed_from_it(client, cast, idea, team_a, org_a):
    from datetime import date
    from decimal import Decimal

    from metrics.models import Saving

    Saving.objects.create(
        team=team_a,
        claimed_by=cast["lee"],
        idea=idea,
        title="Fewer repeat calls",
        kind=Saving.Kind.CASHABLE,
        amount=Decimal("12500"),
        recurrence=Saving.Recurrence.RECURRING,
        start_date=date(2026, 4, 1),
        stage=Saving.Stage.REALISED,
        invested_by=org_a,
        benefits=org_a,
    )
    results_url = reverse("metrics:idea-results", args=[idea.pk])
    client.force_login(cast["sam"])
    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert (
        f'data-hx-get="{results_url}" data-hx-trigger="load"' in page
        and f'href="{results_url}"' in page
    )
    body = client.get(results_url, **HTMX).content.decode()
    assert "What it achieved" in body and "Fewer repeat calls" in body
    client.force_login(cast["pat"])  # the partnership lead cannot see this private idea at all
    assert client.get(reverse("ideas:detail", args=[idea.pk])).status_code == 404
    assert client.get(results_url, **HTMX).status_code == 404
