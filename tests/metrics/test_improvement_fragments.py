"""What an idea or a kaizen card achieved — its measured outcomes and the savings claimed from
it — served by metrics as fragments the idea's and the card's pages load (those apps are below
metrics and cannot read outcomes or savings)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ideas.models import Idea
from kaizen import actions as kaizen_actions
from kaizen.models import Card
from metrics.models import Measure, Outcome, Saving

HTMX = {"HTTP_HX_REQUEST": "true"}
PERIODS = {"baseline_start": date(2026, 1, 1), "baseline_end": date(2026, 1, 31),
           "after_start": date(2026, 2, 1), "after_end": date(2026, 2, 28)}  # fmt: skip


@pytest.fixture
def idea(team_a, sam) -> Idea:
    return Idea.objects.create(
        team=team_a, author=sam, title="Pre-fill claim forms", problem="Retyping",
        status=Idea.Status.IN_PROGRESS,
    )  # fmt: skip


@pytest.fixture
def card(team_a, lee, idea) -> Card:
    board = kaizen_actions.ensure_team_board(team_a)
    return kaizen_actions.create_card(board, title="Trial pre-filled forms", idea=idea, by=lee)


@pytest.fixture
def results(idea, card, team_a, lee, measure, make_savings) -> tuple[Outcome, Saving]:
    """One outcome and one saving of New Claims, from the card and so from its idea."""
    outcome = Outcome.objects.create(
        idea=idea, card=card, measure=measure, team=team_a, before_mean=50, after_mean=40,
        gain_percent=20, **PERIODS,
    )  # fmt: skip
    (saving,) = make_savings(
        1, team=team_a, claimed_by=lee, idea=idea, card=card, title="Fewer repeat calls"
    )
    return outcome, saving


@pytest.fixture
def hidden_saving(idea, card, team_b, olu, org_b, make_savings) -> Saving:
    """A saving another organisation's team claimed from the same work: theirs to see."""
    (saving,) = make_savings(
        1, team=team_b, claimed_by=olu, idea=idea, card=card, title="Crime Recording's share",
        invested_by=org_b, benefits=org_b,
    )  # fmt: skip
    return saving


def idea_url(idea: Idea) -> str:
    return reverse("metrics:idea-results", args=[idea.pk])


def card_url(card: Card) -> str:
    return reverse("metrics:card-results", args=[card.pk])


# --- Both fragments -----------------------------------------------------------------------


@pytest.fixture(params=["idea", "card"])
def url(request, idea, card) -> str:
    return idea_url(idea) if request.param == "idea" else card_url(card)


def test_anonymous_people_are_sent_to_sign_in_for_what_it_achieved(client, url, results):
    response = client.get(url, **HTMX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_what_it_achieved_is_404_to_people_who_may_not_see_the_improvement(
    client, cast, url, results
):
    for outsider in ("priya", "nobody"):
        client.force_login(cast[outsider])
        assert client.get(url, **HTMX).status_code == 404
        assert client.get(url).status_code == 404


def test_what_it_achieved_refuses_a_post(client, cast, url):
    client.force_login(cast["lee"])
    assert client.post(url).status_code == 405


def test_what_it_achieved_lists_the_outcomes_and_savings(client, cast, url, results, measure):
    _, saving = results
    client.force_login(cast["wendy"])  # another team of the site
    fragment = client.get(url, **HTMX).content.decode()
    assert "<html" not in fragment and "What it achieved" in fragment
    assert f'<a href="{measure.get_absolute_url()}">Minutes per new claim</a>' in fragment
    assert "20.0 %" in fragment
    assert f'<a href="{saving.get_absolute_url()}">Fewer repeat calls</a>' in fragment
    assert "£12,000 a year" in fragment


def test_a_saving_the_person_may_not_open_is_left_out(client, cast, url, results, hidden_saving):
    client.force_login(cast["sam"])
    fragment = client.get(url, **HTMX).content.decode()
    assert "Fewer repeat calls" in fragment
    assert hidden_saving.title not in fragment
    assert hidden_saving.get_absolute_url() not in fragment


# --- The idea's -----------------------------------------------------------------------------


def test_the_ideas_results_are_swapped_in_by_id_and_empty_when_there_are_none(
    client, cast, idea, card
):
    client.force_login(cast["sam"])
    fragment = client.get(idea_url(idea), **HTMX).content.decode()
    assert fragment.startswith(f'<div id="idea-results-{idea.pk}">')
    assert "<section" not in fragment and "What it achieved" not in fragment  # the box alone
    page = client.get(idea_url(idea)).content.decode()
    assert "<html" in page and "No measured outcome or saving yet." in page
    assert f'href="{idea.get_absolute_url()}"' in page  # back to the idea


def test_a_partner_sees_a_shared_idea_but_not_measures_or_savings_not_theirs(
    client, cast, idea, results
):
    Idea.objects.filter(pk=idea.pk).update(shared_with_partners=True)
    client.force_login(cast["priya"])  # another organisation in the place
    response = client.get(idea_url(idea), **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    # The outcome is on a team measure whose page answers 404 to her: it is left out.
    assert "Minutes per new claim" not in fragment
    assert "Fewer repeat calls" not in fragment


@pytest.mark.parametrize("n", [1, 20])
def test_the_ideas_results_query_count_is_flat(
    client, cast, idea, team_a, lee, measure, make_savings, n, django_assert_max_num_queries
):
    make_savings(n, team=team_a, claimed_by=lee, idea=idea)
    Outcome.objects.bulk_create(
        Outcome(idea=idea, measure=measure, team=team_a, **PERIODS) for _ in range(n)
    )
    client.force_login(cast["sam"])
    with django_assert_max_num_queries(8):
        fragment = client.get(idea_url(idea), **HTMX).content.decode()
    assert fragment.count("Minutes per new claim</a>") == n
    assert fragment.count('<td><a href="/metrics/savings/') == n
    with django_assert_max_num_queries(8):
        assert client.get(idea_url(idea)).status_code == 200


# --- The card's -----------------------------------------------------------------------------


def test_the_cards_results_are_swapped_in_by_id_and_say_when_there_are_none(client, cast, card):
    client.force_login(cast["sam"])
    fragment = client.get(card_url(card), **HTMX).content.decode()
    assert fragment.startswith(f'<section id="card-results-{card.pk}"')
    assert "No measured outcome or saving yet." in fragment
    page = client.get(card_url(card)).content.decode()
    assert "<html" in page and f'href="{card.get_absolute_url()}"' in page


def test_a_lead_of_both_teams_of_a_joint_card_may_claim_for_each(
    client, cast, team_a, team_a2, ada
):
    board = kaizen_actions.create_joint_board(name="Two sites", teams=[team_a, team_a2], by=ada)
    joint = kaizen_actions.create_card(board, title="Shared phone rota", by=ada)
    client.force_login(cast["dev"])  # manages both teams
    fragment = client.get(card_url(joint), **HTMX).content.decode()
    assert reverse("metrics:outcome-new-card", args=[joint.pk]) in fragment
    for team in (team_a, team_a2):
        claim = reverse("metrics:saving-new", args=[team.pk]) + f"?card={joint.pk}"
        assert f'href="{claim}">Claim a saving for {team.name}</a>' in fragment


@pytest.mark.parametrize("n", [1, 20])
def test_the_cards_results_query_count_is_flat(
    client, cast, card, team_a, lee, measure, make_savings, n, django_assert_max_num_queries
):
    make_savings(n, team=team_a, claimed_by=lee, card=card)
    other = Measure.objects.create(name="Calls back", unit="calls", team=team_a)
    Outcome.objects.bulk_create(
        Outcome(card=card, measure=measure if i % 2 else other, team=team_a, **PERIODS)
        for i in range(n)
    )
    client.force_login(lee)
    with django_assert_max_num_queries(8):
        fragment = client.get(card_url(card), **HTMX).content.decode()
    assert fragment.count("<td>New Claims</td>") == n
    assert fragment.count('<td><a href="/metrics/savings/') == n
    with django_assert_max_num_queries(8):
        assert client.get(card_url(card)).status_code == 200
